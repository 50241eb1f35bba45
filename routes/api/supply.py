"""Supply against demand per product and township (dispatchers and admins)."""

from __future__ import annotations

from flask import jsonify, request

from routes.access import role_required
from routes.api import bp
from routes.api.common import (
    DISPATCH,
    Unprocessable,
    number,
)
from routes.api.openapi import (
    DECIMAL,
    ERRORS,
    INVALID,
    content,
    query_param,
    ref,
)
from supply_match.services.supply import figures


def _figures(figures) -> dict:
    return {
        "ordered": number(figures.ordered),
        "allocated": number(figures.allocated),
        "delivered": number(figures.delivered),
        "stock": number(figures.stock),
        "available": number(figures.available),
        "unallocated": number(figures.unallocated),
    }


@bp.get("/supply")
@role_required(*DISPATCH)
def supply():
    filters = figures.read_filters(request.args)
    if filters.errors:
        raise Unprocessable(filters.errors)
    report = figures.report_for(filters)
    return jsonify(
        products=[
            {
                "product_id": p.product_id,
                "name": p.name,
                "category": p.category,
                "unit": p.unit,
                "total": _figures(p.total),
                "shortfall": number(p.shortfall),
                "by_township": [
                    {"township_id": t, "township": report.townships.get(t), **_figures(f)}
                    for t, f in sorted(p.by_township.items())
                ],
            }
            for p in report.products
        ]
    )


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

SCHEMAS = {
    "Figures": {
        "type": "object",
        "properties": {
            key: DECIMAL
            for key in ("ordered", "allocated", "delivered", "stock", "available", "unallocated")
        },
    },
    "Supply": {
        "type": "object",
        "properties": {
            "products": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "product_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "category": {"type": "string"},
                        "unit": {"type": "string"},
                        "total": ref("Figures"),
                        "shortfall": DECIMAL,
                        "by_township": {
                            "type": "array",
                            "items": {
                                "allOf": [
                                    ref("Figures"),
                                    {
                                        "type": "object",
                                        "properties": {
                                            "township_id": {"type": "integer"},
                                            "township": {"type": "string"},
                                        },
                                    },
                                ]
                            },
                        },
                    },
                },
            }
        },
    },
}

PATHS = {
    "/supply": {
        "get": {
            "operationId": "getSupply",
            "summary": "Supply against demand per product and township (dispatchers and admins)",
            "parameters": [
                query_param("date_from", "Orders wanted on or after", {"type": "string", "format": "date"}),
                query_param("date_to", "Orders wanted on or before", {"type": "string", "format": "date"}),
                query_param("category", "Product category",
                       {"type": "string", "enum": ["seed", "fertilizer", "pesticide", "film", "other"]}),
                query_param("township", "Township id", {"type": "integer"}),
            ],
            "responses": {"200": content(ref("Supply"), "Figures"), "422": INVALID, **ERRORS},
        }
    },
}  # fmt: skip
