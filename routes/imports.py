"""Sheet imports: orders (village cadres and dispatchers) and stock counts (dispatchers).
The services validate every row first and write nothing on any error; these pages show
the errors by row and column, or what was imported."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from routes.access import role_required
from routes.helpers import xlsx_response
from supply_match.models import Role
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.intake import order_import
from supply_match.services.supply import stock_import

bp = Blueprint("imports", __name__, url_prefix="/imports")

# The form's own fields and multipart framing come on top of the file itself.
UPLOAD_LIMIT_BYTES = sheets.MAX_UPLOAD_BYTES + 64 * 1024


@bp.before_request
def limit_upload_size():
    request.max_content_length = UPLOAD_LIMIT_BYTES
    if request.content_length is not None and request.content_length > UPLOAD_LIMIT_BYTES:
        raise RequestEntityTooLarge()


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit_mb = sheets.MAX_UPLOAD_BYTES // 1024 // 1024
    return render_template("imports/too_large.html", limit_mb=limit_mb), 413


def _uploaded() -> tuple[str, bytes] | None:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read(UPLOAD_LIMIT_BYTES + 1)


def _import(kind: str, run):
    """Run one import from the uploaded file: (result, sheet_error, missing_file)."""
    uploaded = _uploaded()
    if uploaded is None:
        return None, None, _("Please choose a file to upload.")
    filename, data = uploaded
    try:
        result = run(filename, data, current_user)
    except sheets.SheetError as error:
        return None, error, None
    return result, None, None


@bp.get("/orders/template.xlsx")
@role_required(Role.CADRE, Role.DISPATCHER, Role.ADMIN)
def order_template():
    return xlsx_response(order_import.template_xlsx(), "订单导入模板.xlsx")


@bp.route("/orders", methods=["GET", "POST"])
@role_required(Role.CADRE, Role.DISPATCHER, Role.ADMIN)
def order_import_page():
    result = sheet_error = missing = None
    if request.method == "POST":
        result, sheet_error, missing = _import("orders", order_import.import_orders)
    status = 422 if (sheet_error or missing) else 200
    return render_template(
        "imports/orders.html",
        result=result,
        sheet_error=sheet_error,
        missing=missing,
        columns=order_import.ORDER_COLUMNS,
    ), status


@bp.get("/stock/template.xlsx")
@role_required(Role.DISPATCHER, Role.ADMIN)
def stock_template():
    return xlsx_response(stock_import.template_xlsx(), "库存导入模板.xlsx")


@bp.route("/stock", methods=["GET", "POST"])
@role_required(Role.DISPATCHER, Role.ADMIN)
def stock_import_page():
    result = sheet_error = missing = None
    if request.method == "POST":
        result, sheet_error, missing = _import("stock", stock_import.import_stock)
    status = 422 if (sheet_error or missing) else 200
    return render_template(
        "imports/stock.html",
        result=result,
        sheet_error=sheet_error,
        missing=missing,
        columns=stock_import.STOCK_COLUMNS,
    ), status
