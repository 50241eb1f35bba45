"""The audit log's page and its export (admins and dispatchers)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from routes.access import role_required
from routes.helpers import page_arg, xlsx_response
from supply_match import labels
from supply_match.extensions import db
from supply_match.models import AuditKind, Role
from supply_match.services import audit
from supply_match.services.county import settings as county_settings

bp = Blueprint("audit", __name__, url_prefix="/audit")

STAFF = (Role.ADMIN, Role.DISPATCHER)


def _label(table: str, code: str) -> str:
    return labels.label_filter(code, table)


@bp.get("/")
@role_required(*STAFF)
def index():
    filters = audit.read_filters(request.args)
    page = None
    if not filters.errors:
        page = db.paginate(
            audit.entries_query(filters),
            page=page_arg(),
            per_page=current_app.config["PAGE_SIZE"],
            error_out=False,
        )
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        kinds=[str(kind) for kind in AuditKind],
        people=audit.people(),
        local_time=audit.local_time,
    ), 400 if filters.errors else 200


def _export_name(extension: str) -> str:
    return _("audit-log-%(day)s", day=county_settings.county_today().isoformat()) + extension


@bp.get("/export.xlsx")
@role_required(*STAFF)
def export_xlsx():
    filters = audit.read_filters(request.args)
    if filters.errors:
        abort(400)
    return xlsx_response(audit.export_xlsx(filters, _label), _export_name(".xlsx"))


@bp.get("/export.csv")
@role_required(*STAFF)
def export_csv():
    filters = audit.read_filters(request.args)
    if filters.errors:
        abort(400)
    response = Response(audit.export_csv(filters, _label), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
