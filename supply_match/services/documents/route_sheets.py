"""Route sheets (配送单): one printable A4 sheet per run, and a day's sheets as one PDF.

A sheet carries what a volunteer needs without the phone: the load list per outlet, the
stops in order with household, mobile, place and items and a column to sign, the QR code of
the volunteer's link and a small map of the run.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from supply_match import labels
from supply_match.extensions import db
from supply_match.i18n import service_title
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    OrderLine,
    RenderedDocument,
    StopItem,
    Village,
    Volunteer,
)
from supply_match.queue import enqueue
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.documents import svg_map
from supply_match.services.planning.distances import road_network_loaded
from supply_match.services.supply.amounts import pricing_loads, stop_dues
from supply_match.services.unit_of_work import after_commit, use_case

# Sheets are printed for volunteers and farmers: Chinese unless the dispatcher who asks
# reads English (the worker's sheets made ahead of time are Chinese).
SHEET_LOCALE = "zh_Hans_CN"
RENDER_TASK = "render_sheets"
SHEETS_TEMPLATE = "sheets/route_sheets.html"


def clock(seconds: int) -> str:
    """Seconds after midnight as ``HH:MM``."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def quantity_text(quantity: Decimal) -> str:
    """A quantity without trailing zeros (``2``, ``1.5``)."""
    return f"{quantity.normalize():f}"


def goods_text(product, quantity: Decimal) -> str:
    """A product and its quantity in words: ``尿素 2袋``."""
    return f"{product.name} {quantity_text(quantity)}{product.unit}"


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
    due_fen: int | None = 0  # to collect at the door; None while a price is missing
    part: tuple[int, int] | None = None  # (k, n): the household's k-th of n stops that day


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
    trip: int = 1  # which trip of the volunteer's day
    link: str = ""
    qr_svg: str = ""  # for the browser
    qr_png: str = ""  # the same code as a PNG data URI, for the PDF
    map_svg: str = ""
    distances_estimated: bool = False  # straight line times circuity: no road network loaded
    version: int = 0  # the plan version the run last changed in: an older printout is stale

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.load), Decimal(0))

    @property
    def cash_to_collect_fen(self) -> int | None:
        dues = [stop.due_fen for stop in self.stops]
        return None if None in dues else sum(dues)


def qr_code(link: str) -> segno.QRCode:
    """The QR code of ``link`` (medium error correction)."""
    return segno.make(link, error="m")


def qr_svg(link: str, scale: int = 3) -> str:
    """The QR code of ``link`` as inline SVG, ``scale`` pixels per module."""
    return qr_code(link).svg_inline(scale=scale, border=1)


# Pixels per module of the PNG: about 240 dpi at the sheet's 30 mm, so that the code stays
# sharp even where a viewer or printer smooths images.
QR_PNG_SCALE = 8


def qr_png_data_uri(code: segno.QRCode) -> str:
    """The code as a black and white PNG. WeasyPrint draws an image much faster than the
    SVG path of hundreds of modules, and the PDF carries a small image instead of a path."""
    return code.png_data_uri(scale=QR_PNG_SCALE, border=1)


@functools.lru_cache(maxsize=256)
def qr_images(link: str) -> tuple[str, str]:
    """The sheet's QR code of ``link`` as inline SVG and as a PNG data URI. Kept per
    process: a link changes only when it is renewed, and encoding the codes was half the
    time of every PDF request, also when the PDF itself was already kept (its digest is
    taken over the HTML the codes are part of)."""
    code = qr_code(link)
    return code.svg_inline(scale=3, border=1), qr_png_data_uri(code)


def run_map(run: DeliveryRun, colour_index: int, width: int = 520, height: int = 300) -> str:
    """A small SVG map (``width`` x ``height`` pixels) of one run from its outlet."""
    outlet = run.outlet
    points = [(outlet.lat, outlet.lon)] + [(s.lat, s.lon) for s in run.stops]
    layer = svg_map.MapLayer(
        runs=[
            svg_map.MapRun(svg_map.run_colour(colour_index), points, [s.label for s in run.stops])
        ],
        outlets=[(outlet.lat, outlet.lon, outlet.name)],
    )
    return svg_map.render(
        layer, width, height, title=_("%(name)s's run", name=run.volunteer.name), tooltips=False
    )


