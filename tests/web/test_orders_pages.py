"""Orders and households pages: a cadre sees and changes only their own villages."""

import pytest

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus
from tests import factories


def _status(order_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def test_cadre_cannot_read_another_villages_order(client, auth, county_people):
    auth.login("cadre_a")
    assert client.get(f"/orders/{county_people.order_a.id}").status_code == 200
    response = client.get(f"/orders/{county_people.order_b.id}")
    assert response.status_code in (403, 404)
    assert "李乙户" not in response.get_data(as_text=True)


def test_cadre_cannot_cancel_another_villages_order(client, auth, county_people):
    auth.login("cadre_a")
    order_id = county_people.order_b.id
    response = client.post(f"/orders/{order_id}/cancel")
    assert response.status_code in (403, 404)
    assert _status(order_id) == OrderStatus.SUBMITTED


def test_missing_order_is_404_in_chinese(client, auth, county_people):
    auth.login("cadre_a")
    response = client.get("/orders/999999")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_cadre_lists_show_only_their_villages(client, auth, county_people):
    auth.login("cadre_a")
    orders = client.get("/orders").get_data(as_text=True)
    assert "张甲户" in orders and "李乙户" not in orders
    households = client.get("/households").get_data(as_text=True)
    assert "张甲户" in households and "李乙户" not in households
    # Asking for the other village by filter gives nothing of it either.
    other = client.get(f"/orders?village={county_people.village_b.id}").get_data(as_text=True)
    assert "李乙户" not in other
    other = client.get(f"/households?village={county_people.village_b.id}")
    assert "李乙户" not in other.get_data(as_text=True)


@pytest.mark.parametrize("username", ["dispatcher", "admin"])
def test_dispatchers_and_admins_see_every_village(client, auth, county_people, username):
    auth.login(username)
    orders = client.get("/orders").get_data(as_text=True)
    assert "张甲户" in orders and "李乙户" in orders
    households = client.get("/households").get_data(as_text=True)
    assert "张甲户" in households and "李乙户" in households
    assert client.get(f"/orders/{county_people.order_b.id}").status_code == 200


def test_order_list_filters_by_village_and_status(client, auth, county_people):
    factories.order(household=county_people.household_a, status=OrderStatus.ALLOCATED, note="x")
    db.session.commit()
    auth.login("dispatcher")
    page = client.get(f"/orders?village={county_people.village_a.id}").get_data(as_text=True)
    assert "张甲户" in page and "李乙户" not in page
    page = client.get("/orders?status=allocated").get_data(as_text=True)
    assert page.count('data-order-id="') == 1


def test_order_list_is_paged(app, client, auth, county_people):
    app.config["PAGE_SIZE"] = 2
    for _ in range(3):
        factories.order(household=county_people.household_a)
    db.session.commit()
    auth.login("cadre_a")
    first = client.get("/orders").get_data(as_text=True)
    second = client.get("/orders?page=2").get_data(as_text=True)
    assert first.count('data-order-id="') == 2
    assert second.count('data-order-id="') == 2
    assert "第 1 页，共 2 页" in first


def test_cadre_cancels_own_order(client, auth, county_people):
    auth.login("cadre_a")
    order_id = county_people.order_a.id
    response = client.post(
        f"/orders/{order_id}/cancel", data={"confirm": "1"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert f"订单 {order_id} 已取消" in response.get_data(as_text=True)
    assert _status(order_id) == OrderStatus.CANCELLED


def test_cancelling_an_allocated_order_gives_its_stock_back(client, auth, county_people):
    from supply_match.services.supply.matching import run_matching

    outlet = factories.outlet(township=county_people.village_a.township)
    line = county_people.order_a.lines[0]
    stock = factories.stock(outlet, line.product, 10)
    db.session.commit()
    run_matching()
    db.session.commit()
    assert _status(county_people.order_a.id) == OrderStatus.ALLOCATED
    auth.login("cadre_a")
    client.post(f"/orders/{county_people.order_a.id}/cancel", data={"confirm": "1"})
    assert _status(county_people.order_a.id) == OrderStatus.CANCELLED
    assert db.session.get(type(stock), stock.id).reserved == 0


def test_order_that_cannot_be_cancelled_says_why(client, auth, county_people):
    order = factories.order(household=county_people.household_a, status=OrderStatus.SCHEDULED)
    db.session.commit()
    auth.login("cadre_a")
    detail = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "取消此订单" not in detail
    assert "已排入已发布的配送趟次" in detail
    response = client.post(f"/orders/{order.id}/cancel")
    assert response.status_code == 409
    assert "请先联系调度员" in response.get_data(as_text=True)
    assert _status(order.id) == OrderStatus.SCHEDULED


def test_order_detail_shows_lines_and_weight(client, auth, county_people):
    urea = factories.product(name="尿素", unit="袋", unit_weight_kg=50)
    order = factories.order(household=county_people.household_a, lines=[(urea, 3)])
    db.session.commit()
    auth.login("cadre_a")
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "尿素" in page
    assert "150 kg" in page
    assert "已提交" in page


def _product_of(category: str):
    hazard = "low_toxicity" if category == "pesticide" else None
    return factories.product(category=category, hazard_class=hazard)


def _one_day_order(household, categories, day, **fields):
    lines = [(_product_of(category), 1) for category in categories]
    return factories.order(
        household=household, lines=lines, wanted_from=day, wanted_to=day, **fields
    )


def test_an_order_of_seed_and_pesticide_for_one_day_says_the_household_is_visited_twice(
    client, auth, county_people
):
    from datetime import date

    day = date(2020, 3, 20)
    both = _one_day_order(county_people.household_a, ["seed", "pesticide"], day)
    # Seed alone, or both over two days: one visit a day.
    seed_only = _one_day_order(county_people.household_b, ["seed", "fertilizer"], day)
    two_days = factories.order(
        household=county_people.household_b,
        lines=[
            (_product_of("seed"), 1),
            (_product_of("pesticide"), 1),
        ],
        wanted_from=day,
        wanted_to=date(2020, 3, 21),
    )
    db.session.commit()
    auth.login("dispatcher")
    page = client.get(f"/orders/{both.id}").get_data(as_text=True)
    assert "data-two-visits" in page and "分两次上门" in page
    assert "data-two-visits" not in client.get(f"/orders/{seed_only.id}").get_data(as_text=True)
    assert "data-two-visits" not in client.get(f"/orders/{two_days.id}").get_data(as_text=True)


def test_seed_and_pesticide_in_two_orders_for_the_same_day_count_together(
    client, auth, county_people
):
    from datetime import date

    day = date(2020, 3, 20)
    seed = _one_day_order(county_people.household_a, ["seed"], day)
    _one_day_order(county_people.household_a, ["pesticide"], day)
    cancelled = _one_day_order(county_people.household_b, ["seed"], day)
    _one_day_order(county_people.household_b, ["pesticide"], day, status=OrderStatus.CANCELLED)
    db.session.commit()
    auth.login("cadre_a")
    assert "data-two-visits" in client.get(f"/orders/{seed.id}").get_data(as_text=True)
    auth.login("dispatcher")
    assert "data-two-visits" not in client.get(f"/orders/{cancelled.id}").get_data(as_text=True)


def test_no_two_visits_note_when_the_county_lets_pesticide_ride_with_seed(
    client, auth, county_people
):
    from datetime import date

    both = _one_day_order(county_people.household_a, ["seed", "pesticide"], date(2020, 3, 20))
    db.session.commit()
    auth.login("dispatcher")
    assert "data-two-visits" in client.get(f"/orders/{both.id}").get_data(as_text=True)
    factories.save_county_settings(keep_pesticide_apart=False)
    assert "data-two-visits" not in client.get(f"/orders/{both.id}").get_data(as_text=True)
