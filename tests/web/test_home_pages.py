"""Each role's home page shows the real figures from the database."""

import re

from supply_match.extensions import db
from supply_match.models import OrderStatus, Role
from tests import factories


def figure(page: str, name: str) -> str:
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', page)
    assert match, f"no figure {name}"
    return match.group(1)


def test_admin_home_counts_everything(client, auth, county_people):
    factories.outlet()
    factories.volunteer()
    factories.volunteer()
    factories.user(Role.CADRE, username="inactive_one", active=False)
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert figure(page, "users-admin") == "1"
    assert figure(page, "users-dispatcher") == "1"
    assert figure(page, "users-cadre") == "2"
    assert figure(page, "villages") == "2"
    assert figure(page, "households") == "2"
    assert figure(page, "orders") == "2"
    assert figure(page, "outlets") == "1"
    assert figure(page, "volunteers") == "2"
    # The county's township, and one each that outlet() and volunteer() made.
    assert figure(page, "townships") == "4"


def test_dispatcher_home_counts_by_status_and_township(client, auth, county_people):
    heavy = factories.product(unit_weight_kg=50)
    factories.order(household=county_people.household_b, lines=[(heavy, 30)])
    factories.order(
        household=county_people.household_b, lines=[(heavy, 100)], status=OrderStatus.CANCELLED
    )
    db.session.commit()
    auth.login("dispatcher")
    page = client.get("/dispatch/").get_data(as_text=True)
    assert figure(page, "orders") == "4"
    assert figure(page, "status-submitted") == "3"
    assert figure(page, "status-cancelled") == "1"
    # Two default orders of 2 x 50 kg and 30 x 50 kg; the cancelled order does not count.
    assert figure(page, "weight") == "1.7 t"
    assert "保家镇" in page
    assert figure(page, "outlets") == "0"
    assert "还没有农资销售网点" in page


def test_cadre_home_counts_only_their_villages(client, auth, county_people):
    factories.order(household=county_people.household_b)
    factories.household(village=county_people.village_a)
    db.session.commit()
    auth.login("cadre_a")
    page = client.get("/cadre/").get_data(as_text=True)
    assert figure(page, "households") == "2"
    assert figure(page, "orders") == "1"
    assert figure(page, "status-submitted") == "1"
    assert "张甲户" in page and "李乙户" not in page
    assert "甲村" in page


def test_empty_homes_say_what_to_do_next(client, auth):
    village = factories.village()
    factories.user(Role.CADRE, username="new_cadre", villages=[village])
    factories.user(Role.DISPATCHER, username="new_dispatcher")
    factories.user(Role.CADRE, username="no_village")
    db.session.commit()
    auth.login("new_cadre")
    assert "还没有农户。请先添加农户，再录入订单。" in client.get("/cadre/").get_data(as_text=True)
    auth.logout()
    factories.household(village=village)
    db.session.commit()
    auth.login("new_cadre")
    assert "还没有订单。请先添加农户并录入订单。" in client.get("/cadre/").get_data(as_text=True)
    auth.logout()
    auth.login("new_dispatcher")
    assert "还没有订单" in client.get("/dispatch/").get_data(as_text=True)
    auth.logout()
    auth.login("no_village")
    assert "还没有分配负责的村" in client.get("/cadre/").get_data(as_text=True)
