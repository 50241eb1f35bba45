"""The demo's money: a price for every product an outlet stocks, within the guide
prices, a mix of payment ways, and a staff login per outlet."""

from collections import Counter

from sqlalchemy import select

from supply_match import password_hashing
from supply_match.demo.money import OUTLET_PASSWORD
from supply_match.extensions import db
from supply_match.models import Order, Outlet, Product, Role, Stock, User
from supply_match.services.supply import prices


def test_every_stocked_product_has_a_price_within_its_guide(seeded):
    guides = prices.current_guide_prices()
    assert guides  # fertilizer is capped
    for outlet in db.session.scalars(select(Outlet)):
        current = prices.current_prices(outlet.id)
        stocked = set(
            db.session.scalars(select(Stock.product_id).where(Stock.outlet_id == outlet.id))
        )
        assert stocked <= set(current)
        for product_id, row in current.items():
            assert row.price_fen > 0
            assert product_id not in guides or row.price_fen <= guides[product_id]
    assert db.session.query(Product).count() == len(
        {p for o in db.session.scalars(select(Outlet)) for p in prices.current_prices(o.id)}
    )


def test_orders_mix_the_three_payment_ways(seeded):
    ways = Counter(db.session.scalars(select(Order.payment_method)))
    assert set(ways) == {"prepaid", "on_delivery", "subsidy"}
    assert ways["on_delivery"] > ways["prepaid"] > ways["subsidy"] > 0


def test_one_staff_login_per_outlet(seeded):
    staff = db.session.scalars(select(User).where(User.role == Role.OUTLET_STAFF)).all()
    outlets = db.session.scalars(select(Outlet.id)).all()
    assert sorted(user.outlet_id for user in staff) == sorted(outlets)
    assert password_hashing.password_matches(staff[0].password_hash, OUTLET_PASSWORD)
