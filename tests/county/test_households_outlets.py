"""Households (edit, merge, import) and outlets from a sheet."""

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Household, Order, Outlet
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.errors import ForbiddenError
from supply_match.services.intake import households
from supply_match.services.supply import outlet_import
from tests import factories
from tests.county.conftest import xlsx

HOUSEHOLD_HEADER = ["乡镇", "村", "组", "户主姓名", "手机号"]
OUTLET_HEADER = ["网点名称", "乡镇", "地址", "纬度", "经度", "联系人", "联系电话"]


@pytest.fixture
def place(pengshui):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    luming = factories.village(township, code="500243104201", name="鹿鸣村", group_count=6)
    other = factories.village(township, code="500243104202", name="白果村")
    cadre = factories.user("cadre", villages=[luming])
    db.session.commit()
    return dict(township=township, luming=luming, other=other, cadre=cadre)


def test_households_import_without_orders_and_again_changes_nothing(place):
    rows = [
        ["", "鹿鸣村", 3, "冉光明", "13896012345"],
        ["鹿鸣乡", "鹿鸣村", "5组", "向大山", "13896012346"],
    ]
    result = households.import_households("h.xlsx", xlsx(HOUSEHOLD_HEADER, rows), place["cadre"])
    assert (result.added, result.unchanged) == (2, 0)
    result = households.import_households("h.xlsx", xlsx(HOUSEHOLD_HEADER, rows), place["cadre"])
    assert (result.added, result.unchanged) == (0, 2)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["", "白果村", 1, "冉光明", "13896012345"], "村"),  # not the cadre's village
        (["", "鹿鸣村", 9, "冉光明", "13896012345"], "组"),
        (["", "鹿鸣村", 1, "冉光明", "1389601234"], "手机号"),
        (["", "鹿鸣村", 1, "", "13896012345"], "户主姓名"),
    ],
)
def test_a_bad_household_row_is_named_and_nothing_is_written(place, row, column):
    good = ["", "鹿鸣村", 2, "向大山", "13896012346"]
    with pytest.raises(SheetError) as refused:
        households.import_households("h.xlsx", xlsx(HOUSEHOLD_HEADER, [good, row]), place["cadre"])
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, column)]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Household.id))) == 0


def test_a_household_is_corrected_by_its_cadre_only(place):
    household = factories.household(place["luming"], group_no=1)
    db.session.commit()
    households.update_household(
        place["cadre"], household.id,
        {"name": household.name, "mobile": "13896012399", "group_no": "4", "lat": "", "lon": ""},
    )  # fmt: skip
    assert (household.mobile, household.group_no) == ("13896012399", 4)
    stranger = factories.household(place["other"])
    with pytest.raises(ForbiddenError):
        households.update_household(place["cadre"], stranger.id, {"name": "x"})


def test_merging_moves_the_orders_and_deletes_the_other_record(place):
    keep = factories.household(place["luming"], name="冉光明", mobile="13896012345")
    twin = factories.household(place["luming"], name="冉光明", mobile="13896012346")
    product = factories.product()
    factories.order(keep, lines=[(product, 1)])
    factories.order(twin, lines=[(product, 2)])
    db.session.commit()
    households.merge_households(place["cadre"], keep.id, twin.id)
    assert db.session.get(Household, twin.id) is None
    assert db.session.scalar(select(func.count(Order.id)).where(Order.household_id == keep.id)) == 2


def test_two_villages_households_are_not_merged(place):
    admin = factories.user("admin")
    a = factories.household(place["luming"])
    b = factories.household(place["other"])
    with pytest.raises(households.HouseholdError):
        households.merge_households(admin, a.id, b.id)


def test_outlets_import_and_update_by_name(place):
    rows = [["鹿鸣乡农资店", "鹿鸣乡", "场镇街 12 号", 29.35, 108.29, "冉光明", "13896012345"]]
    result = outlet_import.import_outlets("o.xlsx", xlsx(OUTLET_HEADER, rows))
    assert result.added == 1
    rows[0][5] = "向小琴"
    result = outlet_import.import_outlets("o.xlsx", xlsx(OUTLET_HEADER, rows))
    assert result.updated == 1
    outlet = db.session.scalar(select(Outlet))
    assert outlet.contact_name == "向小琴" and outlet.township.name == "鹿鸣乡"


@pytest.mark.parametrize(
    ("cell", "value", "column"),
    [
        (1, "火星乡", "乡镇"),
        (3, "abc", "纬度"),
        (6, "123", "联系电话"),
        (0, "鹿鸣乡农资店", "网点名称"),
    ],
)
def test_a_bad_outlet_row_is_named_and_nothing_is_written(place, cell, value, column):
    good = ["鹿鸣乡农资店", "鹿鸣乡", "场镇街 12 号", 29.35, 108.29, "冉光明", "13896012345"]
    bad = ["白果农资店", "500243104", "白果村 1 组", 29.36, 108.30, "向小琴", "13896012346"]
    bad[cell] = value
    with pytest.raises(SheetError) as refused:
        outlet_import.import_outlets("o.xlsx", xlsx(OUTLET_HEADER, [good, bad]))
    assert (3, column) in [(e.row, e.column) for e in refused.value.errors]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Outlet.id))) == 0
