"""The outlets' pages: the staff's scope, prices, packing, labels, hand-over and the day."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import HandoverShortage, Order, OutletPrice, Role, RunHandover, Stock
from tests import factories
from tests.days import DAY


def staff_of(outlet, username="dianyuan"):
    user = factories.user(Role.OUTLET_STAFF, username=username, outlet_id=outlet.id)
    db.session.commit()
    return user


def day_url(outlet, suffix=""):
    return f"/outlets/{outlet.id}/days/{DAY.isoformat()}{suffix}"


def test_staff_land_on_their_outlet_and_cannot_open_another(client, auth, priced_day):
    outlet = priced_day["outlet"]
    other = factories.outlet()
    staff_of(outlet)
    auth.login("dianyuan")
    response = client.get("/", follow_redirects=True)
    assert outlet.name in response.get_data(as_text=True)
    assert client.get(f"/outlets/{other.id}").status_code == 403
    assert client.get(f"/outlets/{other.id}/prices").status_code == 403
    assert client.get(f"/outlets/{other.id}/days/{DAY.isoformat()}").status_code == 403
    assert (
        client.get(f"/outlets/{other.id}/days/{DAY.isoformat()}/accounts.xlsx").status_code == 403
    )


def test_staff_see_no_orders_households_or_county_pages(client, auth, priced_day):
    staff_of(priced_day["outlet"])
    auth.login("dianyuan")
    households = [order.household.name for order in priced_day["orders"]]
    for address in ("/orders", "/households"):
        response = client.get(address)
        assert response.status_code in (200, 403)
        assert not any(name in response.get_data(as_text=True) for name in households)
    assert client.get("/outlets/guide-prices").status_code == 403
    assert client.get(f"/plans/{DAY.isoformat()}").status_code == 403


def test_cadre_cannot_open_an_outlet(client, auth, priced_day):
    village = priced_day["county"]["village"]
    factories.user(Role.CADRE, villages=[village], username="cadre")
    db.session.commit()
    auth.login("cadre")
    assert client.get(f"/outlets/{priced_day['outlet'].id}").status_code == 403


def test_staff_set_a_price_and_a_bad_one_changes_nothing(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    staff_of(outlet)
    auth.login("dianyuan")
    before = db.session.query(OutletPrice).count()
    response = client.post(f"/outlets/{outlet.id}/prices", data={f"price-{urea.id}": "-1"})
    assert response.status_code == 422
    assert db.session.query(OutletPrice).count() == before
    response = client.post(f"/outlets/{outlet.id}/prices", data={f"price-{urea.id}": "1.234"})
    assert response.status_code == 422
    response = client.post(f"/outlets/{outlet.id}/prices", data={f"price-{urea.id}": "139.9"})
    assert response.status_code == 302
    assert db.session.query(OutletPrice).count() == before + 1


def test_pick_list_packing_list_and_labels_show_goods_and_money(client, auth, priced_day):
    outlet = priced_day["outlet"]
    staff_of(outlet)
    auth.login("dianyuan")
    page = client.get(day_url(outlet)).get_data(as_text=True)
    assert "尿素" in page and "玉米种子" in page
    packing = client.get(day_url(outlet, "/packing")).get_data(as_text=True)
    assert "拣货单" in packing and "装车单" in packing
    assert "280.00" in packing  # 2 bags of urea at 140.00, pay on delivery
    labels = client.get(day_url(outlet, "/labels")).get_data(as_text=True)
    assert labels.count('class="bag-label"') == 3
    assert "<svg" in labels
    assert "应收 ¥280.00" in labels
    assert "无需收款" in labels  # the prepaid order
    assert "应收 ¥98.00" in labels  # 140.00 less the programme's 30 %


def test_hand_over_with_a_shortage_shows_on_the_dispatchers_page(client, auth, priced_day):
    outlet, plan = priced_day["outlet"], priced_day["plan"]
    urea = priced_day["county"]["urea"]
    run = next(
        r
        for r in plan.runs
        if any(i.order_line.product_id == urea.id for s in r.stops for i in s.items)
    )
    staff_of(outlet)
    auth.login("dianyuan")
    # "confirm" as the page that asks about the shortages sends it.
    data = {"day": DAY.isoformat(), "checked": "1", f"short-{urea.id}": "1", "confirm": "1"}
    response = client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=data)
    assert response.status_code == 302
    shortage = db.session.scalar(select(HandoverShortage))
    assert shortage.missing == 1 and shortage.product_id == urea.id
    # A retried confirmation changes nothing.
    client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=data)
    assert db.session.query(RunHandover).count() == 1
    auth.logout()
    factories.user(Role.DISPATCHER, username="diaodu")
    db.session.commit()
    auth.login("diaodu")
    page = client.get(f"/outlets/shortages/{DAY.isoformat()}").get_data(as_text=True)
    assert f'data-run="{run.id}"' in page
    assert "尿素 1袋" in page


def test_a_shortage_above_the_load_or_not_a_number_is_refused(client, auth, priced_day):
    outlet, run = priced_day["outlet"], priced_day["plan"].runs[0]
    product_id = run.stops[0].items[0].order_line.product_id
    staff_of(outlet)
    auth.login("dianyuan")
    for bad in ("abc", "999", "-1"):
        data = {"day": DAY.isoformat(), "checked": "1", f"short-{product_id}": bad}
        client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=data)
    assert db.session.query(RunHandover).count() == 0


def test_a_hand_over_for_a_run_of_another_outlet_is_refused(client, auth, priced_day):
    other = factories.outlet()
    staff_of(other, "other-staff")
    auth.login("other-staff")
    run = priced_day["plan"].runs[0]
    data = {"day": DAY.isoformat(), "checked": "1"}
    response = client.post(
        f"/outlets/{other.id}/runs/{run.id}/handover", data=data, follow_redirects=True
    )
    assert "不在本网点" in response.get_data(as_text=True)
    assert db.session.query(RunHandover).count() == 0
    # And through their own outlet's address with the run's true outlet: not theirs.
    response = client.post(f"/outlets/{priced_day['outlet'].id}/runs/{run.id}/handover", data=data)
    assert response.status_code == 403


def test_accounts_export_is_a_workbook(client, auth, priced_day):
    outlet = priced_day["outlet"]
    staff_of(outlet)
    auth.login("dianyuan")
    response = client.get(day_url(outlet, "/accounts.xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "农资集中配送 网点日结表"
    assert sheet["B2"].value == outlet.name


def test_the_cadres_form_sets_the_payment_way_and_refuses_a_subsidy_without_programme(
    client, auth, priced_day
):
    village = priced_day["county"]["village"]
    household = factories.household(village=village)
    factories.user(Role.CADRE, villages=[village], username="cunganbu")
    db.session.commit()
    auth.login("cunganbu")
    form = {
        "household_id": household.id,
        "lines-1-product": priced_day["county"]["urea"].id,
        "lines-1-quantity": "1",
        "delivery_point": "home",
        "wanted_from": "2020-03-10",
        "wanted_to": "2020-03-12",
        "payment_method": "subsidy",
    }
    page = client.get("/intake/orders/new")
    assert 'name="payment_method"' in page.get_data(as_text=True)
    refused = client.post(f"/intake/orders/new?household={household.id}", data=form)
    assert refused.status_code == 422
    assert "请选择补贴项目" in refused.get_data(as_text=True)
    form["subsidy_programme"] = str(priced_day["programme"].id)
    saved = client.post(f"/intake/orders/new?household={household.id}", data=form)
    assert saved.status_code == 302
    order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert (
        order.payment_method == "subsidy"
        and order.subsidy_programme_id == priced_day["programme"].id
    )
    detail = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "春耕化肥补贴" in detail and "未定价" in detail


def test_an_orders_page_shows_its_amounts(client, auth, priced_day):
    factories.user(Role.DISPATCHER, username="diaodu")
    db.session.commit()
    auth.login("diaodu")
    page = client.get(f"/orders/{priced_day['orders'][0].id}").get_data(as_text=True)
    assert "280.00" in page and "应收 ¥280.00" in page


def test_staff_record_goods_received_at_their_outlet_only(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    other = factories.outlet()
    staff_of(outlet)
    auth.login("dianyuan")
    assert client.get(f"/catalogue/outlets/{outlet.id}/stock").status_code == 200
    assert client.get(f"/catalogue/outlets/{other.id}/stock").status_code == 403
    form = {"product_id": urea.id, "kind": "received", "quantity": "20", "reason": "到货单 0301"}
    response = client.post(f"/catalogue/outlets/{outlet.id}/stock", data=form)
    assert response.status_code == 302
    assert client.post(f"/catalogue/outlets/{other.id}/stock", data=form).status_code == 403
    stock = db.session.scalar(
        select(Stock).where(Stock.outlet_id == outlet.id, Stock.product_id == urea.id)
    )
    assert stock.quantity == 520


def test_the_dispatchers_live_board_warns_of_a_shortage(client, auth, priced_day):
    outlet, plan = priced_day["outlet"], priced_day["plan"]
    run = plan.runs[0]
    product_id = run.stops[0].items[0].order_line.product_id
    staff_of(outlet)
    auth.login("dianyuan")
    data = {"day": DAY.isoformat(), "checked": "1", f"short-{product_id}": "1", "confirm": "1"}
    client.post(f"/outlets/{outlet.id}/runs/{run.id}/handover", data=data)
    auth.logout()
    factories.user(Role.DISPATCHER, username="diaodu")
    db.session.commit()
    auth.login("diaodu")
    board = client.get(f"/plans/{DAY.isoformat()}/board").get_data(as_text=True)
    assert 'data-shortages="1"' in board


def test_a_correction_on_the_page_needs_a_closed_day_and_a_note(client, auth, priced_day):
    outlet = priced_day["outlet"]
    staff_of(outlet)
    auth.login("dianyuan")
    response = client.post(day_url(outlet, "/corrections"), data={"amount": "5", "note": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "只有已日结" in page and "请说明更正原因" in page
    closing = client.get(day_url(outlet, "/close")).get_data(as_text=True)
    assert "无法撤销" in closing
    # Stops are still pending: the close is refused and says why.
    refused = client.post(day_url(outlet, "/close"), follow_redirects=True)
    assert "未标记" in refused.get_data(as_text=True)


def test_a_bag_labels_qr_code_opens_the_stop_for_signed_in_staff_only(client, auth, priced_day):
    from urllib.parse import urlsplit

    from supply_match.services.delivery.links import token_for
    from supply_match.services.documents.route_sheets import qr_svg

    outlet = priced_day["outlet"]
    staff_of(outlet)
    auth.login("dianyuan")
    labels = client.get(day_url(outlet, "/labels")).get_data(as_text=True)
    for run in priced_day["plan"].runs:
        # The volunteer's own link is never on a bag: the bag goes to the household.
        assert token_for(run.volunteer) not in labels
        for stop in run.stops:
            link = f"http://localhost/outlets/stops/{stop.id}"
            assert qr_svg(link, scale=2) in labels
            assert stop.household.name in client.get(urlsplit(link).path).get_data(as_text=True)
    auth.logout()
    # Whoever else scans it is asked to sign in, and sees nothing of the run.
    stop = priced_day["plan"].runs[0].stops[0]
    answer = client.get(f"/outlets/stops/{stop.id}")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_closed_days_goods_are_corrected_on_the_page(client, auth, priced_day):
    from supply_match.models import DayCorrection
    from supply_match.services.supply.amounts import stop_dues
    from tests.outlets.marks import all_stops, mark, stop_of

    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    failed = stop_of(priced_day, 0)
    for n, stop in enumerate(all_stops(priced_day["plan"])):
        if stop.id == failed.id:
            mark(stop, "p-f", action="failed", reason="nobody_home")
        else:
            mark(stop, f"p-{n}", received_fen=stop_dues([stop])[stop.id], paid_by="cash")
    staff_of(outlet)
    auth.login("dianyuan")
    assert client.post(day_url(outlet, "/close")).status_code == 302
    # The failed stop's goods come back after closing: still taken in, as a correction.
    day_page = client.get(day_url(outlet)).get_data(as_text=True)
    assert "将作为日结数字的更正记录" in day_page
    back = client.post(
        f"/outlets/{outlet.id}/stops/{failed.id}/return",
        data={"day": DAY.isoformat(), "confirm": "1"},
        follow_redirects=True,
    )
    assert 'data-returned="yes"' in back.get_data(as_text=True)
    refused = client.post(
        day_url(outlet, "/goods-corrections"),
        data={"kind": "goods", "product_id": urea.id, "figure": "lost", "quantity": "x"},
    )
    assert refused.status_code == 422
    assert "请填写数字" in refused.get_data(as_text=True)
    form = {"kind": "goods", "product_id": urea.id, "figure": "lost", "quantity": "1",
            "note": "一袋受潮"}  # fmt: skip
    assert client.post(day_url(outlet, "/goods-corrections"), data=form).status_code == 302
    accounts_page = client.get(day_url(outlet, "/accounts")).get_data(as_text=True)
    assert accounts_page.count('data-kind="goods"') == 2
    assert db.session.query(DayCorrection).count() == 2
    sheet = load_workbook(io.BytesIO(client.get(day_url(outlet, "/accounts.xlsx")).data)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "损失" in cells and "一袋受潮" in cells


def test_the_outlets_list_and_guide_prices_say_what_is_missing_on_an_empty_county(client, auth):
    factories.user(Role.DISPATCHER, username="diaodu")
    db.session.commit()
    auth.login("diaodu")
    outlets = client.get("/outlets/").get_data(as_text=True)
    assert 'data-empty="outlets"' in outlets and "还没有网点" in outlets
    assert 'href="/catalogue/outlets/new"' in outlets
    assert 'href="/catalogue/outlets/import"' in outlets
    guide = client.get("/outlets/guide-prices").get_data(as_text=True)
    assert 'data-empty="products"' in guide and "还没有商品" in guide
    assert 'href="/catalogue/products/new"' in guide
    assert "保存指导价" not in guide  # no form to save nothing with
