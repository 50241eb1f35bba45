"""The catalogue (products) and outlets with their stock, for dispatchers and admins.
Every stock change goes through the stock ledger (services/stock.py) with a reason."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from routes.access import role_required
from routes.helpers import page_arg
from supply_match import labels
from supply_match.extensions import db
from supply_match.models import Outlet, Product, Role, Stock, StockChange, Township
from supply_match.services import scope
from supply_match.services.fields import id_value
from supply_match.services.supply import catalogue, stock_changes

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

DISPATCH_ROLES = (Role.DISPATCHER, Role.ADMIN)
STOCK_KINDS = {
    "received": _l("Received"),
    "adjusted": _l("Count or correction"),
    "reserved": _l("Reserved for an order"),
    "released": _l("Reservation released"),
    "delivered": _l("Delivered"),
    "returned": _l("Back from a failed delivery"),
}


# Products


@bp.get("/products")
@role_required(*DISPATCH_ROLES)
def products():
    rows = db.session.scalars(select(Product).order_by(Product.category, Product.code)).all()
    return render_template("catalogue/products.html", products=rows, labels=labels)


@bp.route("/products/new", methods=["GET", "POST"])
@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@role_required(*DISPATCH_ROLES)
def product_form(product_id: int | None = None):
    product = db.session.get(Product, product_id) if product_id else None
    if product_id and product is None:
        abort(404)
    values, errors = {}, {}
    if request.method == "POST":
        values, errors = catalogue.read_product(request.form, product)
        if not errors:
            product = catalogue.save(Product, product, values)
            flash(_("Product %(name)s saved.", name=product.name), "success")
            return redirect(url_for("catalogue.products"))
    elif product is not None:
        values = {c: getattr(product, c) for c in ("code", "name", "category", "unit")}
        values.update(
            unit_weight_kg=product.unit_weight_kg,
            hazard_class=product.hazard_class,
            active=product.active,
        )
    else:
        values = {"active": True}
    status = 422 if errors else 200
    return render_template(
        "catalogue/product_form.html", product=product, values=values, errors=errors,
        labels=labels,
    ), status  # fmt: skip


# Outlets


@bp.get("/outlets")
@role_required(*DISPATCH_ROLES)
def outlets():
    rows = db.session.scalars(select(Outlet).order_by(Outlet.township_id, Outlet.name)).all()
    return render_template("catalogue/outlets.html", outlets=rows)


@bp.route("/outlets/new", methods=["GET", "POST"])
@bp.route("/outlets/<int:outlet_id>", methods=["GET", "POST"])
@role_required(*DISPATCH_ROLES)
def outlet_form(outlet_id: int | None = None):
    outlet = db.session.get(Outlet, outlet_id) if outlet_id else None
    if outlet_id and outlet is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = catalogue.read_outlet(request.form, outlet)
        if not errors:
            outlet = catalogue.save(Outlet, outlet, values)
            flash(_("Outlet %(name)s saved.", name=outlet.name), "success")
            return redirect(url_for("catalogue.outlets"))
        values = {**request.form.to_dict(), "active": values["active"]}
    elif outlet is not None:
        values = {
            c: getattr(outlet, c)
            for c in ("name", "township_id", "address", "lat", "lon", "contact_name",
                      "contact_mobile", "active")
        }  # fmt: skip
        values.update(
            opens_at=outlet.opens_at.strftime("%H:%M"), closes_at=outlet.closes_at.strftime("%H:%M")
        )
    else:
        values = {"active": True, "opens_at": "08:00", "closes_at": "18:00"}
    townships = db.session.scalars(select(Township).order_by(Township.code)).all()
    return render_template(
        "catalogue/outlet_form.html", outlet=outlet, values=values, errors=errors,
        townships=townships,
    ), 422 if errors else 200  # fmt: skip


# An outlet's stock and ledger


def _stock_page(outlet: Outlet, errors: dict | None = None, values: dict | None = None):
    rows = db.session.scalars(
        select(Stock).join(Stock.product).where(Stock.outlet_id == outlet.id).order_by(Product.code)
    ).all()
    changes = db.paginate(
        select(StockChange)
        .join(StockChange.stock)
        .where(Stock.outlet_id == outlet.id)
        .order_by(StockChange.created_at.desc(), StockChange.id.desc()),
        page=page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    products = db.session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.category, Product.code)
    ).all()
    return render_template(
        "catalogue/stock.html", outlet=outlet, rows=rows, changes=changes, products=products,
        errors=errors or {}, values=values or {}, stock_kinds=STOCK_KINDS,
    ), 422 if errors else 200  # fmt: skip


# An outlet's staff keep their own outlet's stock; the scope refuses any other.
STOCK_ROLES = (*DISPATCH_ROLES, Role.OUTLET_STAFF)


@bp.get("/outlets/<int:outlet_id>/stock")
@role_required(*STOCK_ROLES)
def stock(outlet_id: int):
    return _stock_page(scope.get_outlet_for(current_user, outlet_id))


@bp.post("/outlets/<int:outlet_id>/stock")
@role_required(*STOCK_ROLES)
def stock_change(outlet_id: int):
    outlet = scope.get_outlet_for(current_user, outlet_id)
    form = request.form
    data = stock_changes.StockChangeInput(
        product_id=form.get("product_id", type=id_value),
        kind=form.get("kind"),
        quantity=form.get("quantity"),
        reason=form.get("reason"),
    )
    try:
        outcome = stock_changes.change_stock(outlet, data, current_user)
    except stock_changes.StockChangeError as error:
        return _stock_page(outlet, error.errors, form.to_dict())
    if outcome.change is None:
        flash(_("The count equals the stock figure: nothing changed."), "info")
    else:
        flash(_("Stock of %(product)s recorded.", product=outcome.product.name), "success")
    return redirect(url_for("catalogue.stock", outlet_id=outlet.id))
