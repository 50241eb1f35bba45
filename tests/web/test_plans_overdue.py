"""The delivery days page while some allocated orders are past their last wanted day."""

from datetime import date, timedelta

from supply_match.extensions import db
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY, household


def test_the_days_page_links_overdue_orders_to_the_order_list(app, client, auth, county):
    """Regression: the page linked to an endpoint that does not exist and answered 500."""
    factories.user(role="dispatcher", username="diaodu-overdue")
    today = date.today()
    for i, (start, end) in enumerate([(DAY, DAY), (today, today + timedelta(days=3))]):
        factories.order(
            household=household(county, i),
            lines=[(county["urea"], 2)],
            wanted_from=start,
            wanted_to=end,
        )
    db.session.commit()
    run_matching()
    db.session.commit()
    auth.login("diaodu-overdue")

    page = client.get("/plans/")

    assert page.status_code == 200
    assert "/orders?status=allocated" in page.get_data(as_text=True)
