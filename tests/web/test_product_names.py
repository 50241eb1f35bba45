"""A product's name is shown with its unit once: names that already end in their unit
(地膜 0.01mm×100cm（卷）, 复合肥 50kg/袋) are not given it a second time."""

import re

import pytest

from supply_match.extensions import db
from supply_match.labels import product_label
from tests import factories

# A bracketed unit, or a "/unit", printed twice in a row: "（卷）（卷）", "50kg/袋（袋）".
UNIT_TWICE = re.compile(r"(?:[（(](\w+)[）)]|/(\w+)[）)]?)\s*[（(]\s*(?:\1|\2)\s*[）)]")


@pytest.mark.parametrize(
    ("name", "unit", "shown"),
    [
        ("地膜 0.01mm×100cm（卷）", "卷", "地膜 0.01mm×100cm（卷）"),
        ("复合肥（15-15-15）50kg/袋", "袋", "复合肥（15-15-15）50kg/袋"),
        ("吡虫啉 10%可湿性粉剂（100g/袋）", "袋", "吡虫啉 10%可湿性粉剂（100g/袋）"),
        ("尿素（46%）", "袋", "尿素（46%）（袋）"),
        ("玉米种子", "kg", "玉米种子（kg）"),
    ],
)
def test_product_label_adds_the_unit_only_when_the_name_lacks_it(app, name, unit, shown):
    with app.test_request_context():
        assert product_label(name, unit) == shown


def test_pages_listing_products_never_print_a_unit_twice(client, auth, county_people):
    film = factories.product(name="地膜 0.01mm×100cm（卷）", category="film", unit="卷")
    bag = factories.product(name="复合肥（15-15-15）50kg/袋", unit="袋")
    outlet = factories.outlet()
    factories.stock(outlet, film, 3)
    factories.stock(outlet, bag, 3)
    factories.order(household=county_people.household_a, lines=[(film, 5), (bag, 1)])
    db.session.commit()
    pages = {}
    auth.login("cadre_a")
    pages["order form"] = client.get(
        f"/intake/orders/new?household={county_people.household_a.id}"
    ).get_data(as_text=True)
    auth.logout()
    auth.login("dispatcher")
    pages["supply"] = client.get("/supply").get_data(as_text=True)
    pages["stock"] = client.get(f"/catalogue/outlets/{outlet.id}/stock").get_data(as_text=True)
    for where, html in pages.items():
        assert "地膜 0.01mm×100cm（卷）" in html, where
        assert not UNIT_TWICE.search(html), (where, UNIT_TWICE.search(html).group(0))
