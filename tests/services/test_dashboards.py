"""Home page figures, without HTTP."""

from decimal import Decimal

from supply_match.models import OrderStatus
from supply_match.services.county import dashboards
from tests import factories


def test_dispatcher_figures_by_township_and_weight(county_people):
    other_village = factories.village(name="丙村")
    product = factories.product(unit_weight_kg=Decimal("0.5"))
    factories.order(household=factories.household(village=other_village), lines=[(product, 3)])
    figures = dashboards.dispatcher_figures()
    assert figures.total_orders == 3
    assert {row.name: row.total for row in figures.by_township} == {
        "保家镇": 2,
        other_village.township.name: 1,
    }
    assert figures.ordered_weight_kg == Decimal("201.5")


def test_cadre_figures_count_only_their_villages(county_people):
    factories.order(household=county_people.household_b, status=OrderStatus.CANCELLED)
    figures = dashboards.cadre_figures(county_people.cadre_b)
    assert figures.by_status["submitted"] == 1
    assert figures.by_status["cancelled"] == 1
    assert figures.households == 1
    assert [order.household.name for order in figures.recent_orders] == ["李乙户", "李乙户"]


def test_admin_figures_empty_county(app):
    figures = dashboards.admin_figures()
    assert figures.orders == 0 and figures.users_by_role == {
        "admin": 0,
        "dispatcher": 0,
        "cadre": 0,
        "outlet_staff": 0,
    }
