"""The scoping rule, without HTTP: what each role's queries return."""

import pytest

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services import scope
from supply_match.services.errors import ForbiddenError, NotFoundError
from tests import factories


def test_cadre_queries_return_only_their_villages(county_people):
    cadre = county_people.cadre_a
    orders = db.session.scalars(scope.orders_query(cadre)).all()
    households = db.session.scalars(scope.households_query(cadre)).all()
    villages = db.session.scalars(scope.villages_query(cadre)).all()
    assert orders == [county_people.order_a]
    assert households == [county_people.household_a]
    assert villages == [county_people.village_a]


def test_cadre_filter_by_another_village_returns_nothing(county_people):
    cadre = county_people.cadre_a
    other = county_people.village_b.id
    assert db.session.scalars(scope.orders_query(cadre, village_id=other)).all() == []
    assert db.session.scalars(scope.households_query(cadre, village_id=other)).all() == []


def test_cadre_without_villages_sees_nothing(county_people):
    lonely = factories.user(Role.CADRE)
    assert db.session.scalars(scope.orders_query(lonely)).all() == []
    assert db.session.scalars(scope.households_query(lonely)).all() == []
    assert db.session.scalars(scope.villages_query(lonely)).all() == []


def test_cadre_of_two_villages_sees_both(county_people):
    both = factories.user(Role.CADRE, villages=[county_people.village_a, county_people.village_b])
    assert len(db.session.scalars(scope.orders_query(both)).all()) == 2


@pytest.mark.parametrize("who", ["dispatcher", "admin"])
def test_dispatchers_and_admins_see_the_county(county_people, who):
    user = getattr(county_people, who)
    assert len(db.session.scalars(scope.orders_query(user)).all()) == 2
    assert len(db.session.scalars(scope.households_query(user)).all()) == 2
    assert scope.get_order_for(user, county_people.order_b.id) == county_people.order_b


def test_get_order_for_refuses_other_villages_and_missing_ids(county_people):
    cadre = county_people.cadre_a
    assert scope.get_order_for(cadre, county_people.order_a.id) == county_people.order_a
    with pytest.raises(ForbiddenError):
        scope.get_order_for(cadre, county_people.order_b.id)
    with pytest.raises(NotFoundError):
        scope.get_order_for(cadre, 987654)


def test_get_household_for_refuses_other_villages(county_people):
    cadre = county_people.cadre_a
    assert scope.get_household_for(cadre, county_people.household_a.id).name == "张甲户"
    with pytest.raises(ForbiddenError):
        scope.get_household_for(cadre, county_people.household_b.id)
    with pytest.raises(NotFoundError):
        scope.get_household_for(cadre, 987654)


def test_orders_query_filters_by_status(county_people):
    from supply_match.models import OrderStatus

    factories.order(household=county_people.household_a, status=OrderStatus.ALLOCATED)
    dispatcher = county_people.dispatcher
    allocated = db.session.scalars(scope.orders_query(dispatcher, status="allocated")).all()
    assert [order.status for order in allocated] == ["allocated"]
