"""The outlets' side: a day's plan with the cash each run collects, an outlet's packing
for a day, its day's accounts, and its prices (read and set, in integer fen). Outlet
staff see their own outlet only; another outlet is answered like a missing one."""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.api import bp
from routes.api.common import DISPATCH, Unprocessable, json_body, number
from routes.api.openapi import ERRORS, INVALID, NOT_FOUND, content, path_id_param, query_param, ref
from supply_match.extensions import db
from supply_match.models import Outlet, Role, SubsidyProgramme
from supply_match.services import scope
from supply_match.services.errors import ForbiddenError, NotFoundError
from supply_match.services.intake import payments
from supply_match.services.outlets import accounts, handover, packing
from supply_match.services.supply import prices
from supply_match.services.supply.money import MAX_FEN, yuan

OUTLET_ROLES = (Role.OUTLET_STAFF, *DISPATCH)


def api_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Unprocessable(
            {"day": _("Please enter the date as YYYY-MM-DD, for example 2020-03-02.")}
        ) from None


def scoped_outlet(outlet_id: int | None) -> Outlet:
    if outlet_id is None:
        if current_user.has_role(Role.OUTLET_STAFF):
            outlet_id = current_user.outlet_id
        else:
            raise Unprocessable({"outlet": _("Please name the outlet (its id).")})
    try:
        return scope.get_outlet_for(current_user, outlet_id)
    except (NotFoundError, ForbiddenError):
        abort(404)


def _runs_json(plan, outlet_id: int | None) -> list[dict]:
    shortages: dict[int, list] = {}
    for shortage in handover.shortages_for_plan(plan):
        shortages.setdefault(shortage.run.id, []).append(shortage)
    loaded = packing.outlet_runs(outlet_id, plan)
    handovers = handover.handovers_of([run.id for run in loaded])
    runs = []
    for packed in packing.packing_lists(loaded):
        run = packed.run
        done = handovers.get(run.id)
        runs.append(
            {
                "id": run.id,
                "volunteer_id": run.volunteer_id,
                "volunteer": run.volunteer.name,
                "trip": run.trip,
                "outlet_id": run.outlet_id,
                "status": run.status,
                "stops": len(run.stops),
                "cash_to_collect_fen": packed.cash_to_collect_fen,
                "handed_over": done is not None,
                "shortages": [
                    {
                        "product": s.product,
                        "missing": number(s.missing),
                        "stop_ids": [stop.id for stop in s.stops],
                    }
                    for s in shortages.get(run.id, [])
                ],
            }
        )
    return runs


@bp.get("/plans/<day>/runs")
@role_required(*OUTLET_ROLES)
def plan_day(day: str):
    the_day = api_day(day)
    plan = packing.published_plan(the_day)
    if plan is None:
        abort(404)
    outlet_id = None if scope.sees_whole_county(current_user) else scope.outlet_id_for(current_user)
    return jsonify(
        date=the_day.isoformat(),
        status=plan.status,
        version=plan.version,
        runs=_runs_json(plan, outlet_id),
    )


def _goods_json(goods) -> list[dict]:
    return [
        {"product_id": g.product_id, "name": g.name, "unit": g.unit, "quantity": number(g.quantity)}
        for g in goods
    ]


