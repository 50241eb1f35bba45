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
from flask_babel import lazy_gettext as _l
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

CODE = Column(
    "code",
    "代码",
    aliases=("行政区划代码", "编码"),
    example="500243104201",
    width=16,
    english="Code",
)
NAME = Column(
    "name", "名称", aliases=("乡镇/村", "村名", "乡镇"), example="鹿鸣村", width=14, english="Name"
)
PINYIN = Column(
    "name_pinyin",
    "拼音",
    required=False,
    aliases=("pinyin",),
    example="",
    width=12,
    english="Pinyin",
)
LAT = Column("lat", "纬度", aliases=("lat",), example="29.3512", width=11, english="Latitude")
LON = Column("lon", "经度", aliases=("lon",), example="108.2931", width=11, english="Longitude")
SYSTEM = Column(
    "coordinates", "坐标系", required=False, example="WGS84", width=10, english="Coordinate system"
)
POINT = Column(
    "collection_point",
    "收货点",
    required=False,
    example="鹿鸣村村委会",
    width=18,
    english="Collection point",
)
POINT_LAT = Column(
    "collection_lat",
    "收货点纬度",
    required=False,
    example="29.3515",
    width=11,
    english="Collection point latitude",
)
POINT_LON = Column(
    "collection_lon",
    "收货点经度",
    required=False,
    example="108.2935",
    width=11,
    english="Collection point longitude",
)
CONTACT = Column(
    "collection_contact",
    "收货点联系人",
    required=False,
    example="冉德福",
    width=12,
    english="Collection point contact",
)
MOBILE = Column(
    "collection_mobile",
    "收货点电话",
    required=False,
    example="13896412345",
    width=14,
    english="Collection point mobile",
)
GROUPS = Column(
    "group_count",
    "村民小组数",
    required=False,
    aliases=("组数",),
    example="6",
    width=10,
    english="Village groups",
)
PLACE_COLUMNS = [CODE, NAME, PINYIN, LAT, LON, SYSTEM, POINT, POINT_LAT, POINT_LON, CONTACT]
PLACE_COLUMNS += [MOBILE, GROUPS]
HEADERS = {column.key: column for column in PLACE_COLUMNS}

TEMPLATE_NOTES = [
    _l(
        "One row per township (9-digit code) or village (12-digit code); a code begins with the county's 6 digits, and a village's with its township's 9."
    ),
    _l(
        "A township's name is its official one, ending in the Chinese word for subdistrict, town or township; township rows may share a sheet with their villages."
    ),
    _l(
        "Coordinate system: WGS84 (the default) or GCJ02 (coordinates copied from Amap or Tencent Maps are converted)."
    ),
    _l(
        "A collection point (the village's, usually the village committee) without coordinates takes the village's; its contact and mobile are printed on route sheets."
    ),
    _l(
        "Known codes are updated, so a corrected sheet can be imported again; with any error nothing of the sheet is imported."
    ),
]


@dataclass
class PlaceImportResult:
    townships_added: int = 0
    townships_updated: int = 0
    villages_added: int = 0
    villages_updated: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(PLACE_COLUMNS, _("Townships and villages"), TEMPLATE_NOTES)


def _record_errors(errors: RowErrors, row: sheets.Row, error: PlaceError) -> None:
    for key, message in error.errors.items():
        errors.at(row, HEADERS.get(key, CODE), message)


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
            _record_errors(errors, row, error)
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
            errors.at(row, CODE, _("Repeats the code of row %(row)s.", row=seen[code]))
            continue
        if code:
            seen[code] = row.number
        if len(code) not in (9, 12):
            errors.at(
                row,
                CODE,
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
    return sheets.write_xlsx(PLACE_COLUMNS, rows, _("Townships and villages"))
