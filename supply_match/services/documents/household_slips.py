"""Delivery slips (送货单): one A6 slip per household and stop, four to an A4 page,
printed at the outlet and stuck on the household's bag. A slip names the household, its
village and group, the goods, the day, the volunteer who brings them, and carries the QR
code of the household's own page (``delivery.household_page``).

The bag labels (``outlets.packing``) are the outlet's own marks for packing; a slip is
what the household keeps. HTML for the browser's print, and a PDF laid out by WeasyPrint,
made by the worker after each publish (``tasks.render_sheets``) and kept like the route
sheets (``route_sheets.kept_pdf``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match import labels
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Household,
    Order,
    OrderLine,
    Outlet,
    PlanStatus,
    StopItem,
    Village,
)
from supply_match.services.delivery import household_page
from supply_match.services.documents import route_sheets
from supply_match.services.errors import NotFoundError
from supply_match.services.unit_of_work import use_case

SLIP_LOCALE = route_sheets.SHEET_LOCALE
SLIPS_PER_PAGE = 4
DOCUMENT_KIND = "household_slips_pdf"
STYLESHEET = "household_slips.css"
SLIPS_TEMPLATE = "household/slips.html"


@dataclass(frozen=True)
class Slip:
    household: str
    mobile: str
    place: str  # township, village and group
    goods: list[str]
    day: date
    volunteer: str
    volunteer_mobile: str
    trip: int
    stop_number: int
    outlet: str
    link: str
    qr_svg: str  # for the browser
    qr_png: str  # the same code as a PNG, for the PDF


def _run_options():
    stops = selectinload(DeliveryRun.stops)
    items = stops.selectinload(DeliveryStop.items)
    return (
        selectinload(DeliveryRun.volunteer),
        selectinload(DeliveryRun.outlet),
        selectinload(DeliveryRun.plan),
        items.selectinload(StopItem.order_line).selectinload(OrderLine.product),
        items.selectinload(StopItem.order)
        .selectinload(Order.household)
        .selectinload(Household.village)
        .selectinload(Village.township),
    )


def published_plan(day: date) -> DeliveryPlan | None:
    return db.session.scalar(
        select(DeliveryPlan).where(
            DeliveryPlan.delivery_date == day, DeliveryPlan.status == PlanStatus.PUBLISHED
        )
    )


def outlet_day_runs(outlet: Outlet, day: date) -> list[DeliveryRun]:
    """The runs of the day's published plan that load at ``outlet``; ``NotFoundError``
    while no plan of the day is published (a draft still changes: no slip for it)."""
    plan = published_plan(day)
    if plan is None:
        raise NotFoundError()
    return list(
        db.session.scalars(
            select(DeliveryRun)
            .where(DeliveryRun.plan_id == plan.id, DeliveryRun.outlet_id == outlet.id)
            .options(*_run_options())
            .order_by(DeliveryRun.position, DeliveryRun.id)
        )
    )


def published_run(run_id: int) -> DeliveryRun:
    """One run of a published plan, or ``NotFoundError``."""
    run = db.session.scalar(
        select(DeliveryRun)
        .join(DeliveryPlan)
        .where(DeliveryRun.id == run_id, DeliveryPlan.status == PlanStatus.PUBLISHED)
        .options(*_run_options())
    )
    if run is None:
        raise NotFoundError()
    return run


def _stop_slips(run: DeliveryRun, stop: DeliveryStop, page_url: Callable[[str], str]):
    by_household: dict[int, list[StopItem]] = defaultdict(list)
    for item in stop.items:
        by_household[item.order.household_id].append(item)
    for household_id in sorted(by_household):
        items = by_household[household_id]
        household = items[0].order.household
        village = household.village
        link = household_page.link_for(household, page_url)
        code = route_sheets.qr_code(link)
        yield Slip(
            household=household.name,
            mobile=household.mobile,
            place=labels.village_group(
                f"{village.township.name}{village.name}", household.group_no
            ),
            goods=[
                route_sheets.goods_text(item.order_line.product, item.quantity) for item in items
            ],
            day=run.plan.delivery_date,
            volunteer=run.volunteer.name,
            volunteer_mobile=run.volunteer.mobile,
            trip=run.trip,
            stop_number=stop.position + 1,
            outlet=run.outlet.name,
            link=link,
            qr_svg=code.svg_inline(scale=2, border=1),
            qr_png=route_sheets.qr_png_data_uri(code),
        )


def slips_for_runs(
    runs: list[DeliveryRun], page_url: Callable[[str], str], locale: str = SLIP_LOCALE
) -> list[Slip]:
    """One slip per household and stop, run by run in loading order (the last stop's bags
    go in first, as on the packing list), worded in ``locale``; ``page_url`` turns a
    household's token into its page's URL (``urls.household_link_builder``)."""
    with force_locale(locale):
        return [
            slip
            for run in runs
            for stop in reversed(run.stops)
            for slip in _stop_slips(run, stop, page_url)
        ]


def render_html(
    slips: list[Slip], *, for_pdf: bool = False, title: str = "", locale: str = SLIP_LOCALE
) -> str:
    """The slips as one page to print, four to an A4 sheet, in ``locale``: Chinese, the
    household reads them, unless the one who asks reads English (as the route sheets).
    Rendered without a request for the worker's PDF; the browser page (``for_pdf=False``)
    links the stylesheet with ``url_for`` and so needs a request."""
    template = current_app.jinja_env.get_template(SLIPS_TEMPLATE)
    with force_locale(locale):
        return template.render(
            pages=[slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)],
            for_pdf=for_pdf,
            title=title or _("Delivery slips"),
        )


def render_pdf(
    slips: list[Slip], *, title: str = "", cache: bool = True, locale: str = SLIP_LOCALE
) -> bytes:
    """The slips as a PDF (kept by a digest of what it shows; flushes, never commits)."""
    stylesheet = Path(current_app.static_folder) / "css" / STYLESHEET
    return route_sheets.kept_pdf(
        route_sheets.document_digest(SLIPS_TEMPLATE, stylesheet, locale, repr((title, slips))),
        lambda: render_html(slips, for_pdf=True, title=title, locale=locale),
        stylesheet,
        DOCUMENT_KIND,
        cache=cache,
    )


def outlet_day_title(outlet: Outlet, day: date, locale: str = SLIP_LOCALE) -> str:
    with force_locale(locale):
        return _("Delivery slips %(outlet)s %(day)s", outlet=outlet.name, day=day.isoformat())


@use_case
def pdf_for_outlet_day(
    outlet: Outlet, day: date, page_url: Callable[[str], str], locale: str = SLIP_LOCALE
) -> bytes:
    """The slips of every run loading at ``outlet`` on ``day``, as one PDF in ``locale``
    (kept, committed, for the next request)."""
    slips = slips_for_runs(outlet_day_runs(outlet, day), page_url, locale)
    return render_pdf(slips, title=outlet_day_title(outlet, day, locale), locale=locale)


@use_case
def pdf_for_run(
    run: DeliveryRun, page_url: Callable[[str], str], locale: str = SLIP_LOCALE
) -> bytes:
    """One run's slips as a PDF in ``locale`` (kept, committed)."""
    return render_pdf(slips_for_runs([run], page_url, locale), locale=locale)


@use_case
def prerender(plan_id: int, page_url: Callable[[str], str]) -> int:
    """Lay out each outlet's slips of a published plan ahead of the outlet's click (the
    worker does this after a plan changes); the number of PDFs made. A draft has none."""
    plan = db.session.get(DeliveryPlan, plan_id)
    if plan is None or plan.status != PlanStatus.PUBLISHED:
        return 0
    outlets = sorted({run.outlet for run in plan.runs}, key=lambda outlet: outlet.id)
    for outlet in outlets:
        slips = slips_for_runs(outlet_day_runs(outlet, plan.delivery_date), page_url)
        render_pdf(slips, title=outlet_day_title(outlet, plan.delivery_date))
    return len(outlets)
