"""Route sheets (配送单): one printable A4 sheet per run, and a day's sheets as one PDF.

A sheet carries what a volunteer needs without the phone: the load list per outlet, the
stops in order with household, mobile, place and items and a column to sign, the QR code of
the volunteer's link and a small map of the run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import segno
from flask import current_app, render_template
from flask_babel import force_locale

from supply_match import labels
from supply_match.models import DeliveryPlan, DeliveryRun, Volunteer
from supply_match.services import svg_map

SHEET_LOCALE = "zh_Hans_CN"


def clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def quantity_text(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


@dataclass
class LoadLine:
    product: str
    unit: str
    quantity: Decimal
    weight_kg: Decimal


@dataclass
class SheetStop:
    number: int
    arrival: str
    label: str
    mobile: str
    place: str
    items: str
    weight_kg: Decimal


@dataclass
class RouteSheet:
    day: date
    volunteer: str
    volunteer_mobile: str
    vehicle: str
    plate: str
    payload_kg: int
    outlet: str
    outlet_address: str
    start: str
    end: str
    distance_km: float
    load: list[LoadLine] = field(default_factory=list)
    stops: list[SheetStop] = field(default_factory=list)
    link: str = ""
    qr_svg: str = ""
    map_svg: str = ""

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.load), Decimal(0))


def qr_svg(link: str, scale: int = 3) -> str:
    return segno.make(link, error="m").svg_inline(scale=scale, border=1)


def run_map(run: DeliveryRun, colour_index: int, width: int = 520, height: int = 300) -> str:
    outlet = run.outlet
    points = [(outlet.lat, outlet.lon)] + [(s.lat, s.lon) for s in run.stops]
    layer = svg_map.MapLayer(
        runs=[
            svg_map.MapRun(svg_map.run_colour(colour_index), points, [s.label for s in run.stops])
        ],
        outlets=[(outlet.lat, outlet.lon, outlet.name)],
    )
    return svg_map.render(layer, width, height, title=f"{run.volunteer.name} 的配送路线")


def build_sheet(run: DeliveryRun, link: str, colour_index: int = 0) -> RouteSheet:
    volunteer = run.volunteer
    load: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    stops = []
    for number, stop in enumerate(run.stops, start=1):
        texts = []
        for item in stop.items:
            product = item.order_line.product
            entry = load[(product.name, product.unit)]
            entry[0] += item.quantity
            entry[1] += item.quantity * product.unit_weight_kg
            texts.append(f"{product.name} {quantity_text(item.quantity)}{product.unit}")
        household = stop.household
        place = f"{stop.village.township.name}{stop.village.name}"
        if household is not None:
            place += f"{household.group_no}组"
        stops.append(
            SheetStop(
                number=number,
                arrival=clock(stop.arrival_s),
                label=household.name if household else stop.label,
                mobile=household.mobile if household else "",
                place=place if stop.delivery_point != "collection" else f"{place} {stop.label}",
                items="；".join(texts),
                weight_kg=stop.weight_kg,
            )
        )
    return RouteSheet(
        day=run.plan.delivery_date,
        volunteer=volunteer.name,
        volunteer_mobile=volunteer.mobile,
        vehicle=labels.label(labels.VEHICLE_TYPES, volunteer.vehicle_type),
        plate=volunteer.plate or "",
        payload_kg=volunteer.payload_kg,
        outlet=run.outlet.name,
        outlet_address=run.outlet.address,
        start=clock(run.start_s),
        end=clock(run.end_s),
        distance_km=round(run.distance_m / 1000, 1),
        load=[LoadLine(name, unit, q, w) for (name, unit), (q, w) in sorted(load.items())],
        stops=stops,
        link=link,
        qr_svg=qr_svg(link),
        map_svg=run_map(run, colour_index),
    )


def sheets_for_plan(plan: DeliveryPlan, link_for: Callable[[Volunteer], str]) -> list[RouteSheet]:
    # Sheets are printed for volunteers and farmers: always in Chinese.
    with force_locale(SHEET_LOCALE):
        return [
            build_sheet(run, link_for(run.volunteer), index) for index, run in enumerate(plan.runs)
        ]


def render_html(sheets: list[RouteSheet], *, for_pdf: bool = False) -> str:
    with force_locale(SHEET_LOCALE):
        return render_template(
            "sheets/route_sheets.html", sheets=sheets, for_pdf=for_pdf, quantity_text=quantity_text
        )


def render_pdf(sheets: list[RouteSheet]) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = Path(current_app.static_folder) / "css" / "route_sheet.css"
    html = render_html(sheets, for_pdf=True)
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(stylesheet))])
