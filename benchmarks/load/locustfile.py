"""The county's people as locust users: 25 village cadres, 5 dispatchers, 20 volunteers.

Run by benchmarks/load/run.py, which writes the people (logins, the day, the volunteers'
tokens) to the JSON file named by ``LOAD_PEOPLE``. Each simulated person signs in once
(with the login form's CSRF token, as a browser does) and then reads the pages their role
uses, a few seconds apart; volunteers open their phone page once and poll ``day.json``.
Requests are named by page, not by URL, so the figures come out per page.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

from locust import HttpUser, between, task

PEOPLE = json.loads(Path(os.environ["LOAD_PEOPLE"]).read_text(encoding="utf-8"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_next_cadre = itertools.count()
_next_dispatcher = itertools.count()
_next_volunteer = itertools.count()


def sign_in(user: HttpUser, login: str, password: str) -> None:
    page = user.client.get("/login", name="login form")
    token = CSRF.search(page.text)
    with user.client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": token.group(1) if token else ""},
        name="sign in",
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"sign-in of {login} answered {response.status_code}")


class Cadre(HttpUser):
    fixed_count = 25
    wait_time = between(1, 4)

    def on_start(self) -> None:
        cadres = PEOPLE["cadres"]
        login = cadres[next(_next_cadre) % len(cadres)]
        sign_in(self, login, PEOPLE["cadre_password"])

    @task(3)
    def home(self) -> None:
        self.client.get("/cadre/", name="cadre home")

    @task(3)
    def orders(self) -> None:
        self.client.get("/orders", name="orders (cadre)")

    @task(2)
    def households(self) -> None:
        self.client.get("/households", name="households (cadre)")

    @task(2)
    def progress(self) -> None:
        self.client.get("/plans/progress", name="progress (cadre)")


class Dispatcher(HttpUser):
    fixed_count = 5
    wait_time = between(1, 4)

    def on_start(self) -> None:
        dispatchers = PEOPLE["dispatchers"]
        login = dispatchers[next(_next_dispatcher) % len(dispatchers)]
        sign_in(self, login, PEOPLE["dispatcher_password"])
        self.day = PEOPLE["day"]

    @task(2)
    def home(self) -> None:
        self.client.get("/dispatch/", name="dispatcher home")

    @task(3)
    def plan(self) -> None:
        self.client.get(f"/plans/{self.day}", name="plan page")

    @task(4)
    def board(self) -> None:
        self.client.get(f"/plans/{self.day}/board", name="board")

    @task(2)
    def supply(self) -> None:
        self.client.get("/supply", name="supply")

    @task(1)
    def days(self) -> None:
        self.client.get("/plans/", name="delivery days")

    @task(1)
    def progress(self) -> None:
        self.client.get("/plans/progress", name="progress (dispatcher)")

    @task(1)
    def orders(self) -> None:
        self.client.get("/orders", name="orders (dispatcher)")

    @task(1)
    def households(self) -> None:
        self.client.get("/households", name="households (dispatcher)")

    @task(1)
    def sheets(self) -> None:
        self.client.get(f"/plans/{self.day}/sheets.pdf", name="route sheets PDF")


class Volunteer(HttpUser):
    fixed_count = 20
    wait_time = between(1, 4)

    def on_start(self) -> None:
        tokens = PEOPLE["volunteer_tokens"]
        self.token = tokens[next(_next_volunteer) % len(tokens)]
        self.client.get(f"/v/{self.token}", name="volunteer page")

    @task
    def day(self) -> None:
        self.client.get(f"/v/{self.token}/day.json", name="day.json")
