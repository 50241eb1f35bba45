"""The outlet's day through the API: hand-over with shortages, failed stops' goods back,
closing and corrections (money and goods); scoped like the pages, nothing half-written."""

from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import (
    DayClosing,
    DayCorrection,
    GoodsReturn,
    HandoverShortage,
    Role,
    RunHandover,
    StockChange,
)
from supply_match.services.supply.amounts import stop_dues
from tests import factories
from tests.days import DAY
from tests.outlets.marks import all_stops, deliver_everything, mark, stop_of

API = "/api/v1"


def staff_in(client, auth, outlet, username="dianyuan"):
    factories.user(Role.OUTLET_STAFF, username=username, outlet_id=outlet.id)
    db.session.commit()
    auth.login(username)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def urea_run(priced_day):
    urea = priced_day["county"]["urea"]
    return next(
        run
        for run in priced_day["plan"].runs
        if any(i.order_line.product_id == urea.id for s in run.stops for i in s.items)
    )


def test_a_hand_over_with_a_shortage_names_the_stops_it_affects(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    run = urea_run(priced_day)
    staff_in(client, auth, outlet)
    url = f"{API}/outlets/{outlet.id}/runs/{run.id}/handover"
    body = {"shortages": [{"product_id": urea.id, "missing": "1"}], "note": "少一袋"}
    made = client.post(url, json=body)
    assert made.status_code == 201, made.get_json()
    answer = made.get_json()
    assert answer["complete"] is False and answer["note"] == "少一袋"
    (shortage,) = answer["shortages"]
    assert shortage["missing"] == "1" and shortage["product_id"] == urea.id
    expected = [s.id for s in run.stops if any(i.order_line.product_id == urea.id for i in s.items)]
    assert shortage["stop_ids"] == expected
    assert answer["confirmed_at"].endswith("+08:00")  # the county's time, with its offset
    # A retried confirmation is a conflict and changes nothing.
    assert client.post(url, json=body).status_code == 409
    assert count(RunHandover) == 1 and count(HandoverShortage) == 1
    runs = client.get(f"{API}/plans/{DAY.isoformat()}/runs").get_json()["runs"]
    seen = next(r for r in runs if r["id"] == run.id)
    assert seen["handed_over"] is True and seen["shortages"][0]["stop_ids"] == expected


def test_bad_shortages_are_refused_and_nothing_is_written(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    run = urea_run(priced_day)
    staff_in(client, auth, outlet)
    url = f"{API}/outlets/{outlet.id}/runs/{run.id}/handover"
    for shortages in (
        [{"product_id": urea.id, "missing": "abc"}],
        [{"product_id": urea.id, "missing": "999"}],
        [{"product_id": urea.id, "missing": "-1"}],
        [{"product_id": urea.id, "missing": True}],
        [{"product_id": "urea", "missing": "1"}],
        [{"product_id": priced_day["county"]["spray"].id, "missing": "1"}],
        "none",
    ):
        answer = client.post(url, json={"shortages": shortages})
        assert answer.status_code == 422, shortages
        assert answer.get_json()["errors"]
    assert count(RunHandover) == 0


def test_staff_cannot_hand_over_another_outlets_run(client, auth, priced_day):
    other = factories.outlet()
    staff_in(client, auth, other, "other-staff")
    run = priced_day["plan"].runs[0]
    through_own = client.post(f"{API}/outlets/{other.id}/runs/{run.id}/handover", json={})
    assert through_own.status_code == 422
    assert "run" in through_own.get_json()["errors"]
    through_theirs = client.post(
        f"{API}/outlets/{priced_day['outlet'].id}/runs/{run.id}/handover", json={}
    )
    assert through_theirs.status_code == 404
    assert client.post(f"{API}/outlets/{other.id}/runs/999999/handover", json={}).status_code == 404
    assert count(RunHandover) == 0


def test_a_failed_stops_goods_come_back_once(client, auth, priced_day):
    outlet = priced_day["outlet"]
    failed, delivered = stop_of(priced_day, 0), stop_of(priced_day, 1)
    mark(failed, "f-1", action="failed", reason="nobody_home")
    staff_in(client, auth, outlet)
    url = f"{API}/outlets/{outlet.id}/stops/{failed.id}/return"
    made = client.post(url)
    assert made.status_code == 201
    answer = made.get_json()
    assert answer["after_closing"] is False
    assert answer["goods"] == [{"product_id": priced_day["county"]["urea"].id, "quantity": "2"}]
    assert client.post(url).status_code == 409
    if delivered.id != failed.id:
        refused = client.post(f"{API}/outlets/{outlet.id}/stops/{delivered.id}/return")
        assert refused.status_code == 422
    assert count(GoodsReturn) == 1
    day = client.get(f"{API}/outlets/{outlet.id}/days/{DAY.isoformat()}").get_json()
    urea = next(g for g in day["goods"] if g["product_id"] == priced_day["county"]["urea"].id)
    assert urea["returned"] == "2"


def test_closing_and_correcting_through_the_api(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    staff_in(client, auth, outlet)
    base = f"{API}/outlets/{outlet.id}/days/{DAY.isoformat()}"
    pending = client.post(f"{base}/close")
    assert pending.status_code == 409 and "day" in pending.get_json()["errors"]
    deliver_everything(priced_day)
    closed = client.post(f"{base}/close")
    assert closed.status_code == 200
    assert closed.get_json()["closed"]["at"].endswith("+08:00")
    assert closed.get_json()["money"]["balanced"] is True
    assert client.post(f"{base}/close").status_code == 409
    assert count(DayClosing) == 1
    volunteer_id = all_stops(priced_day["plan"])[0].run.volunteer_id
    for bad in (
        {"amount_fen": 12.5, "note": "x"},
        {"amount_fen": 0, "note": "x"},
        {"amount_fen": 500, "note": ""},
        {"amount_fen": 500, "note": "x", "volunteer_id": 999999},
        {"product_id": urea.id, "figure": "stolen", "quantity": "1", "note": "x"},
        {"product_id": urea.id, "figure": "lost", "quantity": 0.5, "note": "x"},
        {"product_id": urea.id, "figure": "lost", "quantity": "0.001", "note": "x"},
        {"product_id": priced_day["county"]["spray"].id, "figure": "lost", "quantity": "1",
         "note": "x"},
    ):  # fmt: skip
        assert client.post(f"{base}/corrections", json=bad).status_code == 422, bad
    assert count(DayCorrection) == 0
    money = {"amount_fen": -1000, "note": "假币一张", "volunteer_id": volunteer_id}
    made = client.post(f"{base}/corrections", json=money)
    assert made.status_code == 201 and made.get_json()["kind"] == "money"
    goods = {"product_id": urea.id, "figure": "lost", "quantity": "1", "note": "一袋破损"}
    made = client.post(f"{base}/corrections", json=goods)
    assert made.status_code == 201
    assert (made.get_json()["kind"], made.get_json()["quantity"]) == ("goods", "1")
    day = client.get(base).get_json()
    assert day["money"]["corrections_fen"] == -1000
    row = next(g for g in day["goods"] if g["product_id"] == urea.id)
    assert row["lost"] == "1" and row["delivered"] == "3"
    assert [c["kind"] for c in day["corrections"]] == ["money", "goods"]


def test_goods_back_after_closing_come_in_as_a_correction(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    failed = stop_of(priced_day, 0)
    for n, stop in enumerate(all_stops(priced_day["plan"])):
        if stop.id == failed.id:
            assert mark(stop, "late-f", action="failed", reason="nobody_home")["outcome"]
        else:
            mark(stop, f"d-{n}", received_fen=stop_dues([stop])[stop.id], paid_by="cash")
    staff_in(client, auth, outlet)
    base = f"{API}/outlets/{outlet.id}/days/{DAY.isoformat()}"
    assert client.post(f"{base}/close").status_code == 200
    before = client.get(base).get_json()
    row = next(g for g in before["goods"] if g["product_id"] == urea.id)
    assert row["returned"] == "0" and row["failed"] == "2"
    ledger_rows = count(StockChange)
    back = client.post(f"{API}/outlets/{outlet.id}/stops/{failed.id}/return")
    assert back.status_code == 201 and back.get_json()["after_closing"] is True
    assert count(StockChange) == ledger_rows + len(failed.items)
    after = client.get(base).get_json()
    row = next(g for g in after["goods"] if g["product_id"] == urea.id)
    assert row["returned"] == "2"
    (correction,) = after["corrections"]
    assert (correction["kind"], correction["figure"], correction["quantity"]) == (
        "goods",
        "returned",
        "2",
    )
    assert after["closed"] == before["closed"]  # still closed, as it was