def _collection_label(stop: DeliveryStop) -> str:
    contact = stop.village.collection_contact
    return f"{stop.label}（{contact}）" if contact else stop.label


def household_parts(runs: Sequence[DeliveryRun]) -> dict[int, tuple[int, int]]:
    """Stop id -> (k, n) for the stops of a household visited n times over ``runs`` (a
    day's plan), in the order of the runs and their stops: the sheet says "part k of n"."""
    visits: dict[int, list[int]] = defaultdict(list)
    for run in runs:
        for stop in run.stops:
            if stop.household_id is not None:
                visits[stop.household_id].append(stop.id)
    return {
        stop_id: (k, len(stop_ids))
        for stop_ids in visits.values()
        if len(stop_ids) > 1
        for k, stop_id in enumerate(stop_ids, start=1)
    }


# (product name, unit) -> [quantity, weight in kg] to load at the outlet.
Loaded = dict[tuple[str, str], list[Decimal]]


def _sheet_stops(
    run: DeliveryRun,
    load: Loaded,
    parts: Mapping[int, tuple[int, int]],
    dues: Mapping[int, int | None] | None,
) -> list[SheetStop]:
    """The run's stops as the sheet lists them; adds each stop's goods to ``load``;
    ``dues`` the amount to collect by stop id when read for the whole plan at once."""
    stops = []
    dues = dues if dues is not None else stop_dues(run.stops)
    for number, stop in enumerate(run.stops, start=1):
        texts = []
        for item in stop.items:
            product = item.order_line.product
            entry = load[(product.name, product.unit)]
            entry[0] += item.quantity
            entry[1] += item.quantity * product.unit_weight_kg
            texts.append(goods_text(product, item.quantity))
        household = stop.household
        place = f"{stop.village.township.name}{stop.village.name}"
        if household is not None:
            place = labels.village_group(place, household.group_no)
        stops.append(
            SheetStop(
                number=number,
                arrival=clock(stop.arrival_s),
                label=household.name if household else _collection_label(stop),
                # A collection point's stop gives whom to call there.
                mobile=household.mobile if household else (stop.village.collection_mobile or ""),
                place=place if stop.delivery_point != "collection" else f"{place} {stop.label}",
                items=_("; ").join(texts),
                weight_kg=stop.weight_kg,
                due_fen=dues[stop.id],
                part=parts.get(stop.id),
            )
        )
    return stops


def build_sheet(
    run: DeliveryRun,
    link: str,
    colour_index: int = 0,
    *,
    distances_estimated: bool = False,
    parts: Mapping[int, tuple[int, int]] | None = None,
    dues: Mapping[int, int | None] | None = None,
) -> RouteSheet:
    """The sheet of one run; ``link`` is the volunteer's page, shown as text and QR code;
    ``distances_estimated`` says the distance is a straight-line estimate; ``parts``
    (``household_parts``) marks a household's stops when it is visited more than once;
    ``dues`` the amount to collect by stop id, read for the whole plan at once."""
    volunteer = run.volunteer
    qr_svg_text, qr_png = qr_images(link)
    load: Loaded = defaultdict(lambda: [Decimal(0), Decimal(0)])
    stops = _sheet_stops(run, load, parts or {}, dues)
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
        trip=run.trip,
        link=link,
        qr_svg=qr_svg_text,
        qr_png=qr_png,
        map_svg=run_map(run, colour_index),
        distances_estimated=distances_estimated,
        version=run.version,
    )


