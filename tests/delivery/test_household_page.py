"""The household's own page: opened by its signed link alone, it shows the household's goods
before publishing (not yet scheduled), the day, time window and volunteer after, and
delivered or failed (why) after the volunteer's mark; it reveals nothing of any other
household. Cadres of the village and dispatchers copy and renew the link."""

import base64
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    AuditEntry,
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    PlanStatus,
    Role,
    StopItem,
)
from supply_match.services.delivery import household_page, links
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.delivery.phone_updates import apply_from_phone
from supply_match.services.documents.route_sheets import clock
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders, household
from tests.web.conftest import auth, fast_password_hashing  # noqa: F401  (fixtures)

SETTINGS = PlanningSettings(solution_limit=30)


def _payload(value) -> str:
    """A token's first part as itsdangerous writes it (compact JSON, base64 without ``=``)."""
    text = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).rstrip(b"=").decode()


def page_of(client, household_or_token) -> tuple[int, str]:
    token = (
        household_or_token
        if isinstance(household_or_token, str)
        else household_page.token_for(household_or_token)
    )
    response = client.get(f"/h/{token}")
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def orders(county):
    """Three households' orders, allocated; the day planned (a draft, not published)."""
    found = allocated_orders(
        county, [[(county["urea"], 2)], [(county["seed"], 4)], [(county["urea"], 3)]]
    )
    plan_day(DAY, SETTINGS)
    db.session.commit()
    return found


def stop_of(order):
    return db.session.scalar(
        select(DeliveryStop)
        .join(StopItem, StopItem.stop_id == DeliveryStop.id)
        .where(StopItem.order_id == order.id)
    )


def mark(stop, action, change_id, **extra):
    change = {
        "change_id": change_id,
        "stop_id": stop.id,
        "action": action,
        "plan_version": stop.run.plan.version,
        **extra,
    }
    result = apply_from_phone(stop.run.volunteer, change)
    assert result["outcome"] == "applied", result


def test_before_publishing_the_page_shows_the_goods_not_yet_scheduled(client, orders):
    first = orders[0]
    status, text = page_of(client, first.household)
    assert status == 200
    assert first.household.name in text and "尿素 2袋" in text.replace(" ", " ")
    assert "尚未安排配送" in text
    # The draft's volunteer and times are not the household's to rely on yet.
    run = db.session.scalar(select(DeliveryRun))
    assert run.volunteer.name not in text and run.volunteer.mobile not in text
    assert "<script" not in text  # the page needs no script


def test_after_publishing_the_page_shows_day_window_and_volunteer(client, orders):
    plan = db.session.scalar(select(DeliveryPlan))
    publish(plan)
    first = orders[0]
    stop = stop_of(first)
    status, text = page_of(client, first.household)
    assert status == 200
    start, end = household_page.arrival_window(stop.arrival_s, stop.run.start_s)
    assert f"{clock(start)}–{clock(end)}" in text
    assert stop.run.volunteer.name in text and f"tel:{stop.run.volunteer.mobile}" in text
    assert "2020-03-03" in text and "已安排配送" in text


def test_after_delivery_and_failure_the_page_says_so_in_words(client, orders):
    publish(db.session.scalar(select(DeliveryPlan)))
    delivered, failed = orders[0], orders[1]
    mark(stop_of(delivered), "delivered", "c1")
    mark(stop_of(failed), "failed", "c2", reason="nobody_home")
    _status, text = page_of(client, delivered.household)
    assert "已送达" in text
    _status, text = page_of(client, failed.household)
    assert "未送达" in text and "家中无人" in text


def test_the_page_is_in_english_on_request(client, orders):
    token = household_page.token_for(orders[0].household)
    text = client.get(f"/h/{token}?lang=en").get_data(as_text=True)
    assert "Not yet scheduled" in text and "Deliveries for" in text


def test_a_partly_scheduled_order_says_what_is_still_to_come(client, county):
    """An order of two products of which one is on a published run (the other short)."""
    home = household(county, 1)
    order = factories.order(
        household=home,
        lines=[(county["urea"], 2), (county["seed"], 3)],
        wanted_from=DAY,
        wanted_to=DAY,
        status="scheduled",
    )
    volunteer = county["volunteers"][0]
    run = DeliveryRun(volunteer=volunteer, outlet=county["outlet"], start_s=8 * 3600)
    stop = DeliveryStop(
        position=0,
        delivery_point="home",
        household=home,
        village=county["village"],
        label=home.name,
        lat=home.lat,
        lon=home.lon,
        arrival_s=9 * 3600 + 10 * 60,
    )
    stop.items.append(StopItem(order=order, order_line=order.lines[0], quantity=Decimal(2)))
    run.stops.append(stop)
    db.session.add(DeliveryPlan(delivery_date=DAY, status=PlanStatus.PUBLISHED, runs=[run]))
    db.session.commit()
    _status, text = page_of(client, home)
    assert "部分已安排" in text and "尚未安排：玉米种子 3" in text
    # 9:10 after an hour and ten minutes on the road: 30 + 14 minutes either side, to the
    # half hour outward.
    assert "08:00–10:00" in text


def test_the_window_widens_with_the_time_on_the_road():
    eight = 8 * 3600
    assert household_page.arrival_window(eight + 15 * 60, eight) == (eight, eight + 3600)
    # Five hours on the road: an hour and a half either side.
    assert household_page.arrival_window(13 * 3600, eight) == (11 * 3600 + 1800, 14 * 3600 + 1800)


