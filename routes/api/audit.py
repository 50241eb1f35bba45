"""The audit log (dispatchers and admins): who changed what, when and from where."""

from __future__ import annotations

from flask import request

from routes.access import role_required
from routes.api import bp
from routes.api.common import DISPATCH, Unprocessable, page_of
from routes.api.openapi import ERRORS, INVALID, PAGING, content, page_schema, query_param
from supply_match.models import AuditEntry, AuditKind
from supply_match.services import audit


def entry_json(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": audit.local_time(entry).isoformat(timespec="seconds"),
        "at_utc": entry.at.isoformat(timespec="seconds") + "Z",
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "origin": entry.origin,
        "kind": entry.kind,
        "record_id": entry.record_id,
        "action": entry.action,
        "summary": entry.summary,
        "language": entry.language,
        "detail": entry.detail,
    }


@bp.get("/audit")
@role_required(*DISPATCH)
def audit_list():
    filters = audit.read_filters(request.args)
    if filters.errors:
        raise Unprocessable(filters.errors)
    return page_of(audit.entries_query(filters), entry_json)


SCHEMAS = {
    "AuditEntry": {
        "type": "object",
        "required": ["id", "at", "at_utc", "actor_name", "origin", "kind", "action", "summary"],
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "description": "The county's local time (ISO 8601)."},
            "at_utc": {"type": "string", "format": "date-time"},
            "actor_id": {"type": ["integer", "null"], "description": "The account, if any."},
            "actor_name": {"type": "string", "description": "Who acted, as written then."},
            "origin": {
                "type": "string",
                "description": 'An IP address, "phone link", "worker" or "system".',
            },
            "kind": {"type": "string", "enum": [str(kind) for kind in AuditKind]},
            "record_id": {"type": ["integer", "null"]},
            "action": {"type": "string"},
            "summary": {"type": "string"},
            "language": {
                "type": "string",
                "description": "The language the summary was written in (the actor's).",
            },
            "detail": {"type": "object"},
        },
    },
}

PATHS = {
    "/audit": {
        "get": {
            "operationId": "listAuditEntries",
            "summary": "The audit log, newest first (dispatchers and admins)",
            "parameters": [
                query_param(
                    "kind",
                    "Only this kind of record.",
                    {"type": "string", "enum": [str(kind) for kind in AuditKind]},
                ),
                query_param("person", "Part of the actor's name or login."),
                query_param(
                    "day",
                    "Only this day, in the county's time zone.",
                    {"type": "string", "format": "date"},
                ),
                *PAGING,
            ],
            "responses": {
                "200": content(page_schema("AuditEntry"), "A page of entries"),
                "422": INVALID,
                **ERRORS,
            },
        }
    }
}
