"""What the seeded Pengshui demo holds: the real townships, plausible sizes, valid phones,
places inside the county, cadres scoped to their village, and a few products short."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from supply_match import geo
from supply_match.demo import ADMIN_PASSWORD, CADRE_PASSWORD, DISPATCHER_PASSWORD
from supply_match.demo.facts import COUNTY_LAT, COUNTY_LON
from supply_match.extensions import db
from supply_match.models import (
    Household,
    Order,
    OrderLine,
    Outlet,
    Product,
    Role,
    Stock,
    StockChange,
    Township,
    User,
    Village,
    Volunteer,
)

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def inside_county(lat: float, lon: float) -> bool:
    return COUNTY_LAT[0] <= lat <= COUNTY_LAT[1] and COUNTY_LON[0] <= lon <= COUNTY_LON[1]


def test_the_39_real_townships_with_their_official_codes(seeded):
    townships = db.session.scalars(select(Township).order_by(Township.code)).all()
    assert len(townships) == 39
    assert Counter(t.kind for t in townships) == {"街道": 3, "镇": 18, "乡": 18}
    by_code = {t.code: t.name for t in townships}
    assert by_code["500243001"] == "汉葭街道"
    assert by_code["500243102"] == "郁山镇"
    assert by_code["500243117"] == "梅子垭镇"
    assert by_code["500243218"] == "龙塘乡"
    assert all(t.coord_approximate for t in townships)
    seat = db.session.scalar(select(Township).where(Township.code == "500243001"))
    assert abs(seat.lat - 29.29) < 0.02 and abs(seat.lon - 108.17) < 0.02


def test_sizes_are_those_of_a_county_pilot(seeded):
    assert 150 <= count(Village) <= 250
    per_township = Counter(db.session.scalars(select(Village.township_id)))
    assert len(per_township) == 39 and all(3 <= n <= 8 for n in per_township.values())
    assert 1900 <= count(Household) <= 2100
    assert 1300 <= count(Order) <= 1700
    assert 1.5 <= count(OrderLine) / count(Order) <= 3
    assert 8 <= count(Outlet) <= 12
    assert 25 <= count(Product) <= 40
    assert 250 <= count(Volunteer) <= 400  # 40 county-wide and each township's own


def test_village_codes_extend_their_townships_and_names_are_unique_there(seeded):
    for village in db.session.scalars(select(Village)):
        assert village.code.startswith(village.township.code) and len(village.code) == 12
        assert village.name.endswith("村")
        assert village.collection_point.startswith(village.name)
        assert 4 <= village.group_count <= 12
    assert count(Village) == len(set(db.session.execute(select(Village.township_id, Village.name))))


def test_every_mobile_is_a_valid_mainland_number(seeded):
    phones = [
        *db.session.scalars(select(Household.mobile)),
        *db.session.scalars(select(User.mobile)),
        *db.session.scalars(select(Volunteer.mobile)),
        *db.session.scalars(select(Outlet.contact_mobile)),
    ]
    assert phones and all(MOBILE.match(phone) for phone in phones)
    assert len(set(phones)) == len(phones)


def test_every_place_lies_inside_the_county(seeded):
    points = [
        *db.session.execute(select(Township.lat, Township.lon)),
        *db.session.execute(select(Village.lat, Village.lon)),
        *db.session.execute(select(Village.collection_lat, Village.collection_lon)),
        *db.session.execute(select(Household.lat, Household.lon)),
        *db.session.execute(
            select(Order.delivery_lat, Order.delivery_lon).where(Order.delivery_lat.is_not(None))
        ),
        *db.session.execute(select(Outlet.lat, Outlet.lon)),
        *db.session.execute(select(Volunteer.home_lat, Volunteer.home_lon)),
    ]
    outside = [(lat, lon) for lat, lon in points if not inside_county(lat, lon)]
    assert not outside


def test_households_live_in_their_village_within_a_few_km(seeded):
    for household in db.session.scalars(select(Household)):
        assert re.match(r"^[\u4e00-\u9fff]{2,3}$", household.name)
        village = household.village
        assert 1 <= household.group_no <= village.group_count
        assert geo.great_circle_m(household.lat, household.lon, village.lat, village.lon) < 2500


def test_each_village_cadre_sees_exactly_their_village(seeded):
    cadres = db.session.scalars(select(User).where(User.username.like("cun-%"))).all()
    assert len(cadres) == count(Village)
    for cadre in cadres:
        assert cadre.role == Role.CADRE
        assert [v.code for v in cadre.villages] == [cadre.username.removeprefix("cun-")]

    township_cadre = db.session.scalar(select(User).where(User.username == "zhen-hanjia"))
    hanjia = db.session.scalar(select(Township).where(Township.code == "500243001"))
    assert {v.id for v in township_cadre.villages} == {v.id for v in hanjia.villages}


def test_orders_are_entered_by_the_households_village_cadre(seeded):
    rows = db.session.execute(
        select(User.username, Village.code)
        .select_from(Order)
        .join(User, Order.created_by_id == User.id)
        .join(Household, Order.household_id == Household.id)
        .join(Village, Household.village_id == Village.id)
    ).all()
    assert len(rows) == count(Order)
    assert all(username == f"cun-{code}" for username, code in rows)


def test_orders_are_submitted_spring_planting_requests(seeded):
    orders = db.session.scalars(select(Order)).all()
    assert {o.status for o in orders} == {"submitted"}
    assert all(
        date(2020, 2, 24) <= o.wanted_from <= o.wanted_to <= date(2020, 4, 10) for o in orders
    )
    assert all((o.wanted_to - o.wanted_from).days < 7 for o in orders)
    assert all(1 <= len(o.lines) <= 4 for o in orders)
    points = Counter(o.delivery_point for o in orders)
    assert points["home"] > points["field"] > 0 and points["collection"] > 0
    assert 0 < sum(o.priority > 0 for o in orders) < len(orders) * 0.1
    assert 0 < sum(o.window_start is not None for o in orders) < len(orders) / 2
    assert db.session.scalar(select(func.sum(Stock.reserved))) == 0


def test_every_stock_figure_is_explained_by_its_arrival_in_the_ledger(seeded):
    for stock in db.session.scalars(select(Stock)):
        changes = db.session.scalars(select(StockChange).where(StockChange.stock_id == stock.id))
        assert [(c.kind, c.quantity_delta, c.quantity_after) for c in changes] == [
            ("received", stock.quantity, stock.quantity)
        ]


def test_a_few_products_run_short_and_most_do_not(seeded):
    by_product = select(OrderLine.product_id, func.sum(OrderLine.quantity))
    demand = dict(db.session.execute(by_product.group_by(OrderLine.product_id)).all())
    in_stock = select(Stock.product_id, func.sum(Stock.quantity))
    stock = dict(db.session.execute(in_stock.group_by(Stock.product_id)).all())
    names = dict(db.session.execute(select(Product.id, Product.name)).all())
    short = {names[p] for p in names if demand.get(p, 0) > stock.get(p, Decimal(0))}
    assert len(short) >= 3
    assert len(short) <= len(names) / 4
    assert any(name.startswith("复合肥") for name in short)
    assert any(name.startswith("玉米种子") for name in short)
    carried = db.session.execute(select(Stock.outlet_id, Stock.product_id)).all()
    assert len(carried) < count(Outlet) * count(Product)  # not every outlet has everything


def test_the_catalogue_is_realistic(seeded):
    products = db.session.scalars(select(Product)).all()
    assert {p.category for p in products} == {"seed", "fertilizer", "pesticide", "film", "other"}
    assert {p.unit for p in products} <= {"袋", "瓶", "卷", "包", "kg"}
    assert len({p.code for p in products}) == len(products)
    assert not any("百草枯" in p.name for p in products)  # banned in China since 2016
    pesticides = [p for p in products if p.category == "pesticide"]
    assert {p.hazard_class for p in pesticides} >= {"low_toxicity", "moderately_toxic"}


def test_volunteers_drive_what_rural_party_members_drive(seeded):
    volunteers = db.session.scalars(select(Volunteer)).all()
    kinds = Counter(v.vehicle_type for v in volunteers)
    assert (
        kinds["electric_tricycle"] + kinds["motor_tricycle"] + kinds["minivan"]
        > len(volunteers) / 2
    )
    for volunteer in volunteers:
        assert volunteer.party_branch.endswith("党支部")
        assert volunteer.shift_end > volunteer.shift_start
        if volunteer.vehicle_type == "electric_tricycle":
            assert volunteer.plate is None and volunteer.payload_kg <= 400
        else:
            assert re.match(r"^渝H[0-9A-Z]{5}$", volunteer.plate)
    assert len({v.plate for v in volunteers if v.plate}) == sum(1 for v in volunteers if v.plate)
    assert any(v.duty_days != 0b1111111 for v in volunteers)


def test_the_documented_demo_passwords_work(seeded):
    def login(username: str, password: str) -> bool:
        user = db.session.scalar(select(User).where(User.username == username))
        return user is not None and user.active and user.check_password(password)

    assert login("admin", ADMIN_PASSWORD)
    assert login("diaodu", DISPATCHER_PASSWORD)
    assert login("diaodu2", DISPATCHER_PASSWORD)
    assert login("cun-500243102201", CADRE_PASSWORD)
    assert login("zhen-hanjia", CADRE_PASSWORD)
    assert not login("admin", CADRE_PASSWORD)


def test_orders_follow_the_spring_crop_calendar(seeded):
    wanted = db.session.execute(
        select(Product.code, Order.wanted_from, Order.wanted_to)
        .select_from(OrderLine)
        .join(Order, OrderLine.order_id == Order.id)
        .join(Product, OrderLine.product_id == Product.id)
    ).all()
    potato = [(start, end) for code, start, end in wanted if code.startswith("ZZ-MLS")]
    maize = [(start, end) for code, start, end in wanted if code.startswith("ZZ-YM")]
    assert potato and all(end <= date(2020, 3, 12) for _, end in potato)
    assert maize and all(start >= date(2020, 3, 1) for start, _ in maize)
