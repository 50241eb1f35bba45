"""The outlet's actions that cannot be undone ask first, on a page naming what will
happen: taking a failed stop's goods back into stock, and a hand-over with shortages.
Nothing changes until the page's button is pressed; goods written off as damaged are
never offered back."""

from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    AuditEntry,
    GoodsReturn,
    HandoverShortage,
    RunHandover,
    StockChange,
    StockChangeKind,
)
from supply_match.services.outlets import handover
from tests.days import DAY
from tests.outlets.marks import mark, stop_of
from tests.outlets.test_outlet_pages import day_url, staff_of


def _returned_rows() -> int:
    return len(
        db.session.scalars(
            select(StockChange).where(StockChange.kind == StockChangeKind.RETURNED)
        ).all()
    )


def _audit_actions() -> list[str]:
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditEntry))]


def _hidden_fields(html: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_goods_are_back_asks_first_naming_the_goods(client, auth, priced_day):
    outlet = priced_day["outlet"]
    failed = stop_of(priced_day, 0)  # two bags of urea
    mark(failed, "f-0", action="failed", reason="nobody_home")
    staff_of(outlet)
    auth.login("dianyuan")
    return_url = f"/outlets/{outlet.id}/stops/{failed.id}/return"
    day_page = client.get(day_url(outlet)).get_data(as_text=True)
    assert f'action="{return_url}"' not in day_page  # no one-tap form any more
    assert f'href="{return_url}?day={DAY.isoformat()}"' in day_page

    asked = client.get(f"{return_url}?day={DAY.isoformat()}").get_data(as_text=True)
    assert failed.label in asked and "尿素 2袋" in asked and "不能恢复" in asked
    assert f'href="{day_url(outlet)}"' in asked  # the way back
    # Neither the question nor a POST without the page's confirmation changes anything.
    answer = client.post(return_url, data={"day": DAY.isoformat()})
    assert answer.status_code == 200 and 'name="confirm" value="1"' in answer.get_data(as_text=True)
    assert db.session.query(GoodsReturn).count() == 0
    assert _returned_rows() == 0
    assert "goods_returned" not in _audit_actions()

    answer = client.post(return_url, data={"day": DAY.isoformat(), "confirm": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.query(GoodsReturn).count() == 1
    assert _returned_rows() == len(failed.items)
    assert _audit_actions().count("goods_returned") == 1
    assert 'data-returned="yes"' in client.get(day_url(outlet)).get_data(as_text=True)


def test_damaged_goods_are_not_offered_back_nor_taken_back(client, auth, priced_day):
    outlet = priced_day["outlet"]
    damaged = stop_of(priced_day, 0)
    mark(damaged, "d-0", action="failed", reason="damaged")
    staff_of(outlet)
    auth.login("dianyuan")
    return_url = f"/outlets/{outlet.id}/stops/{damaged.id}/return"
    day_page = client.get(day_url(outlet)).get_data(as_text=True)
    assert f'data-return="{damaged.id}"' not in day_page
    assert 'data-written-off="yes"' in day_page and "已损坏核销" in day_page
    asked = client.get(f"{return_url}?day={DAY.isoformat()}", follow_redirects=True)
    assert "已按损坏核销" in asked.get_data(as_text=True)
    refused = client.post(
        return_url, data={"day": DAY.isoformat(), "confirm": "1"}, follow_redirects=True
    )
    assert "已按损坏核销" in refused.get_data(as_text=True)
    assert db.session.query(GoodsReturn).count() == 0
    assert _returned_rows() == 0


def test_the_service_refuses_to_take_back_goods_written_off(priced_day):
    damaged = stop_of(priced_day, 0)
    mark(damaged, "d-1", action="failed", reason="damaged")
    try:
        handover.confirm_return(None, priced_day["outlet"], damaged.id)
    except handover.HandoverError as refusal:
        assert "stop" in refusal.errors
    else:
        raise AssertionError("goods written off were taken back")
    assert db.session.query(GoodsReturn).count() == 0


def _urea_run(priced_day):
    urea = priced_day["county"]["urea"]
    return next(
        r
        for r in priced_day["plan"].runs
        if any(i.order_line.product_id == urea.id for s in r.stops for i in s.items)
    )


def test_a_hand_over_with_shortages_asks_first_naming_them(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    run = _urea_run(priced_day)
    staff_of(outlet)
    auth.login("dianyuan")
    form = {"day": DAY.isoformat(), "checked": "1", f"short-{urea.id}": "1", "note": "缺一袋"}
    asked = client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=form)
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "尿素 1袋" in html and run.volunteer.name in html and "不能恢复" in html
    assert f'href="{day_url(outlet)}#run-{run.id}"' in html  # the way back to change them
    assert db.session.query(RunHandover).count() == 0
    assert "handed_over" not in _audit_actions()

    # The page's own form carries the shortages on: pressing its button records them.
    confirmed = _hidden_fields(html)
    assert confirmed["confirm"] == "1" and confirmed[f"short-{urea.id}"] == "1"
    answer = client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=confirmed)
    assert answer.status_code == 302
    db.session.expire_all()
    shortage = db.session.scalar(select(HandoverShortage))
    assert shortage.product_id == urea.id and shortage.missing == 1
    assert db.session.scalar(select(RunHandover)).note == "缺一袋"
    assert _audit_actions().count("handed_over") == 1


def test_a_hand_over_in_full_is_confirmed_by_the_tick_alone(client, auth, priced_day):
    """Nothing missing: the ticked "I checked the load" is the question, so no second
    page; without the tick nothing is recorded."""
    outlet = priced_day["outlet"]
    run = _urea_run(priced_day)
    staff_of(outlet)
    auth.login("dianyuan")
    url = f"/outlets/{outlet.id}/runs/{run.id}/handover"
    client.post(url, data={"day": DAY.isoformat()})
    assert db.session.query(RunHandover).count() == 0
    answer = client.post(url, data={"day": DAY.isoformat(), "checked": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(RunHandover)).complete


def test_a_wrong_shortage_is_refused_before_any_question(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    run = _urea_run(priced_day)
    staff_of(outlet)
    auth.login("dianyuan")
    form = {"day": DAY.isoformat(), "checked": "1", f"short-{urea.id}": "999"}
    answer = client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=form)
    assert answer.status_code == 302  # back to the day's page with the error
    assert db.session.query(RunHandover).count() == 0
