"""The database itself refuses bad rows, whatever code path wrote them."""

from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, Product, Stock, Volunteer
from tests import factories


def assert_rejected(obj) -> None:
    db.session.add(obj)
    # PostgreSQL refuses an over-long string as a data error before any check runs.
    with pytest.raises((IntegrityError, DataError)):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("mobile", ["1380013800", "138001380001", "12800138000", "1380013800x"])
def test_household_mobile_must_be_eleven_digits_starting_1_3_to_9(app, mobile):
    village = factories.village()
    db.session.commit()
    assert_rejected(
        Household(
            village_id=village.id, name="冉光明", mobile=mobile, group_no=1, lat=29.3, lon=108.2
        )
    )


def test_a_valid_household_is_accepted(app):
    village = factories.village()
    db.session.add(
        Household(
            village=village, name="冉光明", mobile="13896012345", group_no=3, lat=29.3, lon=108.2
        )
    )
    db.session.commit()
    assert db.session.query(Household).count() == 1


def test_the_same_household_twice_in_a_village_is_a_duplicate(app):
    village = factories.village()
    factories.household(village=village, name="向中华", mobile="13996012345")
    db.session.commit()
    assert_rejected(
        Household(
            village_id=village.id,
            name="向中华",
            mobile="13996012345",
            group_no=2,
            lat=29.3,
            lon=108.2,
        )
    )


@pytest.mark.parametrize("quantity", [0, -3])
def test_order_line_quantity_must_be_positive(app, quantity):
    order = factories.order()
    product = factories.product()
    db.session.commit()
    assert_rejected(OrderLine(order_id=order.id, product_id=product.id, quantity=Decimal(quantity)))


def test_an_order_cannot_name_the_same_product_twice(app):
    product = factories.product()
    order = factories.order(lines=[(product, 2)])
    db.session.commit()
    assert_rejected(OrderLine(order_id=order.id, product_id=product.id, quantity=Decimal(1)))


def test_order_status_outside_the_known_set_is_rejected_by_the_database(app):
    order = factories.order()
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE orders SET status = 'lost' WHERE id = :id"), {"id": order.id}
        )
        db.session.flush()
    db.session.rollback()


def test_wanted_range_must_not_end_before_it_starts(app):
    household = factories.household()
    db.session.commit()
    assert_rejected(
        Order(household_id=household.id, wanted_from=date(2020, 3, 5), wanted_to=date(2020, 3, 1))
    )


def test_a_time_window_needs_both_ends_in_order(app):
    household = factories.household()
    db.session.commit()
    base = dict(household_id=household.id, wanted_from=date(2020, 3, 1), wanted_to=date(2020, 3, 2))
    assert_rejected(Order(**base, window_start=time(14)))
    assert_rejected(Order(**base, window_start=time(14), window_end=time(9)))


def test_a_field_delivery_needs_coordinates(app):
    household = factories.household()
    db.session.commit()
    assert_rejected(
        Order(
            household_id=household.id,
            delivery_point="field",
            wanted_from=date(2020, 3, 1),
            wanted_to=date(2020, 3, 2),
        )
    )


def test_an_order_of_an_unknown_household_is_rejected(app):
    assert_rejected(
        Order(household_id=999_999, wanted_from=date(2020, 3, 1), wanted_to=date(2020, 3, 2))
    )


def test_only_pesticides_carry_a_hazard_class(app):
    assert_rejected(
        Product(
            code="X1",
            name="尿素X",
            category="fertilizer",
            unit="袋",
            unit_weight_kg=Decimal(50),
            hazard_class="low_toxicity",
        )
    )
    assert_rejected(
        Product(
            code="X2", name="吡虫啉X", category="pesticide", unit="瓶", unit_weight_kg=Decimal(1)
        )
    )


def test_unit_weight_must_be_positive(app):
    assert_rejected(
        Product(code="X3", name="空袋", category="other", unit="袋", unit_weight_kg=Decimal(0))
    )


def test_stock_cannot_reserve_more_than_it_holds(app):
    outlet = factories.outlet()
    product = factories.product()
    db.session.commit()
    assert_rejected(
        Stock(
            outlet_id=outlet.id, product_id=product.id, quantity=Decimal(10), reserved=Decimal(11)
        )
    )
    assert_rejected(Stock(outlet_id=outlet.id, product_id=product.id, quantity=Decimal(-1)))


def test_one_stock_row_per_outlet_and_product(app):
    outlet = factories.outlet()
    product = factories.product()
    factories.stock(outlet, product, 5)
    db.session.commit()
    assert_rejected(Stock(outlet_id=outlet.id, product_id=product.id, quantity=Decimal(1)))


def test_volunteer_shift_must_end_after_it_starts_and_payload_be_positive(app):
    township = factories.township()
    db.session.commit()
    base = dict(
        name="彭志强",
        party_branch="保家镇党支部",
        township_id=township.id,
        vehicle_type="minivan",
        home_lat=29.5,
        home_lon=108.2,
    )
    assert_rejected(
        Volunteer(
            **base, mobile="15823001234", payload_kg=600, shift_start=time(17), shift_end=time(8)
        )
    )
    assert_rejected(
        Volunteer(
            **base, mobile="15823001235", payload_kg=0, shift_start=time(8), shift_end=time(17)
        )
    )


def test_volunteer_vehicle_type_must_be_known(app):
    township = factories.township()
    db.session.commit()
    assert_rejected(
        Volunteer(
            name="彭志强",
            mobile="15823001237",
            party_branch="保家镇党支部",
            township_id=township.id,
            vehicle_type="horse",
            payload_kg=100,
            home_lat=29.5,
            home_lon=108.2,
            shift_start=time(8),
            shift_end=time(17),
        )
    )


def test_user_role_must_be_known(app):
    from supply_match.models import User

    assert_rejected(User(username="x", display_name="X", password_hash="x", role="superuser"))
