"""Small helpers the supply, catalogue, import, intake and API views share: reading
query arguments without ever failing with a 500, and answering with a workbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from flask import Response, request
from flask_babel import gettext as _

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> Response:
    """A download; the Chinese file name goes in RFC 5987 form, with an ASCII fallback."""
    response = Response(data, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)


def page_arg() -> int:
    page = request.args.get("page", type=int) or 1
    return max(page, 1)


def parse_date(text: str | None, errors: dict[str, str], key: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or None when blank; a bad one adds an error under ``key``."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = _("Please enter the date as YYYY-MM-DD, for example 2020-03-02.")
        return None


def parse_float(text: str | None, errors: dict[str, str], key: str) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[key] = _("Please enter a number.")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors[key] = _("Please enter a number.")
        return None
    return value


def parse_decimal(text: str | None, errors: dict[str, str], key: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        errors[key] = _("Please enter a number.")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[key] = _("Please enter a number.")
        return None
    if not value.is_finite():
        errors[key] = _("Please enter a number.")
        return None
    return value
