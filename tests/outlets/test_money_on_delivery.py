"""Money at the door: the amount due per stop, what the volunteer received and how, a
difference explained, retries applied once; then the day's accounts, closing and
corrections."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import DayCorrection, PaymentMethod, StopPayment, StopStatus
from supply_match.services.delivery import volunteer_day
from supply_match.services.outlets import accounts, closing
from supply_match.services.supply.amounts import stop_dues
from tests.days import DAY
from tests.outlets.marks import all_stops, deliver_everything, mark, stop_of


def test_each_stop_knows_what_to_collect(priced_day):
    dues = stop_dues(all_stops(priced_day["plan"]))
    assert dues[stop_of(priced_day, 0).id] == 28000  # 2 x 140.00, on delivery
    assert dues[stop_of(priced_day, 1).id] == 0  # prepaid
    assert dues[stop_of(priced_day, 2).id] == 9800  # 140.00 less 30 % subsidy


def test_the_phone_shows_the_amount_and_the_runs_cash_total(priced_day):
    stop = stop_of(priced_day, 0)
    data = volunteer_day.day_data(stop.run.volunteer, DAY)
    (run,) = [r for r in data["runs"] if r["id"] == stop.run.id]
    phone_stop = next(s for s in run["stops"] if s["id"] == stop.id)
    assert phone_stop["due_fen"] == 28000 and phone_stop["due"] == "280.00"
    assert run["cash_to_collect_fen"] == sum(s["due_fen"] for s in run["stops"])


def test_delivered_with_the_amount_due_records_it_once(priced_day):
    stop = stop_of(priced_day, 0)
    first = mark(stop, "m-1", received_fen=28000, paid_by="cash")
    again = mark(stop, "m-1", received_fen=28000, paid_by="cash")
    assert first["outcome"] == "applied" and again["duplicate"] is True
    (payment,) = db.session.scalars(select(StopPayment)).all()
    assert (payment.due_fen, payment.received_fen, payment.paid_by) == (28000, 28000, "cash")


def test_yuan_text_from_the_phone_is_read_as_fen(priced_day):
    stop = stop_of(priced_day, 2)
    assert mark(stop, "m-2", received="98.00", paid_by="transfer")["outcome"] == "applied"
    payment = db.session.scalar(select(StopPayment))
    assert (payment.received_fen, payment.paid_by) == (9800, "transfer")


@pytest.mark.parametrize(
    "money",
    [
        {"received": "二百八"},
        {"received": "280.001"},
        {"received_fen": 280.0},
        {"received_fen": -5},
        {},
        {"received_fen": 28000, "paid_by": "alipay-ish"},
    ],
)
def test_money_that_cannot_be_read_changes_nothing(priced_day, money):
    stop = stop_of(priced_day, 0)
    answer = mark(stop, "m-bad", **money)
    assert answer["outcome"] == "conflict"
    db.session.expire_all()
    assert stop.status == StopStatus.PENDING
    assert db.session.scalars(select(StopPayment)).all() == []


def test_a_difference_needs_a_note(priced_day):
    stop = stop_of(priced_day, 0)
    refused = mark(stop, "m-3", received_fen=27000)
    assert refused["outcome"] == "conflict"
    assert "说明" in refused["message"]
    accepted = mark(stop, "m-4", received_fen=27000, note="农户少付10元，明日补交")
    assert accepted["outcome"] == "applied"
    assert db.session.scalar(select(StopPayment)).note == "农户少付10元，明日补交"


def test_a_prepaid_stop_needs_no_money(priced_day):
    stop = stop_of(priced_day, 1)
    if stop_dues([stop])[stop.id] != 0:
        pytest.skip("the prepaid order shares its stop with another")
    assert mark(stop, "m-5")["outcome"] == "applied"
    assert db.session.scalars(select(StopPayment)).all() == []


def test_undoing_a_delivery_forgets_its_money(priced_day):
    stop = stop_of(priced_day, 0)
    mark(stop, "m-6", received_fen=28000)
    assert mark(stop, "m-7", action="undo")["outcome"] == "applied"
    assert db.session.scalars(select(StopPayment)).all() == []


def test_the_days_accounts_balance_to_the_fen(priced_day):
    deliver_everything(priced_day)
    figures = accounts.day_accounts(priced_day["outlet"], DAY)
    money = figures["money"]
    # 2 x 140.00 + 3 x 38.50 + 1 x 140.00, of which 38.50 x 3 prepaid and 30 % of 140 subsidy.
    assert money["orders_fen"] == 28000 + 11550 + 14000
    assert money["prepaid_fen"] == 11550
    assert money["subsidy_fen"] == 4200
    assert money["due_fen"] == money["cash_fen"] == 28000 + 9800
    assert money["balanced"] is True
    assert figures["subsidies"] == [
        {
            "programme_id": priced_day["programme"].id,
            "programme": "春耕化肥补贴",
            "share_percent": 30,
            "orders": 1,
            "claim_fen": 4200,
        }
    ]
    assert sum(p["cash_to_hand_in_fen"] for p in figures["volunteers"]) == 37800


def test_a_day_with_stops_pending_cannot_close(priced_day):
    with pytest.raises(closing.ClosingError):
        closing.close_day(None, priced_day["outlet"], DAY)
    assert accounts.closing_of(priced_day["outlet"].id, DAY) is None


def test_a_closed_day_changes_only_by_a_correction(priced_day):
    outlet = priced_day["outlet"]
    deliver_everything(priced_day)
    closing.close_day(None, outlet, DAY)
    with pytest.raises(closing.DayClosedError):
        closing.close_day(None, outlet, DAY)  # a retried close
    stop = all_stops(priced_day["plan"])[0]
    assert mark(stop, "late-undo", action="undo")["message"]
    db.session.expire_all()
    assert stop.status == StopStatus.DELIVERED
    volunteer_id = stop.run.volunteer_id
    with pytest.raises(closing.ClosingError) as refused:
        closing.add_correction(None, outlet, DAY, "1.234", "", volunteer_id)
    assert set(refused.value.errors) == {"amount", "note"}
    closing.add_correction(None, outlet, DAY, "-10", "假币一张，志愿者赔付前扣除", volunteer_id)
    figures = accounts.day_accounts(outlet, DAY)
    assert figures["money"]["corrections_fen"] == -1000
    person = next(p for p in figures["volunteers"] if p["volunteer_id"] == volunteer_id)
    assert person["cash_to_hand_in_fen"] == person["cash_fen"] - 1000
    assert db.session.query(DayCorrection).count() == 1


def test_a_correction_before_closing_is_refused(priced_day):
    with pytest.raises(closing.ClosingError):
        closing.add_correction(None, priced_day["outlet"], DAY, "5", "多收")


def test_on_delivery_is_the_default_payment_way(priced_day):
    assert priced_day["orders"][0].payment_method == PaymentMethod.ON_DELIVERY


def test_route_sheets_show_each_stops_amount_and_the_runs_total(app, priced_day):
    from supply_match.services.documents.route_sheets import render_html, sheets_for_plan

    sheets = sheets_for_plan(priced_day["plan"], lambda volunteer: "https://example.cn/v/x")
    dues = stop_dues(all_stops(priced_day["plan"]))
    for sheet, run in zip(sheets, priced_day["plan"].runs, strict=True):
        assert [stop.due_fen for stop in sheet.stops] == [dues[stop.id] for stop in run.stops]
        assert sheet.cash_to_collect_fen == sum(dues[stop.id] for stop in run.stops)
    with app.test_request_context("/"):
        html = render_html(sheets)
    assert "280.00" in html and "应收合计" in html


def test_taking_back_a_failed_stops_goods_writes_the_ledger_once(priced_day):
    from supply_match.models import StockChange, StockChangeKind
    from supply_match.services.outlets import handover

    stop = stop_of(priced_day, 0)
    mark(stop, "fail-1", action="failed", reason="nobody_home")
    handover.confirm_return(None, priced_day["outlet"], stop.id)
    with pytest.raises(handover.HandoverError):
        handover.confirm_return(None, priced_day["outlet"], stop.id)
    rows = db.session.scalars(
        select(StockChange).where(StockChange.kind == StockChangeKind.RETURNED)
    ).all()
    assert len(rows) == len(stop.items)
    assert all(r.quantity_delta == 0 and r.reserved_delta == 0 for r in rows)
    assert {r.order_line_id for r in rows} == {item.order_line_id for item in stop.items}
    figures = accounts.day_accounts(priced_day["outlet"], DAY)
    urea = next(g for g in figures["goods"] if g["product_id"] == priced_day["county"]["urea"].id)
    assert urea["failed"] == urea["returned"] == "2"


def test_an_order_split_over_stops_is_collected_once_whichever_stops_are_read(county):
    """Pesticide rides apart from seed: one order, two stops (maybe two runs, two phones).
    Each stop's share is the same read alone or with the other, and they add up to the
    order's due, so no two phones collect the same money."""
    from supply_match.services.planning.day import PlanningSettings, plan_day
    from supply_match.services.planning.publishing import publish
    from supply_match.services.supply import prices
    from supply_match.services.supply.amounts import order_amounts, order_stop_dues
    from tests.days import allocated_orders

    seed, spray = county["seed"], county["spray"]
    prices.set_outlet_prices(county["outlet"], {seed.id: "38.50", spray.id: "12.35"}, None)
    (order,) = allocated_orders(county, [[(seed, 3), (spray, 7)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    stops = [s for s in all_stops(plan) if order.id in {i.order_id for i in s.items}]
    assert len(stops) == 2  # seed and pesticide apart
    together = order_stop_dues(stops)
    alone = {key: due for stop in stops for key, due in order_stop_dues([stop]).items()}
    assert alone == together
    assert sum(together.values()) == order_amounts(order).due_fen == 3 * 3850 + 7 * 1235
