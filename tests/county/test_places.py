"""Townships and villages: the form rules, the one import for both, and deactivation."""

import pytest
from sqlalchemy import func, select

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import Township, Village
from supply_match.services.county import place_import, places
from supply_match.services.documents.spreadsheets import SheetError
from tests import factories
from tests.county.conftest import csv_bytes, xlsx

HEADER = ["代码", "名称", "纬度", "经度", "收货点", "收货点联系人", "收货点电话", "村民小组数"]
GOOD_ROWS = [
    ["500243104", "鹿鸣乡", 29.35, 108.29, None, None, None, None],
    ["500243104201", "鹿鸣村", 29.36, 108.30, "鹿鸣村村委会", "冉德福", "13896412345", 6],
    ["500243104202", "白果村", 29.37, 108.31, None, None, None, 4],
    ["500243105", "平安镇", 29.40, 108.10, None, None, None, None],
    ["500243105201", "平安村", 29.41, 108.11, None, None, None, None],
]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_sheet_adds_townships_and_their_villages_together(pengshui):
    result = place_import.import_places("places.xlsx", xlsx(HEADER, GOOD_ROWS))
    assert (result.townships_added, result.villages_added) == (2, 3)
    luming = db.session.scalar(select(Village).where(Village.code == "500243104201"))
    assert luming.township.name == "鹿鸣乡"
    assert luming.township.kind == "乡"
    assert luming.collection_mobile == "13896412345"
    assert luming.group_count == 6
    baiguo = db.session.scalar(select(Village).where(Village.code == "500243104202"))
    # Without its own point, the collection point is the village's.
    assert (baiguo.collection_lat, baiguo.collection_lon) == (baiguo.lat, baiguo.lon)


def test_importing_the_same_sheet_again_updates_instead_of_adding(pengshui):
    place_import.import_places("places.xlsx", xlsx(HEADER, GOOD_ROWS))
    rows = [row[:] for row in GOOD_ROWS]
    rows[1][5] = "向小琴"
    result = place_import.import_places("places.csv", csv_bytes(HEADER, rows))
    assert (result.townships_added, result.villages_added) == (0, 0)
    assert result.villages_updated == 3
    assert _count(Village) == 3
    village = db.session.scalar(select(Village).where(Village.code == "500243104201"))
    assert village.collection_contact == "向小琴"


