"""Fixtures for the page tests: signing in as someone, and a small county with two
villages, a cadre for each, a dispatcher and an admin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher

from supply_match import password_hashing
from supply_match.extensions import db
from supply_match.models import Role
from tests import factories
from tests.conftest import compiled_catalogs  # noqa: F401  (other folders import it from here)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash with the cheapest Argon2id settings: a test makes several accounts and signs
    in several times, and the real settings' 40 ms each add up. The hasher is the one the
    service looks up at each call, so nothing else changes."""
    monkeypatch.setattr(
        password_hashing, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, login: str, password: str = factories.PASSWORD, **kwargs):
        return self.client.post("/login", data={"login": login, "password": password}, **kwargs)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@dataclass
class County:
    village_a: object
    village_b: object
    cadre_a: object
    cadre_b: object
    dispatcher: object
    admin: object
    household_a: object
    household_b: object
    order_a: object
    order_b: object


@pytest.fixture
def county_people(app) -> County:
    township = factories.township(name="保家镇")
    village_a = factories.village(township=township, name="甲村")
    village_b = factories.village(township=township, name="乙村")
    household_a = factories.household(village=village_a, name="张甲户")
    household_b = factories.household(village=village_b, name="李乙户")
    people = County(
        village_a=village_a,
        village_b=village_b,
        cadre_a=factories.user(
            Role.CADRE, villages=[village_a], username="cadre_a", mobile="13800000001"
        ),
        cadre_b=factories.user(Role.CADRE, villages=[village_b], username="cadre_b"),
        dispatcher=factories.user(Role.DISPATCHER, username="dispatcher"),
        admin=factories.user(Role.ADMIN, username="admin"),
        household_a=household_a,
        household_b=household_b,
        order_a=factories.order(household=household_a),
        order_b=factories.order(household=household_b),
    )
    db.session.commit()
    return people