@bp.get("/plans/<day>/packing")
@role_required(*OUTLET_ROLES)
def plan_packing(day: str):
    the_day = api_day(day)
    errors: dict[str, str] = {}
    text = request.args.get("outlet", "").strip()
    if text and not text.isdigit():
        errors["outlet"] = _("Must be a whole-number id.")
        raise Unprocessable(errors)
    outlet = scoped_outlet(int(text) if text else None)
    packed = packing.day_packing(outlet, the_day)
    if not packed.published:
        abort(404)
    return jsonify(
        date=the_day.isoformat(),
        outlet_id=outlet.id,
        products=_goods_json(packed.products),
        runs=[
            {
                "id": p.run.id,
                "volunteer": p.run.volunteer.name,
                "trip": p.run.trip,
                "cash_to_collect_fen": p.cash_to_collect_fen,
                "stops": [
                    {
                        "id": stop.stop_id,
                        "number": stop.number,
                        "label": stop.label,
                        "due_fen": stop.due_fen,
                        "orders": [
                            {
                                "order_id": order.order_id,
                                "household": order.household,
                                "place": order.place,
                                "due_fen": order.due_fen,
                                "goods": _goods_json(order.goods),
                            }
                            for order in stop.orders
                        ],
                    }
                    for stop in p.stops
                ],
            }
            for p in packed.runs
        ],
    )


@bp.get("/outlets/<int:outlet_id>/days/<day>")
@role_required(*OUTLET_ROLES)
def outlet_day(outlet_id: int, day: str):
    outlet = scoped_outlet(outlet_id)
    return jsonify(accounts.day_accounts(outlet, api_day(day)))


def _prices_json(outlet: Outlet) -> dict:
    return {
        "outlet_id": outlet.id,
        "prices": [
            {
                "product_id": row.product.id,
                "product": row.product.name,
                "unit": row.product.unit,
                "price_fen": row.price_fen,
                "guide_fen": row.guide_fen,
                "set_at": row.set_at.isoformat(timespec="seconds") if row.set_at else None,
            }
            for row in prices.price_sheet(outlet)
        ],
    }


@bp.get("/outlets/<int:outlet_id>/prices")
@role_required(*OUTLET_ROLES)
def outlet_prices(outlet_id: int):
    return jsonify(_prices_json(scoped_outlet(outlet_id)))


@bp.post("/outlets/<int:outlet_id>/prices")
@role_required(*OUTLET_ROLES)
def set_outlet_prices(outlet_id: int):
    outlet = scoped_outlet(outlet_id)
    body = json_body()
    rows = body.get("prices")
    if not isinstance(rows, list) or not rows:
        raise Unprocessable({"prices": _("A list of {product_id, price_fen} is needed.")})
    texts: dict[int, str] = {}
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        product_id = row.get("product_id") if isinstance(row, dict) else None
        fen = row.get("price_fen") if isinstance(row, dict) else None
        if isinstance(product_id, bool) or not isinstance(product_id, int):
            errors[f"prices[{index}].product_id"] = _("Must be a whole-number id.")
            continue
        if isinstance(fen, bool) or not isinstance(fen, int) or not 0 <= fen <= MAX_FEN:
            errors[f"prices[{index}].price_fen"] = _(
                "A price is a whole number of fen, 0 or more (12.50 yuan is 1250)."
            )
            continue
        texts[product_id] = yuan(fen)
    if errors:
        raise Unprocessable(errors)
    try:
        prices.set_outlet_prices(outlet, texts, current_user)
    except prices.PriceError as error:
        raise Unprocessable(
            {f"prices[{pid}]": message for pid, message in error.errors.items()}
        ) from None
    except NotFoundError:
        raise Unprocessable({"prices": _("No such product.")}) from None
    return jsonify(_prices_json(outlet))


def _guide_prices_json() -> dict:
    return {
        "items": [
            {
                "product_id": row.product.id,
                "product": row.product.name,
                "unit": row.product.unit,
                "guide_fen": row.guide_fen,
                "highest_fen": row.highest_fen,
            }
            for row in prices.price_sheet_for_county()
        ]
    }


@bp.get("/guide-prices")
@role_required(*OUTLET_ROLES)
def guide_prices():
    return jsonify(_guide_prices_json())


