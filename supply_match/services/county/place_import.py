"""Townships and villages from one sheet, and the sheet of what is entered.

A row with a 9-digit code is a township, one with a 12-digit code a village; the
townships are read first, so a sheet may hold a township and its villages together. A
code already entered updates its place, so a corrected sheet can be imported again.
Every row is checked by the same rules as the forms (services/county/places.py); on any
error ``SheetError`` names each bad cell by row and column and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Township, Village
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county.places import (
    PlaceError,
    cell_text,
    check_township,
    check_village,
    write_place,
)
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.unit_of_work import use_case

CODE = Column("code", "代码", aliases=("行政区划代码", "编码"), example="500243104201", width=16)
NAME = Column("name", "名称", aliases=("乡镇/村", "村名", "乡镇"), example="鹿鸣村", width=14)
PINYIN = Column("name_pinyin", "拼音", required=False, aliases=("pinyin",), example="", width=12)
LAT = Column("lat", "纬度", aliases=("lat",), example="29.3512", width=11)
LON = Column("lon", "经度", aliases=("lon",), example="108.2931", width=11)
SYSTEM = Column("coordinates", "坐标系", required=False, example="WGS84", width=10)
POINT = Column("collection_point", "收货点", required=False, example="鹿鸣村村委会", width=18)
POINT_LAT = Column("collection_lat", "收货点纬度", required=False, example="29.3515", width=11)
POINT_LON = Column("collection_lon", "收货点经度", required=False, example="108.2935", width=11)
CONTACT = Column("collection_contact", "收货点联系人", required=False, example="冉德福", width=12)
MOBILE = Column("collection_mobile", "收货点电话", required=False, example="13896412345", width=14)
GROUPS = Column(
    "group_count", "村民小组数", required=False, aliases=("组数",), example="6", width=10
)
PLACE_COLUMNS = [CODE, NAME, PINYIN, LAT, LON, SYSTEM, POINT, POINT_LAT, POINT_LON, CONTACT]
PLACE_COLUMNS += [MOBILE, GROUPS]
HEADERS = {column.key: column.header for column in PLACE_COLUMNS}

TEMPLATE_NOTES = [
    "每行一个乡镇（9 位代码）或一个村（12 位代码）；代码的前 6 位是本县代码，村代码的前 9 位是所属乡镇的代码。",
    "乡镇名称以“街道”“镇”或“乡”结尾；乡镇行可以和它的村在同一张表里。",
    "坐标系填 WGS84（默认）或 GCJ02（从高德、腾讯地图复制的坐标会自动换算）。",
    "收货点（村集中收货点，一般是村委会）不填坐标时用村的坐标；联系人和电话印在配送单上。",
    "已有的代码会被更新，所以改正后可以再次导入；有任何错误时整张表都不导入。",
]


@dataclass
class PlaceImportResult:
    townships_added: int = 0
    townships_updated: int = 0
    villages_added: int = 0
    villages_updated: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(PLACE_COLUMNS, "乡镇和村", TEMPLATE_NOTES)


def _record_errors(errors: RowErrors, row_number: int, error: PlaceError) -> None:
    for key, message in error.errors.items():
        errors.add(row_number, HEADERS.get(key, CODE.header), message)


def _upsert(rows, model, check, errors: RowErrors) -> tuple[int, int]:
    """Check and write each row's place, a new one or the one its code names; returns how
    many were added and updated."""
    existing = {place.code: place for place in db.session.scalars(select(model))}
    added = updated = 0
    for row in rows:
        place = existing.get(cell_text(row.values.get("code")))
        try:
            values = check(row.values, place)
        except PlaceError as error:
            _record_errors(errors, row.number, error)
            continue
        if place is None:
            place = model()
            db.session.add(place)
            added += 1
        else:
            updated += 1
        write_place(place, values)
        # Flushed so that later rows (a township's villages, name checks) see it.
        db.session.flush()
    return added, updated


@use_case
def import_places(filename: str, data: bytes) -> PlaceImportResult:
    """Add or update the townships and villages of a sheet; all of them or, on any bad
    cell, none (``SheetError`` lists them)."""
    rows = sheets.read_table(filename, data, PLACE_COLUMNS)
    errors = RowErrors()
    seen: dict[str, int] = {}
    township_rows, village_rows = [], []
    for row in rows:
        code = cell_text(row.values.get("code"))
        if code in seen:
            errors.add(
                row.number, CODE.header, _("Repeats the code of row %(row)s.", row=seen[code])
            )
            continue
        if code:
            seen[code] = row.number
        if len(code) not in (9, 12):
            errors.add(
                row.number,
                CODE.header,
                _("A township's code has 9 digits and a village's 12."),
            )
            continue
        (village_rows if len(code) == 12 else township_rows).append(row)

    result = PlaceImportResult()
    added, updated = _upsert(township_rows, Township, check_township, errors)
    result.townships_added, result.townships_updated = added, updated
    added, updated = _upsert(village_rows, Village, check_village, errors)
    result.villages_added, result.villages_updated = added, updated
    # Raising inside the unit of work rolls back the rows flushed above.
    errors.raise_if_any()
    audit.record_import(
        AuditKind.PLACE,
        filename,
        created=result.townships_added + result.villages_added,
        updated=result.townships_updated + result.villages_updated,
    )
    return result


def export_xlsx() -> bytes:
    """Every township, then its villages, in the import's own columns."""
    rows = []
    for township in db.session.scalars(select(Township).order_by(Township.code)):
        rows.append([township.code, township.name, township.name_pinyin, township.lat,
                     township.lon, "WGS84", "", "", "", "", "", ""])  # fmt: skip
        for village in township.villages:
            rows.append([
                village.code, village.name, "", village.lat, village.lon, "WGS84",
                village.collection_point, village.collection_lat, village.collection_lon,
                village.collection_contact or "", village.collection_mobile or "",
                village.group_count,
            ])  # fmt: skip
    return sheets.write_xlsx(PLACE_COLUMNS, rows, "乡镇和村")