def test_the_link_reveals_no_other_household(client, county):
    """Two households at one collection point, on one stop: each page shows its own."""
    homes = [household(county, 1), household(county, 2)]
    lines = [[(county["urea"], 2)], [(county["seed"], 7)]]
    orders = [
        factories.order(
            household=home, lines=line, wanted_from=DAY, wanted_to=DAY, status="scheduled"
        )
        for home, line in zip(homes, lines, strict=True)
    ]
    run = DeliveryRun(volunteer=county["volunteers"][0], outlet=county["outlet"], start_s=8 * 3600)
    stop = DeliveryStop(
        position=0,
        delivery_point="collection",
        village=county["village"],
        label="村委会",
        lat=29.32,
        lon=108.2,
        arrival_s=9 * 3600,
    )
    for order in orders:
        stop.items.append(
            StopItem(order=order, order_line=order.lines[0], quantity=order.lines[0].quantity)
        )
    run.stops.append(stop)
    db.session.add(DeliveryPlan(delivery_date=DAY, status=PlanStatus.PUBLISHED, runs=[run]))
    db.session.commit()
    mine, theirs = homes
    status, text = page_of(client, mine)
    assert status == 200 and mine.name in text
    assert theirs.name not in text and theirs.mobile not in text and "玉米种子" not in text
    # Another id under the same signature, a tampered signature, another kind's signature
    # (a volunteer's link), an unknown household, nonsense: all the same plain 404.
    token = household_page.token_for(mine)
    payload, signature = token.rsplit(".", 1)
    assert payload == _payload([mine.id, mine.link_version])
    forged = [
        links.sign("another-salt", theirs.id, theirs.link_version),
        f"{payload}.{signature[:-2]}xx",
        f"{_payload([theirs.id, theirs.link_version])}.{signature}",
        volunteer_links.token_for(county["volunteers"][0]),
        links.sign(household_page.SALT, 999999, 0),
        "nonsense",
        "",
    ]
    for bad in filter(None, forged):
        status, text = page_of(client, bad)
        assert status == 404, bad
        assert mine.name not in text and theirs.name not in text
    # A volunteer's page does not open with a household's token either.
    assert client.get(f"/v/{token}").status_code == 404


def test_renewing_stops_the_old_link_and_is_audited(client, auth, orders, county):  # noqa: F811
    home = orders[0].household
    cadre = factories.user(
        Role.CADRE, villages=[county["village"]], username="cadre_x", mobile="13800000009"
    )
    db.session.commit()
    old = household_page.token_for(home)
    auth.login("cadre_x")
    confirm = client.get(f"/households/{home.id}/link/renew")
    assert confirm.status_code == 200 and "旧链接" in confirm.get_data(as_text=True)
    assert page_of(client, old)[0] == 200  # asking first changes nothing
    response = client.post(f"/households/{home.id}/link/renew")
    assert response.status_code == 302
    db.session.expire_all()
    assert page_of(client, old)[0] == 404
    assert page_of(client, home)[0] == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "link_renewed"))
    assert entry.record_id == home.id and entry.actor_id == cadre.id and entry.kind == "household"


def test_cadres_of_the_village_and_dispatchers_copy_the_link(client, auth, orders, county):  # noqa: F811
    home = orders[0].household
    other_village = factories.village(township=county["township"], name="别村")
    factories.user(Role.CADRE, villages=[county["village"]], username="ours", mobile="13800000011")
    factories.user(Role.CADRE, villages=[other_village], username="theirs")
    factories.user(Role.DISPATCHER, username="disp")
    factories.user(Role.OUTLET_STAFF, username="shop", outlet_id=county["outlet"].id)
    db.session.commit()
    for login, expected in (("theirs", 403), ("shop", 403), ("disp", 200), ("ours", 200)):
        auth.login(login)
        response = client.get(f"/households/{home.id}/link")
        assert response.status_code == expected, login
        auth.logout()
    text = response.get_data(as_text=True)
    # Another village's cadre cannot renew it either: the link stays as it was.
    version = home.link_version
    auth.login("theirs")
    assert client.post(f"/households/{home.id}/link/renew").status_code == 403
    auth.logout()
    db.session.expire_all()
    assert home.link_version == version
    assert "您订购的化肥尚未安排配送，可随时查看：http" in text
    assert 'data-copy="share-text"' in text
    # The page names the cadre of the village as the contact, with a number to call.
    _status, page = page_of(client, home)
    assert "tel:13800000011" in page


def test_after_publishing_the_text_names_the_day_and_part_of_day(client, auth, orders, county):  # noqa: F811
    publish(db.session.scalar(select(DeliveryPlan)))
    home = orders[0].household
    stop = stop_of(orders[0])
    factories.user(Role.DISPATCHER, username="disp")
    db.session.commit()
    auth.login("disp")
    body = client.get(f"/api/v1/households/{home.id}/link").get_json()
    part = "上午" if stop.arrival_s < 12 * 3600 else "下午"
    assert body["share_text"].startswith(f"您的化肥预计3月3日{part}送到，查看：")
    assert body["share_text"].endswith(body["url"])
    assert client.get(urlsplit(body["url"]).path).status_code == 200


def test_the_api_link_is_for_the_villages_cadres_only(client, auth, orders, county):  # noqa: F811
    home = orders[0].household
    other_village = factories.village(township=county["township"], name="别村")
    factories.user(Role.CADRE, villages=[other_village], username="theirs")
    factories.user(Role.CADRE, villages=[county["village"]], username="ours")
    db.session.commit()
    auth.login("theirs")
    response = client.get(f"/api/v1/households/{home.id}/link")
    assert response.status_code == 404 and "url" not in response.get_json()
    auth.logout()
    auth.login("ours")
    body = client.get(f"/api/v1/households/{home.id}/link").get_json()
    assert body["household_id"] == home.id and "/h/" in body["url"]