def test_an_exported_sheet_imports_again_unchanged(pengshui):
    place_import.import_places("places.xlsx", xlsx(HEADER, GOOD_ROWS))
    result = place_import.import_places("export.xlsx", place_import.export_xlsx())
    assert (result.townships_updated, result.villages_updated) == (2, 3)
    assert _count(Township) == 2


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["500242104201", "外县村", 29.3, 108.2, None, None, None, None], "代码", "500243"),
        (["5002431042", "短码村", 29.3, 108.2, None, None, None, None], "代码", "12"),
        (["500243109201", "无乡村", 29.3, 108.2, None, None, None, None], "代码", "500243109"),
        (["500243104203", "反填村", 108.2, 29.3, None, None, None, None], "纬度", "填反"),
        (
            ["500243104203", "坏电话村", 29.3, 108.2, None, None, "1389641234", None],
            "收货点电话",
            "11",
        ),
        (["500243104203", "", 29.3, 108.2, None, None, None, None], "名称", "32"),
        (["500243106", "无后缀", 29.3, 108.2, None, None, None, None], "名称", "街道"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(pengshui, row, column, words):
    with pytest.raises(SheetError) as refused:
        place_import.import_places("places.xlsx", xlsx(HEADER, GOOD_ROWS + [row]))
    errors = refused.value.errors
    assert [(e.row, e.column) for e in errors] == [(len(GOOD_ROWS) + 2, column)]
    assert words in errors[0].message
    db.session.rollback()
    assert _count(Township) == 0
    assert _count(Village) == 0


def test_a_code_repeated_in_the_sheet_names_the_row_that_holds_it_first(pengshui):
    rows = GOOD_ROWS + [["500243104202", "又一个白果村", 29.3, 108.2, None, None, None, None]]
    with pytest.raises(SheetError) as refused:
        place_import.import_places("places.xlsx", xlsx(HEADER, rows))
    (error,) = refused.value.errors
    assert error.row == 7
    assert "4" in error.message  # row 4 holds 500243104202


def test_without_the_county_settings_no_place_can_be_entered(app):
    with pytest.raises(places.PlaceError) as refused:
        places.save_township({"code": "500243104", "name": "鹿鸣乡", "lat": 29.3, "lon": 108.2})
    assert "code" in refused.value.errors


def test_a_gcj02_point_pasted_from_a_map_app_is_stored_as_wgs84(pengshui):
    lat, lon = geo.wgs84_to_gcj02(29.35, 108.29)
    township = places.save_township(
        {"code": "500243104", "name": "鹿鸣乡", "lat": lat, "lon": lon, "coordinates": "gcj02"}
    )
    assert township.lat == pytest.approx(29.35, abs=1e-5)
    assert township.lon == pytest.approx(108.29, abs=1e-5)


def test_deactivating_a_township_deactivates_its_villages_and_keeps_the_households(pengshui):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    village = factories.village(township, code="500243104201")
    factories.household(village)
    places.set_township_active(township.id, False)
    assert village.active is False
    assert _count(Village) == 1
    with pytest.raises(places.PlaceError):
        places.set_village_active(village.id, True)


def test_a_township_code_with_villages_cannot_change(pengshui):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    factories.village(township, code="500243104201")
    with pytest.raises(places.PlaceError) as refused:
        places.save_township(
            {"code": "500243107", "name": "鹿鸣乡", "lat": 29.3, "lon": 108.2}, township.id
        )
    assert "code" in refused.value.errors


def test_the_places_pages_add_a_township_and_list_it(app, client, auth, pengshui):
    factories.user("admin", username="admin1")
    db.session.commit()
    auth.login("admin1")
    response = client.post(
        "/places/townships/new",
        data={"code": "500243104", "name": "鹿鸣乡", "lat": "29.35", "lon": "108.29",
              "coordinates": "wgs84"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get("/places/").get_data(as_text=True)
    assert "鹿鸣乡" in page
    bad = client.post("/places/villages/new", data={"code": "500243104", "name": "x"})
    assert bad.status_code == 422
    assert "12 位" in bad.get_data(as_text=True)


def test_the_import_page_lists_bad_cells_and_the_template_downloads(app, client, auth, pengshui):
    factories.user("admin", username="admin1")
    db.session.commit()
    auth.login("admin1")
    template = client.get("/places/template.xlsx")
    assert template.status_code == 200
    rows = [["500243999201", "无乡村", 29.3, 108.2, None, None, None, None]]
    response = client.post(
        "/places/import",
        data={"file": (__import__("io").BytesIO(xlsx(HEADER, rows)), "places.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-row="2"' in page
    assert 'data-error-column="代码"' in page


def test_the_village_list_pages_and_filters(app, client, auth, pengshui):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    other = factories.township(code="500243105", name="平安镇", kind="镇")
    for n in range(55):
        factories.village(township, code=f"500243104{n + 201:03d}", name=f"鹿鸣{n}村")
    factories.village(other, code="500243105201", name="平安村")
    factories.user("admin", username="admin1")
    db.session.commit()
    auth.login("admin1")
    first = client.get("/places/").get_data(as_text=True)
    assert first.count("data-village-code=") == 50
    second = client.get("/places/?page=2").get_data(as_text=True)
    assert second.count("data-village-code=") == 6
    only = client.get(f"/places/?township={other.id}").get_data(as_text=True)
    assert only.count("data-village-code=") == 1
    found = client.get("/places/?q=鹿鸣12").get_data(as_text=True)
    assert found.count("data-village-code=") == 1
