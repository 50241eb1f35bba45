"""Acceptance of issue #12: a county set up from an empty database with the commands,
pages and imports alone (no demo code), up to a published delivery day and a volunteer's
phone page, in real Chromium. Each step's time is printed (run with -s to see them)."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, Household, Order, User, Volunteer
from supply_match.queue import work_one
from supply_match.services.county import settings as county_settings

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

ADMIN_PASSWORD = "Pengshui-2020"


def workbook(path, header, rows):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


class Steps:
    """Times each step, for the issue's closing note."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self._started = time.monotonic()

    def done(self, name: str) -> None:
        now = time.monotonic()
        self.times.append((name, now - self._started))
        self._started = now

    def report(self) -> str:
        lines = [f"{seconds:6.1f} s  {name}" for name, seconds in self.times]
        lines.append(f"{sum(s for _n, s in self.times):6.1f} s  total")
        return "\n".join(lines)


def sign_in(page, url, login, password):
    page.goto(f"{url}/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')


def upload(page, url, path):
    page.goto(url)
    page.set_input_files('input[type="file"]', path)
    page.get_by_role("button", name="导入").click()
    page.wait_for_selector("[data-import-result], [data-sheet-errors]")
    assert page.locator("[data-sheet-errors]").count() == 0, page.inner_text("main")


def test_a_county_from_an_empty_database(live_server, desktop_page, phone_page, tmp_path, app):
    url = live_server.url
    page = desktop_page
    steps = Steps()
    assert db.session.scalar(select(func.count(User.id))) == 0

    # 1. The first administrator, from the command line.
    result = live_server.app.test_cli_runner().invoke(
        args=["create-admin", "chen", "--name", "陈明", "--password-stdin"],
        input=ADMIN_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    steps.done("create-admin")

    # 2. The county's settings; the checklist shows what is still missing.
    sign_in(page, url, "chen", ADMIN_PASSWORD)
    assert page.locator('[data-step="settings"][data-done="no"]').count() == 1
    page.goto(f"{url}/admin/settings/")
    page.fill('input[name="county_code"]', "500243")
    page.fill('input[name="county_name"]', "彭水苗族土家族自治县")
    page.fill('input[name="service_title"]', "彭水县农资保供")
    page.get_by_role("button", name="保存").click()
    assert page.locator('[data-step="settings"][data-done="yes"]').count() == 1
    assert "彭水县农资保供" in page.inner_text("header")
    steps.done("county settings")

    # 3. Two townships and three villages from one sheet.
    places = workbook(
        tmp_path / "places.xlsx",
        ["代码", "名称", "纬度", "经度", "收货点", "收货点联系人", "收货点电话", "村民小组数"],
        [
            ["500243001", "汉葭街道", 29.2930, 108.1660, None, None, None, None],
            [
                "500243001201",
                "石嘴村",
                29.3050,
                108.1800,
                "石嘴村村委会",
                "冉德福",
                "13896412345",
                6,
            ],
            ["500243001202", "长滩村", 29.2800, 108.1500, None, None, None, 5],
            ["500243104", "鹿鸣乡", 29.3500, 108.2900, None, None, None, None],
            [
                "500243104201",
                "鹿鸣村",
                29.3600,
                108.3000,
                "鹿鸣村村委会",
                "向小琴",
                "13896412346",
                6,
            ],
        ],
    )
    upload(page, f"{url}/places/import", places)
    assert page.inner_text('[data-figure="villages_added"]') == "3"
    steps.done("townships and villages (import)")

    # 4. Products, by form.
    for code, name, category, unit, weight in [
        ("FZ-NS-50", "尿素（46%）", "fertilizer", "袋", "50"),
        ("ZZ-YM-001", "玉米种子 渝单8号", "seed", "袋", "1"),
    ]:
        page.goto(f"{url}/catalogue/products/new")
        page.fill('input[name="code"]', code)
        page.fill('input[name="name"]', name)
        page.select_option('select[name="category"]', category)
        page.fill('input[name="unit"]', unit)
        page.fill('input[name="unit_weight_kg"]', weight)
        page.get_by_role("button", name="保存").click()
        page.wait_for_url("**/catalogue/products")
    steps.done("two products (form)")

    # 5. An outlet from a sheet, its stock from a sheet.
    outlets = workbook(
        tmp_path / "outlets.xlsx",
        ["网点名称", "乡镇", "地址", "纬度", "经度", "联系人", "联系电话"],
        [["汉葭农资门市部", "汉葭街道", "滨江路118号", 29.2935, 108.1665, "冉光明", "13896012345"]],
    )
    upload(page, f"{url}/catalogue/outlets/import", outlets)
    stock = workbook(
        tmp_path / "stock.xlsx",
        ["网点", "产品", "库存数量"],
        [["汉葭农资门市部", "尿素（46%）", 200], ["汉葭农资门市部", "ZZ-YM-001", 300]],
    )
    upload(page, f"{url}/imports/stock", stock)
    steps.done("outlet and stock (imports)")

    # 6. A volunteer by form.
    page.goto(f"{url}/volunteers/new")
    page.fill('input[name="name"]', "冉建国")
    page.fill('input[name="mobile"]', "13983512345")
    page.fill('input[name="party_branch"]', "石嘴村党支部")
    page.select_option('select[name="village"]', label="汉葭街道石嘴村")
    page.select_option('select[name="vehicle_type"]', "minivan")
    page.fill('input[name="payload_kg"]', "800")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/volunteers/")
    steps.done("volunteer (form)")

    # 7. A second volunteer signs up on a phone from the poster's link; the admin approves.
    page.goto(f"{url}/volunteers/")
    page.get_by_role("link", name="鹿鸣乡").click()
    link = page.get_attribute("[data-signup-link]", "href")
    phone_page.goto(link)
    phone_page.fill('input[name="name"]', "向红梅")
    phone_page.fill('input[name="mobile"]', "13983512345")  # the first volunteer's: refused
    phone_page.fill('input[name="party_branch"]', "鹿鸣村党支部")
    phone_page.select_option('select[name="village"]', label="鹿鸣村")
    phone_page.select_option('select[name="vehicle_type"]', "motor_tricycle")
    phone_page.fill('input[name="payload_kg"]', "500")
    phone_page.get_by_role("button", name="提交报名").click()
    assert "已使用手机号 13983512345" in phone_page.inner_text("main")
    phone_page.fill('input[name="mobile"]', "13983512346")
    phone_page.get_by_role("button", name="提交报名").click()
    assert phone_page.locator("[data-signup-done]").count() == 1
    assert db.session.scalar(select(func.count(Volunteer.id))) == 1  # not before approval
    page.goto(f"{url}/volunteers/applications")
    page.get_by_role("button", name="通过", exact=True).click()
    assert "向红梅 已成为志愿者" in page.inner_text(".flashes")
    steps.done("volunteer (phone sign-up and approval)")

    # 8. A village cadre from a sheet; the first password is read off the page.
    cadres = workbook(
        tmp_path / "cadres.xlsx",
        ["登录名", "姓名", "手机号", "村代码"],
        [["shizui", "冉德福", "13896412345", "500243001201、500243001202"]],
    )
    upload(page, f"{url}/admin/accounts/import", cadres)
    first_password = page.inner_text('[data-user="shizui"] [data-password]').strip()
    page.get_by_role("button", name="退出").click()
    steps.done("cadre account (import)")

    # 9. The cadre signs in, must choose a password, imports households and orders.
    sign_in(page, url, "shizui", first_password)
    page.wait_for_url("**/password")
    page.fill('input[name="current"]', first_password)
    page.fill('input[name="new"]', "Xiang-Cun-2020")
    page.fill('input[name="repeated"]', "Xiang-Cun-2020")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(re.compile(r".*/(cadre|orders).*"))
    households = workbook(
        tmp_path / "households.xlsx",
        ["村", "组", "户主姓名", "手机号"],
        [["石嘴村", 2, "冉光辉", "13896013001"], ["石嘴村", 4, "向大山", "13896013002"],
         ["长滩村", 1, "任秀英", "13896013003"]],
    )  # fmt: skip
    upload(page, f"{url}/households/import", households)
    assert page.inner_text('[data-figure="added"]') == "3"
    day = county_settings.county_today() + timedelta(days=2)
    orders = workbook(
        tmp_path / "orders.xlsx",
        ["村", "组", "户主姓名", "手机号", "产品", "数量", "最早送货日期", "最晚送货日期"],
        [["石嘴村", 2, "冉光辉", "13896013001", "尿素（46%）", 4, day.isoformat(), day.isoformat()],
         ["石嘴村", 4, "向大山", "13896013002", "ZZ-YM-001", 6, day.isoformat(), day.isoformat()],
         ["长滩村", 1, "任秀英", "13896013003", "尿素（46%）", 2, day.isoformat(), day.isoformat()]],
    )  # fmt: skip
    upload(page, f"{url}/imports/orders", orders)
    assert db.session.scalar(select(func.count(Household.id))) == 3  # the orders found them
    assert db.session.scalar(select(func.count(Order.id))) == 3
    page.get_by_role("button", name="退出").click()
    steps.done("households and orders (cadre's imports)")

    # 10. Match, plan the day, publish, open a volunteer's page.
    sign_in(page, url, "chen", ADMIN_PASSWORD)
    page.goto(f"{url}/supply")
    page.click('[data-action="run-matching"]')
    page.goto(f"{url}/plans/{day.isoformat()}")
    assert page.inner_text('[data-figure="orders"]') == "3"
    page.get_by_role("button", name="开始规划").click()
    page.wait_for_url("**/plans/jobs/*")
    assert work_one(live_server.app.extensions["queue"])
    page.wait_for_url(f"**/plans/{day.isoformat()}", timeout=20_000)
    page.get_by_role("button", name="发布").click()
    assert "已发布第 1 版" in page.inner_text(".flashes")
    plan = db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.delivery_date == day))
    db.session.refresh(plan)
    run = plan.runs[0]
    page.goto(f"{url}/plans/volunteers")
    link = page.get_attribute(f"#volunteer-{run.volunteer_id} .link a", "href")
    phone_page.goto(link)
    phone_page.wait_for_selector("text=" + run.volunteer.name)
    steps.done("matching, planning, publishing, a volunteer's page")

    # The checklist is complete.
    page.goto(f"{url}/admin/")
    assert page.locator('[data-setup-checklist] [data-done="no"]').count() == 0
    print("\nA county from an empty database, step by step:\n" + steps.report())
