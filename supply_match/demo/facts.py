"""The facts the demo is built from, read from the CSV files shipped in ``data/``.

``townships.csv`` is the county's 39 township-level divisions with their official codes.
``township_coordinates.csv`` places their centres: no surveyed source was at hand, so the
positions are placed by hand inside the county (seat at the Wujiang-Yujiang confluence,
the Wujiang running north-south through the middle) and marked approximate;
``flask load-coordinates`` replaces them with surveyed ones. ``products.csv`` is a spring
planting catalogue for the Chongqing mountains with how often, how much and when a
household orders each, and how well stocked the county is against that demand.
``outlets.csv`` lists the sales points (农资销售网点) and their share of the stock.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The county's extent (WGS-84), from the county's published description.
COUNTY_LAT = (28.95, 29.85)
COUNTY_LON = (107.80, 108.60)


@dataclass(frozen=True)
class TownshipFact:
    code: str
    name: str
    pinyin: str
    kind: str
    lat: float
    lon: float
    approximate: bool  # placed by hand, not surveyed


@dataclass(frozen=True)
class ProductFact:
    code: str
    name: str
    category: str
    unit: str
    unit_weight_kg: Decimal
    hazard_class: str | None
    popularity: int  # relative chance that an order line is this product
    qty_min: int
    qty_max: int
    qty_step: int
    # County stock against demand: below 1 means this product will run short.
    supply_ratio: float
    # When farmers want it delivered in spring 2020 (the crop calendar of the mountains:
    # potato and rice nurseries first, maize sowing and top dressing later).
    season_from: date
    season_to: date


@dataclass(frozen=True)
class OutletFact:
    name: str
    township_code: str
    address: str
    opens_at: time
    closes_at: time
    contact_name: str
    share: float  # relative share of the county's stock


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _spring_2020(text: str) -> date:
    month, day = text.split("-")
    return date(2020, int(month), int(day))


@cache
def townships() -> tuple[TownshipFact, ...]:
    places = {row["code"]: row for row in _rows("township_coordinates.csv")}
    return tuple(
        TownshipFact(
            code=row["code"],
            name=row["name_zh"],
            pinyin=row["name_pinyin"],
            kind=row["kind"],
            lat=float(places[row["code"]]["lat"]),
            lon=float(places[row["code"]]["lon"]),
            approximate=places[row["code"]]["approximate"].strip().lower() != "false",
        )
        for row in _rows("townships.csv")
    )


@cache
def products() -> tuple[ProductFact, ...]:
    return tuple(
        ProductFact(
            code=row["code"],
            name=row["name"],
            category=row["category"],
            unit=row["unit"],
            unit_weight_kg=Decimal(row["unit_weight_kg"]),
            hazard_class=row["hazard_class"] or None,
            popularity=int(row["popularity"]),
            qty_min=int(row["qty_min"]),
            qty_max=int(row["qty_max"]),
            qty_step=int(row["qty_step"]),
            supply_ratio=float(row["supply_ratio"]),
            season_from=_spring_2020(row["season_from"]),
            season_to=_spring_2020(row["season_to"]),
        )
        for row in _rows("products.csv")
    )


@cache
def outlets() -> tuple[OutletFact, ...]:
    return tuple(
        OutletFact(
            name=row["name"],
            township_code=row["township_code"],
            address=row["address"],
            opens_at=_time(row["opens_at"]),
            closes_at=_time(row["closes_at"]),
            contact_name=row["contact_name"],
            share=float(row["share"]),
        )
        for row in _rows("outlets.csv")
    )


def in_county(lat: float, lon: float) -> bool:
    return COUNTY_LAT[0] <= lat <= COUNTY_LAT[1] and COUNTY_LON[0] <= lon <= COUNTY_LON[1]
