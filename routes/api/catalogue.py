"""The catalogue of products, the outlets and their stock."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from routes.access import role_required
from routes.api import bp
from routes.api.common import (
    DISPATCH,
    number,
)
from routes.api.openapi import (
    DECIMAL,
    ERRORS,
    content,
    one_operation,
    query_param,
    ref,
)
from supply_match.extensions import db
from supply_match.models import Outlet, Product, Stock


def product_json(product: Product) -> dict:
    return {
        "id": product.id,
        "code": product.code,
        "name": product.name,
        "category": product.category,
        "unit": product.unit,
        "unit_weight_kg": number(product.unit_weight_kg),
        "hazard_class": product.hazard_class,
        "active": product.active,
    }


def stock_json(row: Stock) -> dict:
    return {
        "product_id": row.product_id,
        "product": row.product.name,
        "unit": row.product.unit,
        "quantity": number(row.quantity),
        "reserved": number(row.reserved),
        "available": number(row.available),
    }


def outlet_json(outlet: Outlet, with_stock: bool = False) -> dict:
    data = {
        "id": outlet.id,
        "name": outlet.name,
        "township_id": outlet.township_id,
        "township": outlet.township.name,
        "address": outlet.address,
        "lat": outlet.lat,
        "lon": outlet.lon,
        "opens_at": outlet.opens_at.strftime("%H:%M"),
        "closes_at": outlet.closes_at.strftime("%H:%M"),
        "contact_name": outlet.contact_name,
        "contact_mobile": outlet.contact_mobile,
        "active": outlet.active,
    }
    if with_stock:
        data["stock"] = [
            stock_json(row) for row in sorted(outlet.stock, key=lambda r: r.product_id)
        ]
    return data


@bp.get("/products")
def products_list():
    query = select(Product).order_by(Product.category, Product.code)
    if request.args.get("all") != "1":
        query = query.where(Product.active.is_(True))
    return jsonify(items=[product_json(p) for p in db.session.scalars(query)])


@bp.get("/outlets")
@role_required(*DISPATCH)
def outlets_list():
    query = (
        select(Outlet)
        .options(
            selectinload(Outlet.township), selectinload(Outlet.stock).selectinload(Stock.product)
        )
        .order_by(Outlet.township_id, Outlet.name)
    )
    return jsonify(items=[outlet_json(o, with_stock=True) for o in db.session.scalars(query)])


@bp.get("/outlets/<int:outlet_id>/stock")
@role_required(*DISPATCH)
def outlets_stock(outlet_id: int):
    return jsonify(outlet_json(db.get_or_404(Outlet, outlet_id), with_stock=True))


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

SCHEMAS = {
    "Product": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "category": {
                "type": "string",
                "enum": ["seed", "fertilizer", "pesticide", "film", "other"],
            },
            "unit": {"type": "string"},
            "unit_weight_kg": DECIMAL,
            "hazard_class": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },  # fmt: skip
    "StockRow": {
        "type": "object",
        "properties": {
            "product_id": {"type": "integer"},
            "product": {"type": "string"},
            "unit": {"type": "string"},
            "quantity": DECIMAL,
            "reserved": DECIMAL,
            "available": DECIMAL,
        },
    },
    "Outlet": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "township_id": {"type": "integer"},
            "township": {"type": "string"},
            "address": {"type": "string"},
            "lat": {"type": "number"},
            "lon": {"type": "number"},
            "opens_at": {"type": "string"},
            "closes_at": {"type": "string"},
            "contact_name": {"type": "string"},
            "contact_mobile": {"type": "string"},
            "active": {"type": "boolean"},
            "stock": {"type": "array", "items": ref("StockRow")},
        },
    },
}

PATHS = {
    "/products": {
        "get": {
            "operationId": "listProducts",
            "summary": "The catalogue (products on sale; all=1 for every product)",
            "parameters": [query_param("all", "1 to include products no longer sold")],
            "responses": {
                "200": content(
                    {"type": "object", "properties": {"items": {"type": "array",
                                                                "items": ref("Product")}}},
                    "Products",
                ),
                **ERRORS,
            },  # fmt: skip
        }
    },
    "/outlets": {
        "get": {
            "operationId": "listOutlets",
            "summary": "Outlets with their stock (dispatchers and admins)",
            "responses": {
                "200": content(
                    {"type": "object", "properties": {"items": {"type": "array",
                                                                "items": ref("Outlet")}}},
                    "Outlets",
                ),
                **ERRORS,
            },  # fmt: skip
        }
    },
    "/outlets/{outlet_id}/stock": {
        "get": one_operation(
            "getOutletStock",
            "One outlet's stock per product (dispatchers and admins)",
            ("outlet_id", "Outlet id"),
            "Outlet",
            "The outlet with its stock",
        )
    },
}  # fmt: skip
