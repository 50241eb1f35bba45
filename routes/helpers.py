"""Small helpers the supply, catalogue, import, intake and API views share: reading
query arguments without ever failing with a 500, and answering with a workbook."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from supply_match.services.fields import parse_date, parse_decimal, parse_float  # noqa: F401

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