@bp.post("/guide-prices")
@role_required(*DISPATCH)
def set_guide_prices():
    rows = json_body().get("prices")
    if not isinstance(rows, list) or not rows:
        raise Unprocessable({"prices": _("A list of {product_id, guide_fen} is needed.")})
    texts: dict[int, str] = {}
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        product_id = row.get("product_id") if isinstance(row, dict) else None
        fen = row.get("guide_fen") if isinstance(row, dict) else None
        if isinstance(product_id, bool) or not isinstance(product_id, int):
            errors[f"prices[{index}].product_id"] = _("Must be a whole-number id.")
        elif fen is not None and (
            isinstance(fen, bool) or not isinstance(fen, int) or not 0 <= fen <= MAX_FEN
        ):
            errors[f"prices[{index}].guide_fen"] = _(
                "A guide price is a whole number of fen, 0 or more, or null for no cap."
            )
        else:
            texts[product_id] = yuan(fen)
    if errors:
        raise Unprocessable(errors)
    try:
        prices.set_guide_prices(texts, current_user)
    except prices.PriceError as error:
        raise Unprocessable(
            {f"prices[{pid}]": message for pid, message in error.errors.items()}
        ) from None
    except NotFoundError:
        raise Unprocessable({"prices": _("No such product.")}) from None
    return jsonify(_guide_prices_json())


def programme_json(programme) -> dict:
    return {
        "id": programme.id,
        "name": programme.name,
        "share_percent": programme.share_percent,
        "active": programme.active,
    }


@bp.get("/subsidy-programmes")
def subsidy_programmes():
    every = request.args.get("all", "") in ("1", "true")
    return jsonify(items=[programme_json(p) for p in payments.programmes(active_only=not every)])


def _programme_saved(programme_id: int | None, body: dict, current: dict):
    errors: dict[str, str] = {}
    values = {**current, **{k: body[k] for k in ("name", "share_percent", "active") if k in body}}
    if not isinstance(values["name"], str):
        errors["name"] = _("Must be text.")
    share = values["share_percent"]
    if isinstance(share, bool) or not isinstance(share, int):
        errors["share_percent"] = _("The share is a whole percent from 1 to 100.")
    if not isinstance(values["active"], bool):
        errors["active"] = _("Must be true or false.")
    if errors:
        raise Unprocessable(errors)
    try:
        return payments.save_programme(programme_id, values["name"], str(share), values["active"])
    except payments.ProgrammeError as error:
        raise Unprocessable(error.errors) from None


@bp.post("/subsidy-programmes")
@role_required(*DISPATCH)
def create_subsidy_programme():
    current = {"name": "", "share_percent": None, "active": True}
    return jsonify(programme_json(_programme_saved(None, json_body(), current))), 201


@bp.patch("/subsidy-programmes/<int:programme_id>")
@role_required(*DISPATCH)
def update_subsidy_programme(programme_id: int):
    programme = db.get_or_404(SubsidyProgramme, programme_id)
    current = programme_json(programme)
    return jsonify(programme_json(_programme_saved(programme.id, json_body(), current)))


# The OpenAPI piece of this area.

FEN = {
    "type": ["integer", "null"],
    "description": "Integer fen (分); null while a price is missing.",
}
GOODS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "product_id": {"type": "integer"},
            "name": {"type": "string"},
            "unit": {"type": "string"},
            "quantity": {"type": "string"},
        },
    },
}
DAY = {"name": "day", "in": "path", "required": True, "description": "The delivery day, YYYY-MM-DD",
       "schema": {"type": "string", "format": "date"}}  # fmt: skip

