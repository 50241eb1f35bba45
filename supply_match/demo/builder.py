"""Build the Pengshui demo into the session: the county's 39 townships, a few villages
each, about 2,000 farming households and 1,500 spring-planting orders, ten outlets with
stock, forty party-member volunteers and the accounts to log in with.

Everything random comes from one ``random.Random(seed)``, and every timestamp is set
from the 2020 season, never from the clock: the same seed builds the same rows. Only the
password hashes differ between two builds, because each hash carries a fresh salt.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from supply_match import password_hashing
from supply_match.demo import facts, names
from supply_match.demo.money import OUTLET_PASSWORD, build_money, create_staff, staff_username
from supply_match.demo.party_members import township_party_members
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPoint,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    OutletPrice,
    Product,
    Role,
    Stock,
    Township,
    User,
    VehicleType,
    Village,
    Volunteer,
)
from supply_match.models.volunteer import ALL_DAYS
from supply_match.services.county import place_import
from supply_match.services.county import settings as county_settings
from supply_match.services.county import volunteers as volunteer_rules
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.supply import catalogue
from supply_match.services.supply import stock as ledger
from supply_match.services.unit_of_work import use_case

T = TypeVar("T")

ADMIN_PASSWORD = "admin-2020"
DISPATCHER_PASSWORD = "diaodu-2020"
CADRE_PASSWORD = "cadre-2020"
DISPATCHERS = [("diaodu", "调度员彭志刚"), ("diaodu2", "调度员田晓燕")]
# The township cadre who sees every village of the county seat's 街道.
TOWNSHIP_CADRE = ("zhen-hanjia", "500243001", "彭主任（汉葭街道）")
# Cadres named in the logins the CLI prints: the first village of three townships.
NAMED_CADRE_VILLAGES = ["500243001201", "500243102201", "500243114201"]

PENGSHUI_SETTINGS = dict(
    county_code="500243",
    county_name="彭水苗族土家族自治县",
    service_title="彭水农资配送",
    time_zone="Asia/Shanghai",
    default_shift_start="08:00",
    default_shift_end="17:00",
    keep_pesticide_apart=True,
    circuity="1.4",
)

HOUSEHOLDS = 2000
ORDERS_PER_HOUSEHOLD = [(0, 36), (1, 54), (2, 10)]  # about 1,500 orders
LINES_PER_ORDER = [(1, 30), (2, 35), (3, 22), (4, 13)]
VOLUNTEERS = 40

SEASON_START = date(2020, 2, 24)
SEASON_END = date(2020, 4, 10)
# When the accounts and households were entered (UTC, naive like every stored time).
REGISTERED_AT = datetime(2020, 2, 17, 1, 0)
# Spring stock arrived at the outlets over the days before deliveries began.
STOCK_RECEIVED_AT = datetime(2020, 2, 19, 0, 0)
STOCK_REASON = "春耕备货到货（演示数据）"


# Mobile prefixes of China Mobile, Unicom and Telecom common in the countryside.
MOBILE_PREFIXES = [
    *("135", "138", "139", "150", "151", "152", "157", "158", "159", "182", "187", "188"),
    *("130", "131", "132", "155", "156", "185", "186"),
    *("133", "153", "177", "180", "181", "189", "199"),
]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O on Chinese plates

# Villages per township by kind, and how far their centres lie from the township's (km).
VILLAGES_PER_TOWNSHIP = {"街道": (3, 4), "镇": (5, 8), "乡": (3, 6)}
VILLAGE_DISTANCE_KM = {"街道": (1.0, 4.0), "镇": (1.5, 7.0), "乡": (1.5, 6.0)}

# (type, relative frequency, payload range kg, has a plate): tricycles and minivans are
# what village party members own; trucks and pickups are few.
VEHICLES = [
    (VehicleType.ELECTRIC_TRICYCLE, 30, (250, 350), False),
    (VehicleType.MOTOR_TRICYCLE, 25, (500, 800), True),
    (VehicleType.MINIVAN, 22, (500, 700), True),
    (VehicleType.MOTORCYCLE, 8, (80, 120), True),
    (VehicleType.PICKUP, 8, (800, 1000), True),
    (VehicleType.LIGHT_TRUCK, 7, (1500, 2000), True),
]
WEEKENDS = 0b1100000
WEEKDAYS = 0b0011111
SHIFTS = [
    ((time(7, 30), time(17, 30)), 6),
    ((time(8, 0), time(18, 0)), 3),
    ((time(13, 0), time(18, 0)), 2),
    ((time(7, 0), time(12, 0)), 1),
]
TIME_WINDOWS = [
    ((time(8, 0), time(12, 0)), 5),
    ((time(14, 0), time(18, 0)), 4),
    ((time(9, 0), time(11, 30)), 1),
    ((time(7, 0), time(10, 0)), 1),
]
# Share of outlets other than the county company's that carry a product of each category.
STOCKED_BY_CATEGORY = {"seed": 0.85, "fertilizer": 0.95, "pesticide": 0.6, "film": 0.7}
STOCKED_OTHERWISE = 0.5

KM_PER_DEGREE_LAT = 111.2


class DemoError(RuntimeError):
    """The demo cannot be built here (the database already holds a county)."""


@use_case
def build_demo(seed: int) -> dict[str, int]:
    """Build the whole demo in one transaction and return its figures.

    The county's settings, townships and villages, outlets and volunteers go through the
    same use cases and imports a real county uses (so the demo tests them), and so are
    the outlet staff's accounts; households, the other accounts, orders and stock are
    written directly, to keep their 2020 timestamps and one shared password hash per role
    (the ten staff logins are each hashed: a second or so)."""
    if db.session.scalar(select(func.count()).select_from(Township)):
        raise DemoError(
            "数据库里已有乡镇数据，不能再生成演示数据（可用 --if-empty 跳过）/ "
            "the database already holds townships: the demo is seeded only into an empty one"
        )
    return _Builder(seed).build()


def demo_logins() -> list[str]:
    """How to log in to the demo, one line per account worth naming. An account is named
    only while its demo password still works here, so a real county's database never
    shows demo passwords (each distinct hash is checked once: the cadres share one)."""
    usernames = ["admin", *(u for u, _ in DISPATCHERS), TOWNSHIP_CADRE[0]]
    usernames += [f"cun-{code}" for code in NAMED_CADRE_VILLAGES]
    hashes = dict(
        db.session.execute(
            select(User.username, User.password_hash).where(User.username.in_(usernames))
        ).all()
    )
    checked: dict[tuple[str, str], bool] = {}

    def works(username: str, password: str) -> bool:
        if username not in hashes:
            return False
        key = (hashes[username], password)
        if key not in checked:
            checked[key] = password_hashing.password_matches(hashes[username], password)
        return checked[key]

    villages = {
        village.code: village
        for village in db.session.scalars(
            select(Village).where(Village.code.in_(NAMED_CADRE_VILLAGES))
        )
    }
    lines = []
    if works("admin", ADMIN_PASSWORD):
        lines.append(f"管理员 admin / {ADMIN_PASSWORD}")
    lines += [
        f"调度员 {username} / {DISPATCHER_PASSWORD}"
        for username, _ in DISPATCHERS
        if works(username, DISPATCHER_PASSWORD)
    ]
    for code in NAMED_CADRE_VILLAGES:
        username = f"cun-{code}"
        if code in villages and works(username, CADRE_PASSWORD):
            lines.append(f"村干部 {username} / {CADRE_PASSWORD} ({villages[code].full_name})")
    if works(TOWNSHIP_CADRE[0], CADRE_PASSWORD):
        lines.append(f"乡镇干部 {TOWNSHIP_CADRE[0]} / {CADRE_PASSWORD} (汉葭街道全部村)")
    if lines:
        lines.append(f"每个演示村一个村干部账号: cun-<村代码> / {CADRE_PASSWORD}")
    staff = db.session.execute(
        select(User.username, User.password_hash, User.display_name)
        .where(User.username.like("wangdian-%"))
        .order_by(User.username)
    ).all()
    for username, password_hash, display_name in staff:
        if username == staff_username(0) and not password_hashing.password_matches(
            password_hash, OUTLET_PASSWORD
        ):
            break
        lines.append(f"网点店员 {username} / {OUTLET_PASSWORD} ({display_name})")
    return lines


def _weighted(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def _share_password(users: Sequence[User], password: str) -> None:
    """Hash ``password`` once (hashing is slow on purpose) and give every user that hash."""
    users[0].set_password(password)
    for user in users[1:]:
        user.password_hash = users[0].password_hash


def _overlap_days(season: tuple[date, date], fact: facts.ProductFact) -> int:
    return (min(season[1], fact.season_to) - max(season[0], fact.season_from)).days


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder, ties by position)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Builder:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.mobiles: set[str] = set()
        self.plates: set[str] = set()

    # Small makers -------------------------------------------------------------------

    def near(self, lat: float, lon: float, min_km: float, max_km: float) -> tuple[float, float]:
        """A point between ``min_km`` and ``max_km`` from (lat, lon), evenly over the ring,
        and inside the county."""
        rng = self.rng
        while True:
            bearing = rng.uniform(0, 2 * math.pi)
            distance = math.sqrt(rng.uniform(min_km**2, max_km**2))
            new_lat = lat + distance * math.cos(bearing) / KM_PER_DEGREE_LAT
            new_lon = lon + distance * math.sin(bearing) / (
                KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
            )
            if facts.in_county(new_lat, new_lon):
                return round(new_lat, 6), round(new_lon, 6)

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def person(self, younger: bool = False) -> str:
        rng = self.rng
        surname = _weighted(rng, names.SURNAMES)
        if younger and rng.random() < 0.6:
            pool = names.GIVEN_NAMES_YOUNGER
        else:
            pool = names.GIVEN_NAMES_MALE if rng.random() < 0.7 else names.GIVEN_NAMES_FEMALE
        return surname + rng.choice(pool)

    def plate(self) -> str:
        rng = self.rng
        while True:
            chars = [str(rng.randrange(10)) for _ in range(5)]
            if rng.random() < 0.6:
                chars[rng.randrange(2)] = rng.choice(PLATE_LETTERS)
            plate = "渝H" + "".join(chars)
            if plate not in self.plates:
                self.plates.add(plate)
                return plate

    # The county ----------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        county_settings.save_settings(**PENGSHUI_SETTINGS)
        townships, villages = self.places()
        # Each group joins the session as soon as it is made: the use cases below query,
        # and their autoflush must find what they refer to already there.
        households = self.households(villages)
        db.session.add_all(households)
        products = self.products()
        db.session.add_all(products)
        users, cadres = self.users(villages)
        db.session.add_all(users)
        orders = self.orders(households, products, cadres)
        db.session.add_all(orders)
        db.session.flush()
        outlets, stock = self.outlets(townships, products, orders, received_by=users[0])
        db.session.add_all(stock)
        volunteers = self.volunteers(townships, villages, outlets)
        party_members = township_party_members(self, townships, villages)
        db.session.add_all(party_members)
        volunteers += party_members
        money = build_money(self.seed, outlets, products, stock, orders)
        db.session.add_all(money)
        staff = create_staff(outlets, self.mobile)
        for user in staff:
            user.created_at = REGISTERED_AT
        db.session.flush()
        return {
            "townships": len(townships),
            "villages": len(villages),
            "households": len(households),
            "orders": len(orders),
            "order_lines": sum(len(order.lines) for order in orders),
            "outlets": len(outlets),
            "products": len(products),
            "volunteers": len(volunteers),
            "users": len(users) + len(staff),
            "prices": sum(isinstance(row, OutletPrice) for row in money),
        }

    def places(self) -> tuple[list[Township], list[Village]]:
        """The townships and villages, written through the places import as a county
        would load its sheet, then read back in the order they were made."""
        planned_townships = self.townships()
        planned_villages = self.villages(planned_townships)
        rows: list[list[object]] = []
        for t in planned_townships:
            rows.append([t.code, t.name, t.name_pinyin, t.lat, t.lon, "WGS84",
                         "", "", "", "", "", ""])  # fmt: skip
        for v in planned_villages:
            rows.append([v.code, v.name, "", v.lat, v.lon, "WGS84", v.collection_point,
                         v.collection_lat, v.collection_lon, "", "", v.group_count])  # fmt: skip
        data = sheets.write_xlsx(place_import.PLACE_COLUMNS, rows, "乡镇和村")
        place_import.import_places("演示乡镇和村.xlsx", data)
        townships = {t.code: t for t in db.session.scalars(select(Township))}
        villages = {v.code: v for v in db.session.scalars(select(Village))}
        # The import takes entered coordinates for surveyed ones; the demo's are placed.
        for planned in planned_townships:
            townships[planned.code].coord_approximate = planned.coord_approximate
        for village in villages.values():
            village.coord_approximate = True
        return (
            [townships[t.code] for t in planned_townships],
            [villages[v.code] for v in planned_villages],
        )

    def townships(self) -> list[Township]:
        return [
            Township(
                code=fact.code,
                name=fact.name,
                name_pinyin=fact.pinyin,
                kind=fact.kind,
                lat=fact.lat,
                lon=fact.lon,
                coord_approximate=fact.approximate,
            )
            for fact in facts.townships()
        ]

    def villages(self, townships: list[Township]) -> list[Village]:
        rng = self.rng
        villages = []
        for township in townships:
            low, high = VILLAGES_PER_TOWNSHIP[township.kind]
            count = rng.randint(low, high)
            min_km, max_km = VILLAGE_DISTANCE_KM[township.kind]
            for number, stem in enumerate(rng.sample(names.VILLAGE_NAMES, count), start=201):
                name = stem + "村"
                lat, lon = self.near(township.lat, township.lon, min_km, max_km)
                point = name + _weighted(rng, names.COLLECTION_POINTS)
                collection_lat, collection_lon = self.near(lat, lon, 0.02, 0.3)
                villages.append(
                    Village(
                        township=township,
                        code=f"{township.code}{number:03d}",
                        name=name,
                        lat=lat,
                        lon=lon,
                        coord_approximate=True,
                        collection_point=point,
                        collection_lat=collection_lat,
                        collection_lon=collection_lon,
                        group_count=rng.randint(4, 12),
                    )
                )
        return villages

    def households(self, villages: list[Village]) -> list[Household]:
        """Households in proportion to a village's groups; fewer in the town 街道, where
        fewer people farm. Each group (组) is a hamlet of its own around the village."""
        rng = self.rng
        weights = [
            village.group_count
            * rng.uniform(0.7, 1.3)
            * (0.6 if village.township.kind == "街道" else 1.0)
            for village in villages
        ]
        households = []
        for village, count in zip(villages, _apportion(HOUSEHOLDS, weights), strict=True):
            hamlets = [
                self.near(village.lat, village.lon, 0.2, 1.6) for _ in range(village.group_count)
            ]
            for _ in range(count):
                group_no = rng.randint(1, village.group_count)
                lat, lon = self.near(*hamlets[group_no - 1], 0.03, 0.5)
                households.append(
                    Household(
                        village=village,
                        name=self.person(),
                        mobile=self.mobile(),
                        group_no=group_no,
                        lat=lat,
                        lon=lon,
                        created_at=REGISTERED_AT + timedelta(minutes=rng.randrange(5 * 24 * 60)),
                    )
                )
        return households

    def products(self) -> list[Product]:
        return [
            Product(
                code=fact.code,
                name=fact.name,
                category=fact.category,
                unit=fact.unit,
                unit_weight_kg=fact.unit_weight_kg,
                hazard_class=fact.hazard_class,
                active=True,
            )
            for fact in facts.products()
        ]

    def users(self, villages: list[Village]) -> tuple[list[User], dict[str, User]]:
        """The admin, two dispatchers, a cadre per village and one for a whole township."""
        admin = User(
            username="admin", display_name="系统管理员", role=Role.ADMIN, mobile=self.mobile()
        )
        dispatchers = [
            User(username=username, display_name=name, role=Role.DISPATCHER, mobile=self.mobile())
            for username, name in DISPATCHERS
        ]
        cadres: dict[str, User] = {}
        for village in villages:
            surname = _weighted(self.rng, names.SURNAMES)
            cadres[village.code] = User(
                username=f"cun-{village.code}",
                display_name=f"{surname}书记（{village.full_name}）",
                role=Role.CADRE,
                mobile=self.mobile(),
                villages=[village],
            )
        username, township_code, display_name = TOWNSHIP_CADRE
        township_cadre = User(
            username=username,
            display_name=display_name,
            role=Role.CADRE,
            mobile=self.mobile(),
            villages=[v for v in villages if v.township.code == township_code],
        )

        _share_password([admin], ADMIN_PASSWORD)
        _share_password(dispatchers, DISPATCHER_PASSWORD)
        _share_password([*cadres.values(), township_cadre], CADRE_PASSWORD)
        users = [admin, *dispatchers, *cadres.values(), township_cadre]
        for user in users:
            user.created_at = REGISTERED_AT
            user.active = True
        return users, cadres

    # Demand and supply ----------------------------------------------------------------

    def orders(
        self, households: list[Household], products: list[Product], cadres: dict[str, User]
    ) -> list[Order]:
        rng = self.rng
        by_code = {fact.code: fact for fact in facts.products()}
        orders = []
        for household in households:
            for _ in range(_weighted(rng, ORDERS_PER_HOUSEHOLD)):
                lines, (season_from, season_to) = self.lines(products, by_code)
                span = rng.randint(0, min(6, (season_to - season_from).days))
                wanted_from = season_from + timedelta(
                    days=rng.randint(0, (season_to - season_from).days - span)
                )
                wanted_to = wanted_from + timedelta(days=span)
                created_at = datetime.combine(
                    wanted_from - timedelta(days=rng.randint(1, 10)), time(0)
                ) + timedelta(minutes=rng.randrange(12 * 60))
                created_at = max(created_at, household.created_at + timedelta(hours=1))
                order = Order(
                    household=household,
                    # Every demo order is only submitted: allocation would reserve stock,
                    # which matching does, so the demo leaves that to the dispatcher.
                    status=OrderStatus.SUBMITTED,
                    wanted_from=wanted_from,
                    wanted_to=wanted_to,
                    priority=0,
                    created_by=cadres[household.village.code],
                    created_at=created_at,
                    updated_at=created_at,
                    lines=lines,
                )
                self.delivery_point(order, household)
                if rng.random() < 0.3:
                    order.window_start, order.window_end = _weighted(rng, TIME_WINDOWS)
                if rng.random() < 0.04:
                    order.note, order.priority = rng.choice(names.PRIORITY_NOTES)
                elif order.note is None and rng.random() < 0.1:
                    order.note = rng.choice(names.ORDER_NOTES)
                orders.append(order)
        return orders

    def lines(
        self, products: list[Product], by_code: dict[str, facts.ProductFact]
    ) -> tuple[list[OrderLine], tuple[date, date]]:
        """An order's lines: products drawn by popularity, each wanted in a season that
        shares at least a week with the others', and the season they share."""
        rng = self.rng
        weights = [by_code[p.code].popularity for p in products]
        season = (SEASON_START, SEASON_END)
        lines = []
        for _ in range(_weighted(rng, LINES_PER_ORDER)):
            candidates = [
                weight if _overlap_days(season, by_code[product.code]) >= 7 else 0
                for product, weight in zip(products, weights, strict=True)
            ]
            if not any(candidates):
                break
            index = rng.choices(range(len(products)), weights=candidates)[0]
            weights[index] = 0
            fact = by_code[products[index].code]
            season = (max(season[0], fact.season_from), min(season[1], fact.season_to))
            quantity = rng.randrange(fact.qty_min, fact.qty_max + 1, fact.qty_step)
            lines.append(OrderLine(product=products[index], quantity=Decimal(quantity)))
        return lines, season

    def delivery_point(self, order: Order, household: Household) -> None:
        roll = self.rng.random()
        if roll < 0.12:
            order.delivery_point = DeliveryPoint.FIELD
            order.delivery_lat, order.delivery_lon = self.near(
                household.lat, household.lon, 0.1, 0.8
            )
            if self.rng.random() < 0.5:
                order.note = "送到地头，有人接"
        elif roll < 0.25:
            order.delivery_point = DeliveryPoint.COLLECTION
        else:
            order.delivery_point = DeliveryPoint.HOME

    def outlets(
        self,
        townships: list[Township],
        products: list[Product],
        orders: list[Order],
        received_by: User,
    ) -> tuple[list[Outlet], list[Stock]]:
        """Outlets near their township's centre, and stock set against the demand the
        orders make: a few products short county-wide (``supply_ratio`` below 1), the
        rest covered with room to spare. The county company's shop carries everything.
        Stock arrives through the ledger, so every figure has its explaining row."""
        rng = self.rng
        township_by_code = {t.code: t for t in townships}
        outlet_facts = facts.outlets()
        outlets = []
        for fact in outlet_facts:
            township = township_by_code[fact.township_code]
            lat, lon = self.near(township.lat, township.lon, 0.05, 0.4)
            form = MultiDict({
                "name": fact.name, "township_id": str(township.id), "address": fact.address,
                "lat": str(lat), "lon": str(lon), "opens_at": fact.opens_at.strftime("%H:%M"),
                "closes_at": fact.closes_at.strftime("%H:%M"),
                "contact_name": fact.contact_name, "contact_mobile": self.mobile(),
                "active": "1",
            })  # fmt: skip
            # The outlet form's own rules; a demo fact they refuse is a bug in the facts.
            values, errors = catalogue.read_outlet(form, None)
            if errors:
                raise DemoError(f"outlet {fact.name}: {errors}")
            outlet = Outlet(**values)
            db.session.add(outlet)
            db.session.flush()
            outlets.append(outlet)

        demand: dict[str, Decimal] = {p.code: Decimal(0) for p in products}
        for order in orders:
            for line in order.lines:
                demand[line.product.code] += line.quantity
        ratios = {fact.code: fact.supply_ratio for fact in facts.products()}
        stock = []
        for product in products:
            ratio = ratios[product.code] * rng.uniform(0.97, 1.03)
            total = math.ceil(demand[product.code] * Decimal(str(round(ratio, 4))))
            chance = STOCKED_BY_CATEGORY.get(product.category, STOCKED_OTHERWISE)
            carriers = [0] + [i for i in range(1, len(outlets)) if rng.random() < chance]
            shares = [outlet_facts[i].share * rng.uniform(0.7, 1.3) for i in carriers]
            for i, quantity in zip(carriers, _apportion(total, shares), strict=True):
                if quantity > 0:
                    row = Stock(
                        outlet=outlets[i], product=product, quantity=Decimal(0), reserved=Decimal(0)
                    )
                    change = ledger.receive(row, Decimal(quantity), STOCK_REASON, received_by)
                    change.created_at = STOCK_RECEIVED_AT + timedelta(
                        minutes=rng.randrange(3 * 24 * 60)
                    )
                    stock.append(row)
        return outlets, stock

    # Volunteers ------------------------------------------------------------------------

    def volunteers(
        self, townships: list[Township], villages: list[Village], outlets: list[Outlet]
    ) -> list[Volunteer]:
        """Most volunteers live where an outlet is, since runs load there; the rest are
        spread over the county. Party branches are the village's, the town community's,
        or (for a few) a county office's."""
        rng = self.rng
        outlet_townships = [
            (o.township, fact.share) for o, fact in zip(outlets, facts.outlets(), strict=True)
        ]
        volunteers = []
        for number in range(VOLUNTEERS):
            if number < len(names.COUNTY_BRANCHES):
                township = townships[0]
                branch = names.COUNTY_BRANCHES[number]
            else:
                if rng.random() < 0.7:
                    township = rng.choices(
                        [t for t, _ in outlet_townships], weights=[s for _, s in outlet_townships]
                    )[0]
                else:
                    township = rng.choice(townships)
                if township.kind == "街道":
                    branch = f"{township.name}{rng.choice(names.COMMUNITIES)}社区党支部"
                else:
                    own = [v for v in villages if v.township is township]
                    branch = f"{township.name}{rng.choice(own).name}党支部"
            vehicle, _, (low, high), plated = _weighted(
                rng, [(entry, entry[1]) for entry in VEHICLES]
            )
            payload = rng.randrange(low, high + 1, 10 if high < 200 else 50)
            home_lat, home_lon = self.near(township.lat, township.lon, 0.3, 4.0)
            (shift_start, shift_end) = _weighted(rng, SHIFTS)
            # Their village is the township's nearest to their home.
            home_village = min(
                (v for v in villages if v.township is township),
                key=lambda v: (v.lat - home_lat) ** 2 + (v.lon - home_lon) ** 2,
            )
            values = {
                "name": self.person(younger=True),
                "mobile": self.mobile(),
                "party_branch": branch,
                "village": home_village.id,
                "vehicle_type": vehicle,
                "plate": self.plate() if plated else "",
                "payload_kg": payload,
                "home_lat": home_lat,
                "home_lon": home_lon,
                "duty_days": volunteer_rules.duty_day_numbers(self.duty_days()),
                "shift_start": shift_start,
                "shift_end": shift_end,
            }
            volunteers.append(volunteer_rules.save_volunteer(values))
        return volunteers

    def duty_days(self) -> int:
        roll = self.rng.random()
        if roll < 0.6:
            return ALL_DAYS
        if roll < 0.75:
            return WEEKENDS
        if roll < 0.85:
            return WEEKDAYS
        days = self.rng.sample(range(7), self.rng.randint(3, 5))
        return sum(1 << day for day in days)
