"""Small helpers the supply, catalogue, import, intake and API views share: reading
query arguments without ever failing with a 500, and answering with a workbook."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from supply_match.services.fields import (  # noqa: F401  (the views import them from here)
    parse_date,
    parse_decimal,
    parse_float,
    parse_whole,
    record_id,
)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> Response:
    """A download; the Chinese file name goes in RFC 5987 form, with an ASCII fallback."""
    response = Response(data, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def int_arg(name: str) -> int | None:
    """An id from the query string; None (nothing chosen) for anything that is not one."""
    return record_id(request.args.get(name))


MAX_PAGE = 100000


def page_arg() -> int:
    page = record_id(request.args.get("page")) or 1
    return min(page, MAX_PAGE)