SCHEMAS = {
    "PlanDay": {
        "type": "object",
        "properties": {
            "date": {"type": "string", "format": "date"},
            "status": {"type": "string"},
            "version": {"type": "integer"},
            "runs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "volunteer_id": {"type": "integer"},
                        "volunteer": {"type": "string"},
                        "trip": {"type": "integer"},
                        "outlet_id": {"type": "integer"},
                        "status": {"type": "string"},
                        "stops": {"type": "integer"},
                        "cash_to_collect_fen": {**FEN, "description": "Sum over the run's pay-on-delivery orders (and the households' part of subsidy orders), in fen."},
                        "handed_over": {"type": "boolean"},
                        "shortages": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    },
    "Packing": {
        "type": "object",
        "properties": {
            "date": {"type": "string", "format": "date"},
            "outlet_id": {"type": "integer"},
            "products": {**GOODS, "description": "The pick list: total per product."},
            "runs": {
                "type": "array",
                "description": "Each run's stops in loading order (the last stop first).",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "volunteer": {"type": "string"},
                        "trip": {"type": "integer"},
                        "cash_to_collect_fen": FEN,
                        "stops": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "number": {"type": "integer"},
                            "label": {"type": "string"}, "due_fen": FEN,
                            "orders": {"type": "array", "items": {"type": "object", "properties": {
                                "order_id": {"type": "integer"}, "household": {"type": "string"},
                                "place": {"type": "string"}, "due_fen": FEN, "goods": GOODS}}},
                        }}},
                    },
                },
            },
        },
    },
    "DayAccounts": {
        "type": "object",
        "description": "An outlet's day: goods (quantities as decimal strings), money by volunteer and in total, subsidies to claim by programme, all money in integer fen; as closed, with the corrections since, once closed.",
        "properties": {
            "outlet": {"type": "object"},
            "day": {"type": "string", "format": "date"},
            "closed": {"type": ["object", "null"]},
            "goods": {"type": "array", "items": {"type": "object"}},
            "volunteers": {"type": "array", "items": {"type": "object"}},
            "money": {"type": "object"},
            "subsidies": {"type": "array", "items": {"type": "object"}},
            "corrections": {"type": "array", "items": {"type": "object"}},
        },
    },
    "OutletPrices": {
        "type": "object",
        "properties": {
            "outlet_id": {"type": "integer"},
            "prices": {"type": "array", "items": {"type": "object", "properties": {
                "product_id": {"type": "integer"}, "product": {"type": "string"},
                "unit": {"type": "string"}, "price_fen": FEN, "guide_fen": FEN,
                "set_at": {"type": ["string", "null"], "format": "date-time"}}}},
        },
    },
    "NewPrices": {
        "type": "object",
        "required": ["prices"],
        "properties": {"prices": {"type": "array", "items": {"type": "object", "required": ["product_id", "price_fen"], "properties": {
            "product_id": {"type": "integer"}, "price_fen": {"type": "integer", "minimum": 0}}}}},
    },
    "SubsidyProgramme": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "share_percent": {"type": "integer", "minimum": 1, "maximum": 100},
                       "active": {"type": "boolean"}},
    },
    "SubsidyProgrammes": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": ref("SubsidyProgramme")}},
    },
    "NewSubsidyProgramme": {
        "type": "object",
        "required": ["name", "share_percent"],
        "properties": {"name": {"type": "string", "maxLength": 64},
                       "share_percent": {"type": "integer", "minimum": 1, "maximum": 100},
                       "active": {"type": "boolean", "default": True}},
    },
    "SubsidyProgrammeChange": {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 64},
                       "share_percent": {"type": "integer", "minimum": 1, "maximum": 100},
                       "active": {"type": "boolean", "description": "false: offered for no new order; orders that name it keep it."}},
    },
    "GuidePrices": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
            "product_id": {"type": "integer"}, "product": {"type": "string"},
            "unit": {"type": "string"},
            "guide_fen": {**FEN, "description": "The county's cap in fen; null for no cap."},
            "highest_fen": {**FEN, "description": "The highest price an outlet charges now; null when none prices it."}}}}},
    },
    "NewGuidePrices": {
        "type": "object",
        "required": ["prices"],
        "properties": {"prices": {"type": "array", "items": {"type": "object", "required": ["product_id", "guide_fen"], "properties": {
            "product_id": {"type": "integer"},
            "guide_fen": {"type": ["integer", "null"], "minimum": 0, "description": "null lifts the cap; a cap below an outlet's current price is refused."}}}}},
    },
}  # fmt: skip

