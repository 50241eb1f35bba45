"""The route sheet carries the county's service title and, for a village collection
point, whom to call there."""

from decimal import Decimal

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, DeliveryRun, DeliveryStop, StopItem
from supply_match.services.documents.route_sheets import render_html, sheets_for_plan
from tests import factories
from tests.days import DAY


def test_a_collection_stop_shows_its_contact_and_the_sheet_its_title(app, county, pengshui):
    village = county["village"]
    village.collection_point = "石嘴村村委会"
    village.collection_contact = "冉德福"
    village.collection_mobile = "13896412345"
    home = factories.household(village)
    order = factories.order(home, lines=[(county["seed"], 2)], wanted_from=DAY, wanted_to=DAY)
    order.delivery_point = "collection"
    run = DeliveryRun(volunteer=county["volunteers"][0], outlet=county["outlet"],
                      start_s=8 * 3600, end_s=9 * 3600, distance_m=1000)  # fmt: skip
    stop = DeliveryStop(position=0, delivery_point="collection", village=village,
                        label="石嘴村村委会", lat=village.lat, lon=village.lon,
                        arrival_s=8 * 3600, weight_kg=Decimal(2))  # fmt: skip
    stop.items.append(StopItem(order=order, order_line=order.lines[0], quantity=2))
    run.stops.append(stop)
    plan = DeliveryPlan(delivery_date=DAY)
    plan.runs.append(run)
    db.session.add(plan)
    db.session.commit()
    with app.test_request_context():
        sheets = sheets_for_plan(plan, lambda v: f"https://peisong.example/v/{v.id}")
        html = render_html(sheets)
    (sheet_stop,) = sheets[0].stops
    assert sheet_stop.mobile == "13896412345"
    assert "冉德福" in sheet_stop.label
    assert "彭水农资配送" in html