def load_for_sheets(plan: DeliveryPlan) -> list[DeliveryRun]:
    """Load the plan's runs with all that their sheets show, in a handful of queries
    instead of several per stop. Runs already in the session are the same objects, filled
    in where not yet loaded; what is loaded already keeps its state."""
    stops = selectinload(DeliveryRun.stops)
    # What a run, stop or item has one of is joined into its own query.
    return list(
        db.session.scalars(
            select(DeliveryRun)
            .where(DeliveryRun.plan_id == plan.id)
            .options(
                joinedload(DeliveryRun.volunteer),
                joinedload(DeliveryRun.outlet),
                stops.joinedload(DeliveryStop.household),
                stops.joinedload(DeliveryStop.village).joinedload(Village.township),
                stops.selectinload(DeliveryStop.items)
                .joinedload(StopItem.order_line)
                .joinedload(OrderLine.product),
                # What the amounts to collect are read from.
                stops.selectinload(DeliveryStop.items)
                .selectinload(StopItem.order)
                .options(*pricing_loads()),
            )
        )
    )


def sheets_for_plan(
    plan: DeliveryPlan, link_for: Callable[[Volunteer], str], locale: str = SHEET_LOCALE
) -> list[RouteSheet]:
    """One sheet per run, in the order of ``plan.runs``, worded in ``locale``."""
    runs = plan.runs
    load_for_sheets(plan)  # fills in the same run objects
    estimated = not road_network_loaded()
    # The colours of the plan page's map: runs near one another differ.
    colours = svg_map.colour_indices([[(s.lat, s.lon) for s in run.stops] for run in runs])
    parts = household_parts(runs)
    dues = stop_dues(stop for run in runs for stop in run.stops)
    with force_locale(locale):
        return [
            build_sheet(
                run,
                link_for(run.volunteer),
                colour,
                distances_estimated=estimated,
                parts=parts,
                dues=dues,
            )
            for run, colour in zip(runs, colours, strict=True)
        ]


def render_html(
    sheets: list[RouteSheet], *, for_pdf: bool = False, locale: str = SHEET_LOCALE
) -> str:
    """The sheets as one HTML page in ``locale`` (Chinese by default). Rendered with the
    app's templates and no request, so the worker can lay out a PDF; the browser page
    (``for_pdf=False``) links the stylesheet with ``url_for`` and so needs a request."""
    template = current_app.jinja_env.get_template(SHEETS_TEMPLATE)
    with force_locale(locale):
        return template.render(sheets=sheets, for_pdf=for_pdf, quantity_text=quantity_text)


# Documents kept in the database, newest first; older ones are deleted as new ones come.
KEEP_DOCUMENTS = 20
DOCUMENT_KIND = "route_sheets_pdf"


def render_pdf(
    sheets: list[RouteSheet], *, cache: bool = True, locale: str = SHEET_LOCALE
) -> bytes:
    """All sheets as one PDF, each run starting on a page of its own (kept: see
    ``kept_pdf``). Flushes the kept document; ``pdf_for_plan`` is the use case that
    commits it."""
    stylesheet = Path(current_app.static_folder) / "css" / "route_sheet.css"
    return kept_pdf(
        document_digest(SHEETS_TEMPLATE, stylesheet, locale, repr(sheets)),
        lambda: render_html(sheets, for_pdf=True, locale=locale),
        stylesheet,
        DOCUMENT_KIND,
        cache=cache,
    )