PATHS = {
    "/plans/{day}/runs": {
        "get": {
            "operationId": "getPlanDay",
            "summary": "A published day's runs with the cash each collects (outlet staff: their outlet's runs)",
            "parameters": [DAY],
            "responses": {"200": content(ref("PlanDay"), "The day"), "404": NOT_FOUND, "422": INVALID, **ERRORS},
        }
    },
    "/plans/{day}/packing": {
        "get": {
            "operationId": "getPacking",
            "summary": "An outlet's pick list and packing lists for a published day",
            "parameters": [DAY, query_param("outlet", "Outlet id (outlet staff: their own, the default)", {"type": "integer"})],
            "responses": {"200": content(ref("Packing"), "Packing"), "404": NOT_FOUND, "422": INVALID, **ERRORS},
        }
    },
    "/outlets/{outlet_id}/days/{day}": {
        "get": {
            "operationId": "getOutletDay",
            "summary": "An outlet's day's accounts",
            "parameters": [path_id_param("outlet_id", "Outlet id"), DAY],
            "responses": {"200": content(ref("DayAccounts"), "Accounts"), "404": NOT_FOUND, "422": INVALID, **ERRORS},
        }
    },
    "/outlets/{outlet_id}/prices": {
        "get": {
            "operationId": "getOutletPrices",
            "summary": "An outlet's prices and the guide prices, in fen",
            "parameters": [path_id_param("outlet_id", "Outlet id")],
            "responses": {"200": content(ref("OutletPrices"), "Prices"), "404": NOT_FOUND, **ERRORS},
        },
        "post": {
            "operationId": "setOutletPrices",
            "summary": "Set prices in integer fen; all or nothing (not above the guide price)",
            "parameters": [path_id_param("outlet_id", "Outlet id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewPrices")}}},
            "responses": {"200": content(ref("OutletPrices"), "Prices after"), "404": NOT_FOUND, "422": INVALID, **ERRORS},
        },
    },
    "/subsidy-programmes": {
        "get": {
            "operationId": "listSubsidyProgrammes",
            "summary": "The county's subsidy programmes in use and their share (all=1: also those no longer in use)",
            "parameters": [query_param("all", "1 to list the programmes no longer in use too", {"type": "string", "enum": ["0", "1"]})],
            "responses": {"200": content(ref("SubsidyProgrammes"), "Programmes"), **ERRORS},
        },
        "post": {
            "operationId": "createSubsidyProgramme",
            "summary": "Add a subsidy programme (dispatchers and admins)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewSubsidyProgramme")}}},
            "responses": {"201": content(ref("SubsidyProgramme"), "The new programme"), "422": INVALID, **ERRORS},
        },
    },
    "/subsidy-programmes/{programme_id}": {
        "patch": {
            "operationId": "updateSubsidyProgramme",
            "summary": "Change a programme's name, share or use (dispatchers and admins)",
            "parameters": [path_id_param("programme_id", "Programme id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("SubsidyProgrammeChange")}}},
            "responses": {"200": content(ref("SubsidyProgramme"), "The programme after"), "404": NOT_FOUND, "422": INVALID, **ERRORS},
        },
    },
    "/guide-prices": {
        "get": {
            "operationId": "getGuidePrices",
            "summary": "The county's guide price of each product, in fen, with the highest outlet price",
            "responses": {"200": content(ref("GuidePrices"), "Guide prices"), **ERRORS},
        },
        "post": {
            "operationId": "setGuidePrices",
            "summary": "Set guide prices in integer fen (null: no cap); all or nothing (dispatchers and admins)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewGuidePrices")}}},
            "responses": {"200": content(ref("GuidePrices"), "Guide prices after"), "422": INVALID, **ERRORS},
        },
    },
}  # fmt: skip
