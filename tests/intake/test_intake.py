"""Order intake one by one: validation by field, village scope, edit and cancel rules."""

from datetime import date, time

import pytest
from sqlalchemy import select

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import Household, Order, OrderStatus, Stock
from supply_match.services.errors import ForbiddenError
from supply_match.services.intake import forms as intake
from supply_match.services.supply.matching import run_matching
from tests import factories


@pytest.fixture
def village_day(app):
    township = factories.township()
    mine = factories.village(township=township, name="石嘴村", group_count=6)
    other = factories.village(township=township, name="大河村")
    urea = factories.product(name="尿素", unit="袋")
    seed = factories.product(name="玉米种子", category="seed", unit_weight_kg=1)
    cadre = factories.user(role="cadre", villages=[mine])
    household = factories.household(village=mine)
    stranger = factories.household(village=other)
    outlet = factories.outlet(township=township)
    factories.stock(outlet, urea, 100)
    factories.stock(outlet, seed, 100)
    db.session.commit()
    return dict(
        mine=mine,
        other=other,
        urea=urea,
        seed=seed,
        cadre=cadre,
        household=household,
        stranger=stranger,
    )


def order_input(v, **changes):
    values = dict(
        household_id=v["household"].id,
        lines=[(v["urea"].id, "2"), (v["seed"].id, "1.5")],
        wanted_from=date(2020, 3, 2),
        wanted_to=date(2020, 3, 5),
    )
    values.update(changes)
    return intake.OrderInput(**values)


def test_a_cadre_adds_a_household_and_an_order(village_day):
    v = village_day
    household = intake.add_household(
        v["cadre"], intake.HouseholdInput(v["mine"].id, "冉光明", "138 9601 2345", 3)
    )
    order = intake.create_order(
        v["cadre"],
        order_input(v, household_id=household.id, window_start=time(8), window_end=time(12)),
    )
    db.session.commit()
    assert household.mobile == "13896012345"
    assert (household.lat, household.lon) == (v["mine"].lat, v["mine"].lon)
    assert order.status == OrderStatus.SUBMITTED and order.created_by_id == v["cadre"].id
    assert sorted((line.product.name, str(line.quantity)) for line in order.lines) == [
        ("尿素", "2.00"),
        ("玉米种子", "1.50"),
    ]


def test_every_bad_field_is_named_and_nothing_is_written(village_day):
    v = village_day
    bad = order_input(
        v,
        lines=[(v["urea"].id, "0"), (v["urea"].id, "1"), (None, "3")],
        wanted_from=date(2020, 3, 5),
        wanted_to=date(2020, 3, 1),
        window_start=time(9),
        priority=12,
    )
    with pytest.raises(intake.IntakeError) as caught:
        intake.create_order(v["cadre"], bad)
    assert set(caught.value.errors) == {
        "lines-1-quantity",
        "lines-3-product",
        "wanted_to",
        "window_end",
        "priority",
    }
    db.session.rollback()
    assert db.session.scalars(select(Order)).all() == []


def test_a_cadre_cannot_order_for_another_village(village_day):
    v = village_day
    with pytest.raises(intake.IntakeError) as caught:
        intake.create_order(v["cadre"], order_input(v, household_id=v["stranger"].id))
    assert "household_id" in caught.value.errors
    with pytest.raises(intake.IntakeError):
        intake.add_household(
            v["cadre"], intake.HouseholdInput(v["other"].id, "田大山", "13896012346", 1)
        )


def test_a_household_cannot_be_added_twice(village_day):
    v = village_day
    h = v["household"]
    with pytest.raises(intake.IntakeError, match="已有农户"):
        intake.add_household(v["cadre"], intake.HouseholdInput(v["mine"].id, h.name, h.mobile, 1))


def test_a_field_point_pasted_from_amap_is_stored_in_wgs84(village_day):
    v = village_day
    wgs = (29.512, 108.331)
    gcj = geo.wgs84_to_gcj02(*wgs)
    order = intake.create_order(
        v["cadre"],
        order_input(
            v, delivery_point="field", field_lat=gcj[0], field_lon=gcj[1], field_gcj02=True
        ),
    )
    assert geo.great_circle_m(order.delivery_lat, order.delivery_lon, *wgs) < 0.05


def test_editing_an_allocated_order_gives_its_stock_back(village_day):
    v = village_day
    order = intake.create_order(v["cadre"], order_input(v))
    db.session.commit()
    run_matching()
    db.session.commit()
    assert order.status == OrderStatus.ALLOCATED

    intake.update_order(v["cadre"], order, order_input(v, lines=[(v["urea"].id, "5")]))
    db.session.commit()

    assert order.status == OrderStatus.SUBMITTED
    assert [(line.product.name, str(line.quantity)) for line in order.lines] == [("尿素", "5.00")]
    assert all(s.reserved == 0 for s in db.session.scalars(select(Stock)))


def test_a_scheduled_order_says_why_it_cannot_change(village_day):
    v = village_day
    order = intake.create_order(v["cadre"], order_input(v))
    order.transition_to("allocated")
    order.transition_to("scheduled")
    db.session.commit()  # a refused use case rolls back to what was committed
    with pytest.raises(intake.NotEditable, match="联系调度员"):
        intake.update_order(v["cadre"], order, order_input(v))
    with pytest.raises(intake.NotEditable):
        intake.cancel(v["cadre"], order)
    assert order.status == OrderStatus.SCHEDULED


def test_cancel_by_the_cadre_and_never_by_another_village(village_day):
    v = village_day
    theirs = factories.order(household=v["stranger"], lines=[(v["urea"], 1)])
    with pytest.raises(ForbiddenError):
        intake.cancel(v["cadre"], theirs)
    mine = intake.create_order(v["cadre"], order_input(v))
    intake.cancel(v["cadre"], mine)
    db.session.commit()
    assert mine.status == OrderStatus.CANCELLED
    assert theirs.status == OrderStatus.SUBMITTED
    assert db.session.scalar(select(Household).where(Household.id == v["household"].id))