def document_digest(template_name: str, stylesheet: Path, locale: str, content: str) -> str:
    """A digest of everything a document is made from: the template's source, the
    stylesheet, the language's compiled catalogue, WeasyPrint's version, the service
    title the page shows, and ``content``, the ``repr`` of the dataclasses the template
    is given (which hold every value it shows). Taken over these rather than over the
    HTML, a document kept already comes back without its HTML being made: that was a
    third of every PDF request."""
    source, _path, _uptodate = current_app.jinja_env.loader.get_source(
        current_app.jinja_env, template_name
    )
    with force_locale(locale):
        title = service_title()
    parts = (
        _weasyprint_version(),
        source,
        stylesheet.read_text(encoding="utf-8"),
        locale,
        _catalogue_digest(locale),
        title,
        content,
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


@functools.cache
def _weasyprint_version() -> str:
    """Read from the installed package's metadata: importing WeasyPrint to ask took half a
    second of the first PDF request in each web process, even when the PDF was kept."""
    return importlib.metadata.version("weasyprint")


def _catalogue_digest(locale: str) -> str:
    """The compiled messages of ``locale`` (none for the English msgids), by content."""
    path = Path(current_app.root_path) / "translations" / locale / "LC_MESSAGES" / "messages.mo"
    try:
        return _file_digest(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        return ""


@functools.lru_cache(maxsize=8)
def _file_digest(path: Path, _mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kept_pdf(
    digest: str,
    make_html: Callable[[], str],
    stylesheet: Path,
    kind: str,
    *,
    cache: bool = True,
) -> bytes:
    """The HTML ``make_html`` gives laid out as a PDF with ``stylesheet``, by WeasyPrint.

    Kept in ``RenderedDocument`` under ``digest`` (``document_digest``: of everything
    the document is made from), so the same document asked for again, by any web
    process, comes back at once, and a changed plan can never be answered with an old
    PDF. Each ``kind`` (route sheets, households' slips) keeps its own newest
    ``KEEP_DOCUMENTS``. Flushes the kept document; the caller's use case commits it.
    """
    if cache:
        kept = db.session.get(RenderedDocument, digest)
        if kept is not None:
            return kept.content
    import weasyprint  # half a second to import: only where a PDF is laid out

    css = stylesheet.read_text(encoding="utf-8")
    pdf = weasyprint.HTML(string=make_html()).write_pdf(
        stylesheets=[weasyprint.CSS(string=css, base_url=str(stylesheet))]
    )
    if cache:
        _keep(digest, kind, pdf)
    return pdf


def _keep(digest: str, kind: str, pdf: bytes) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(RenderedDocument(digest=digest, kind=kind, content=pdf))
    except IntegrityError:
        return  # another process rendered the same document at the same time
    old = db.session.scalars(
        select(RenderedDocument.digest)
        .where(RenderedDocument.kind == kind)
        .order_by(RenderedDocument.created_at.desc())
        .offset(KEEP_DOCUMENTS)
    ).all()
    if old:
        db.session.execute(delete(RenderedDocument).where(RenderedDocument.digest.in_(old)))


@use_case
def pdf_for_plan(
    plan: DeliveryPlan, link_for: Callable[[Volunteer], str], locale: str = SHEET_LOCALE
) -> bytes:
    """The plan's sheets as one PDF in ``locale``, kept (committed) for the next request
    that asks (each language is a document of its own)."""
    return render_pdf(sheets_for_plan(plan, link_for, locale), locale=locale)


def queue_sheets(plan: DeliveryPlan, site_url: str | None) -> None:
    """Have the worker lay out the plan's sheets once the current change is committed: the
    PDF takes seconds, so it is made before anyone asks. ``site_url`` is the base of the
    volunteers' links (their digest must be the one the dispatcher's request makes); with
    none known, nothing is queued and the PDF is made when asked for."""
    if not site_url:
        return
    plan_id = plan.id
    after_commit(lambda: enqueue(RENDER_TASK, plan_id, site_url))


@use_case
def prerender(plan_id: int, page_url: Callable[[str], str]) -> bool:
    """Render a plan's sheets ahead of the dispatcher's click (the worker does this after a
    plan changes) and keep the PDF. ``page_url`` turns a volunteer's token into the link
    their request will show, so the digest is the one that request makes. False when the
    plan is gone or has no runs."""
    plan = db.session.get(DeliveryPlan, plan_id)
    if plan is None or not plan.runs:
        return False
    render_pdf(
        sheets_for_plan(plan, lambda volunteer: volunteer_links.link_for(volunteer, page_url))
    )
    return True
