"""The county's guide prices and subsidy programmes, like every record kind: an edit
page, an import from .xlsx (all or nothing, errors by row and column), an export that
reads back as an import, and the API."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import GuidePrice, Role, SubsidyProgramme
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.intake import payments
from supply_match.services.supply import price_import, prices, subsidy_import
from tests import factories

API = "/api/v1"


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _sign_in(client, role=Role.DISPATCHER, **fields):
    user = factories.user(role, **fields)
    db.session.commit()
    client.post("/login", data={"login": user.username, "password": factories.PASSWORD})


def test_a_guide_price_sheet_sets_and_lifts_caps(county):
    urea, seed = county["urea"], county["seed"]
    prices.set_guide_prices({seed.id: "40"}, None)
    sheet = _xlsx([["产品", "指导价（元）"], [urea.code, "150"], [seed.name, None]])
    assert price_import.import_guide_prices("zhidaojia.xlsx", sheet, None) == 2
    assert prices.current_guide_prices() == {urea.id: 15000}
    assert price_import.import_guide_prices("zhidaojia.xlsx", sheet, None) == 0


def test_a_bad_guide_price_sheet_names_each_cell_and_writes_nothing(county):
    outlet, urea, seed = county["outlet"], county["urea"], county["seed"]
    prices.set_outlet_prices(outlet, {urea.id: "140"}, None)
    before = _count(GuidePrice)
    sheet = _xlsx(
        [
            ["产品", "指导价（元）"],
            [urea.code, "130"],  # below what the outlet charges now
            [seed.code, "1.234"],
            ["化肥X", "10"],
            [urea.name, "160"],  # urea again
        ]
    )
    with pytest.raises(SheetError) as refused:
        price_import.import_guide_prices("zhidaojia.xlsx", sheet, None)
    cells = {(e.row, e.column) for e in refused.value.errors}
    assert cells == {(2, "指导价（元）"), (3, "指导价（元）"), (4, "产品"), (5, "产品")}
    assert _count(GuidePrice) == before


def test_the_guide_price_export_reads_back_as_an_import(county):
    urea = county["urea"]
    prices.set_guide_prices({urea.id: "150.50"}, None)
    data = price_import.guide_export_xlsx()
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    assert (urea.code, "150.50") in [row[:2] for row in rows]
    assert price_import.import_guide_prices("back.xlsx", data, None) == 0
    assert prices.current_guide_prices() == {urea.id: 15050}


def test_a_programme_sheet_adds_updates_and_retires(app):
    payments.save_programme(None, "良种补贴", "50")
    sheet = _xlsx(
        [["项目名称", "补贴比例（%）", "启用"], ["春耕化肥补贴", 30, None], ["良种补贴", 40, "否"]]
    )
    result = subsidy_import.import_programmes("butie.xlsx", sheet)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 0)
    stored = {p.name: (p.share_percent, p.active) for p in payments.programmes(active_only=False)}
    assert stored == {"春耕化肥补贴": (30, True), "良种补贴": (40, False)}
    assert [p.name for p in payments.programmes()] == ["春耕化肥补贴"]
    again = subsidy_import.import_programmes("butie.xlsx", subsidy_import.export_xlsx())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_a_bad_programme_sheet_names_each_cell_and_writes_nothing(app):
    sheet = _xlsx(
        [
            ["项目名称", "补贴比例（%）", "启用"],
            ["春耕化肥补贴", 130, None],
            ["良种补贴", "三成", None],
            ["农机补贴", 20, "也许"],
            ["", 20, None],
            ["春耕化肥补贴", 30, None],
        ]
    )
    with pytest.raises(SheetError) as refused:
        subsidy_import.import_programmes("butie.xlsx", sheet)
    cells = {(e.row, e.column) for e in refused.value.errors}
    assert cells == {
        (2, "补贴比例（%）"),
        (3, "补贴比例（%）"),
        (4, "启用"),
        (5, "项目名称"),
        (6, "项目名称"),
    }
    assert _count(SubsidyProgramme) == 0


def test_the_county_pages_import_export_and_edit(client, county):
    urea = county["urea"]
    _sign_in(client)
    for address in (
        "/outlets/guide-prices",
        "/outlets/guide-prices/import",
        "/outlets/subsidies",
        "/outlets/subsidies/import",
    ):
        assert client.get(address).status_code == 200, address
    for address in (
        "/outlets/guide-prices.xlsx",
        "/outlets/guide-prices/template.xlsx",
        "/outlets/subsidies.xlsx",
        "/outlets/subsidies/template.xlsx",
    ):
        response = client.get(address)
        assert response.status_code == 200 and load_workbook(io.BytesIO(response.data))
    upload = {"file": (io.BytesIO(_xlsx([["产品", "指导价"], [urea.code, "150"]])), "z.xlsx")}
    page = client.post("/outlets/guide-prices/import", data=upload)
    assert page.status_code == 200 and 'data-figure="changed">1<' in page.get_data(as_text=True)
    assert prices.current_guide_prices() == {urea.id: 15000}
    bad = {"file": (io.BytesIO(_xlsx([["产品", "指导价"], [urea.code, "-1"]])), "z.xlsx")}
    assert client.post("/outlets/guide-prices/import", data=bad).status_code == 422
    programme = payments.save_programme(None, "春耕化肥补贴", "30")
    edit = client.get(f"/outlets/subsidies?edit={programme.id}").get_data(as_text=True)
    assert 'value="春耕化肥补贴"' in edit and 'name="active"' in edit
    form = {"programme_id": programme.id, "name": "春耕化肥补贴", "share_percent": "35"}
    assert client.post("/outlets/subsidies", data=form).status_code == 302  # unticked: retired
    db.session.expire_all()
    assert (programme.share_percent, programme.active) == (35, False)


def test_outlet_staff_read_guide_prices_but_change_no_county_record(client, county):
    _sign_in(client, Role.OUTLET_STAFF, outlet_id=county["outlet"].id)
    assert client.get(f"{API}/guide-prices").status_code == 200
    body = {"prices": [{"product_id": county["urea"].id, "guide_fen": 100}]}
    assert client.post(f"{API}/guide-prices", json=body).status_code == 403
    assert client.post(f"{API}/subsidy-programmes", json={"name": "x"}).status_code == 403
    assert client.get("/outlets/guide-prices/import").status_code == 403
    assert client.get("/outlets/subsidies.xlsx").status_code == 403


def test_guide_prices_and_programmes_through_the_api(client, county):
    outlet, urea = county["outlet"], county["urea"]
    prices.set_outlet_prices(outlet, {urea.id: "140"}, None)
    _sign_in(client)
    url = f"{API}/guide-prices"
    for bad in (150.5, "15000", -1, True):
        body = {"prices": [{"product_id": urea.id, "guide_fen": bad}]}
        assert client.post(url, json=body).status_code == 422, bad
    below = client.post(url, json={"prices": [{"product_id": urea.id, "guide_fen": 13000}]})
    assert below.status_code == 422 and f"prices[{urea.id}]" in below.get_json()["errors"]
    assert _count(GuidePrice) == 0
    made = client.post(url, json={"prices": [{"product_id": urea.id, "guide_fen": 15000}]})
    row = next(i for i in made.get_json()["items"] if i["product_id"] == urea.id)
    assert (row["guide_fen"], row["highest_fen"]) == (15000, 14000)
    lifted = client.post(url, json={"prices": [{"product_id": urea.id, "guide_fen": None}]})
    assert (
        next(i for i in lifted.get_json()["items"] if i["product_id"] == urea.id)["guide_fen"]
        is None
    )

    programmes = f"{API}/subsidy-programmes"
    for bad in ({"name": "补贴", "share_percent": 0}, {"name": "补贴", "share_percent": "30"},
                {"name": "", "share_percent": 30}, {"share_percent": 30}):  # fmt: skip
        assert client.post(programmes, json=bad).status_code == 422, bad
    made = client.post(programmes, json={"name": "春耕化肥补贴", "share_percent": 30})
    assert made.status_code == 201 and made.get_json()["active"] is True
    programme_id = made.get_json()["id"]
    retired = client.patch(f"{programmes}/{programme_id}", json={"active": False})
    assert retired.status_code == 200
    assert (retired.get_json()["share_percent"], retired.get_json()["active"]) == (30, False)
    assert client.get(programmes).get_json()["items"] == []
    assert [p["id"] for p in client.get(f"{programmes}?all=1").get_json()["items"]] == [
        programme_id
    ]
    assert client.patch(f"{programmes}/999999", json={"active": True}).status_code == 404


def test_a_programme_orders_name_keeps_its_share(client, priced_day):
    from supply_match.services.supply.amounts import order_amounts

    programme, order = priced_day["programme"], priced_day["orders"][2]
    before = order_amounts(order)
    with pytest.raises(payments.ProgrammeError) as refused:
        payments.save_programme(programme.id, programme.name, "40")
    assert set(refused.value.errors) == {"share_percent"}
    sheet = _xlsx([["项目名称", "补贴比例（%）"], [programme.name, 40]])
    with pytest.raises(SheetError):
        subsidy_import.import_programmes("butie.xlsx", sheet)
    _sign_in(client)
    patched = client.patch(f"{API}/subsidy-programmes/{programme.id}", json={"share_percent": 40})
    assert patched.status_code == 422
    retired = client.patch(f"{API}/subsidy-programmes/{programme.id}", json={"active": False})
    assert retired.status_code == 200
    db.session.expire_all()
    assert programme.share_percent == 30 and order_amounts(order) == before
