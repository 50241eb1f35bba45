"""What every request's input goes through before a view sees it: ids in URLs within the
database's integer range and written in ASCII digits, JSON bodies of bounded depth with
finite numbers only, no NUL bytes in fields. Anything else never reaches a view (404 for a URL, 400 for a body)."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

# Primary keys are INTEGER columns (32 bits on PostgreSQL).
MAX_RECORD_ID = 2**31 - 1
MAX_JSON_DEPTH = 32


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in a URL: ASCII digits only (werkzeug's ``\\d`` takes any script's
    digits) and no larger than a record id can be, so a lookup never overflows."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in a decoded JSON value (a scalar is 0)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Request bodies: a ValueError (a 400 from ``request.get_json``) rather than a
    RecursionError for JSON nested thousands deep, for NaN/Infinity, for 1e999999."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", _finite_float)
        kwargs.setdefault("parse_constant", _refuse_constant)
        try:
            value = json.loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value


def refuse_nul_bytes() -> None:
    """A NUL byte in a query argument or a form field is never typed by a person, and
    PostgreSQL cannot store or compare it: 400 before any view runs."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description="NUL byte in a field")


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their rules pick the converter up."""
    app.url_map.converters["int"] = RecordIdConverter
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_nul_bytes)
