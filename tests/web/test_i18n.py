"""Chinese by default, English on request, and no string left untranslated."""

import io
import random
import re
from decimal import Decimal
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_decimal, refresh
from openpyxl import Workbook
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.i18n import FAST_PATTERNS, format_weight
from supply_match.i18n import format_decimal as i18n_format_decimal
from supply_match.models import JobStatus, PlanningJob, Role, StopUpdate
from supply_match.queue import work_one
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.intake import order_import
from supply_match.services.planning import jobs as planning_jobs
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import days, factories
from tests.days import DAY, allocated_orders

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "supply_match" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def extracted_msgids() -> set[str]:
    ids = set()
    for folder in ("supply_match", "routes"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            ids.update([message] if isinstance(message, str) else message)
    return ids


def test_every_string_has_a_chinese_translation():
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh_Hans_CN")
    translated = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        if m.pluralizable:  # singular and plural msgids, translated when every form is
            for msgid in m.id:
                translated[msgid] = all(m.string)
        else:
            translated[m.id] = m.string
    found = extracted_msgids()
    # Extraction really looked at templates, views and services.
    assert "Forgot your password? Ask the county administrator to reset it." in found
    assert "Order %(id)s has been cancelled." in found
    assert "This username is already taken." in found
    missing = sorted(m for m in found if not translated.get(m))
    assert missing == [], "add these to messages.po: " + "; ".join(missing)


def test_pages_are_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "用户名或手机号" in page


def test_language_switch_to_english_sticks(client, auth):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Username or mobile number" in page
    assert "用户名或手机号" not in page
    factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    auth.login("liu")
    page = client.get("/dispatch/").get_data(as_text=True)
    assert "Dispatch overview" in page
    assert "中文" in page  # the way back
    page = client.get("/dispatch/?lang=zh_Hans_CN").get_data(as_text=True)
    assert "调度概况" in page


def test_numbers_and_dates_follow_the_locale(client, auth, county_people):
    from datetime import date

    for _ in range(1):
        factories.order(
            household=county_people.household_a,
            wanted_from=date(2020, 3, 2),
            wanted_to=date(2020, 3, 6),
            lines=[(factories.product(unit_weight_kg=1), 1234)],
        )
    db.session.commit()
    auth.login("cadre_a")
    page = client.get("/orders").get_data(as_text=True)
    assert "2020/3/2" in page
    english = client.get("/orders?lang=en").get_data(as_text=True)
    assert "3/2/20" in english
    order_id = county_people.order_a.id + 2
    detail = client.get(f"/orders/{order_id}?lang=en").get_data(as_text=True)
    assert "1,234" in detail


# Messages from the services and the API follow the reader's language too.

CJK = re.compile(r"[\u4e00-\u9fff]")


def _xlsx(headers, rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_intake_form_errors_in_english(client, auth, county_people):
    auth.login("cadre_a")
    response = client.post(
        "/intake/households/new?lang=en",
        data=dict(
            village_id=str(county_people.village_b.id), name="冉光明", mobile="123", group_no="1"
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please fill in an 11-digit mobile number." in page
    assert "Please choose one of your villages." in page
    assert "11 位手机号码" not in page and "请选择您负责的村" not in page
    # The session keeps the choice; Chinese again when asked for.
    page = client.post(
        "/intake/households/new?lang=zh_Hans_CN",
        data=dict(village_id=str(county_people.village_a.id), name="冉光明", mobile="123"),
    ).get_data(as_text=True)
    assert "请填写 11 位手机号码" in page


def test_import_errors_in_english_name_their_row_and_column(client, auth, county_people):
    product = factories.product(name="尿素")
    db.session.commit()
    village = county_people.village_a
    headers = [c.header for c in order_import.ORDER_COLUMNS]

    def row(**values):
        cells = {c.key: None for c in order_import.ORDER_COLUMNS}
        cells.update(
            township=village.township.name, village=village.name, group="2", name="冉光明",
            mobile="13896012345", product=product.name, quantity="2",
            wanted_from="2020-03-02", wanted_to="2020-03-06",
        )  # fmt: skip
        cells.update(values)
        return [cells[c.key] for c in order_import.ORDER_COLUMNS]

    auth.login("cadre_a")
    response = client.post(
        "/imports/orders?lang=en",
        data={"file": (_xlsx(headers, [row(), row(name="何二", quantity="0")]), "orders.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-row="3" data-error-column="数量"' in page  # the header as in the file
    assert "The quantity must be more than 0." in page
    assert "数量必须大于 0" not in page
    # Outside the page, an error names its row and column in words.
    with force_locale("en"):
        error = sheets.CellError(3, "数量", "The quantity must be more than 0.")
        assert str(error) == "Row 3, column 数量: The quantity must be more than 0."
    refresh()  # the app context outlived the English request: choose the locale afresh
    assert (
        str(sheets.CellError(3, "数量", "数量必须大于 0")) == "第 3 行 「数量」列：数量必须大于 0"
    )


def test_api_422_body_in_english(client, auth, county_people):
    product = factories.product(name="尿素")
    db.session.commit()
    auth.login("cadre_a")
    body = {
        "household_id": county_people.household_a.id,
        "lines": [{"product_id": product.id, "quantity": 2}],
        "delivery_point": "home",
        "wanted_from": "2020-03-09",
        "wanted_to": "2020-03-01",
    }
    response = client.post("/api/v1/orders?lang=en", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "wanted_to": "The last date cannot be before the first."
    }
    # The session keeps English.
    response = client.post("/api/v1/orders", json={**body, "priority": "high"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "priority": "The priority must be a whole number from 0 to 9."
    }
    response = client.get("/api/v1/orders?page=0")
    assert response.get_json()["errors"] == {"page": "The page must be a positive whole number."}
    response = client.post("/api/v1/orders?lang=zh_Hans_CN", json=body)
    assert response.get_json()["errors"] == {"wanted_to": "结束日期不能早于开始日期"}


def test_planning_errors_in_english(app, client, auth, county):
    factories.user(Role.DISPATCHER, username="diaodu-en")
    # Submitted but never matched: there is nothing to plan.
    orders = [
        factories.order(household=days.household(county, i), wanted_from=DAY, wanted_to=DAY)
        for i in range(2)
    ]
    db.session.commit()
    auth.login("diaodu-en")
    client.get(f"/plans/{DAY.isoformat()}?lang=en")
    form = {"order": [o.id for o in orders], "volunteer": [v.id for v in county["volunteers"]]}
    assert client.post(f"/plans/{DAY.isoformat()}/start", data=form).status_code == 302
    # A second start while the first is queued is refused, in English.
    page = client.post(
        f"/plans/{DAY.isoformat()}/start", data=form, follow_redirects=True
    ).get_data(as_text=True)
    assert "is being planned already" in page and "的规划正在进行" not in page
    job = db.session.scalar(select(PlanningJob))
    assert job.params["locale"] == "en"
    work_one(app.extensions["queue"])  # the worker writes in the language of the requester
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and job.message == "Planning failed"
    page = client.get(f"/plans/jobs/{job.id}").get_data(as_text=True)
    assert "Planning failed" in page and "规划失败" not in page


def test_planning_jobs_started_outside_a_request_are_chinese(app, county):
    order = factories.order(household=days.household(county, 0), wanted_from=DAY, wanted_to=DAY)
    db.session.commit()
    job = planning_jobs.start_planning(DAY, PlanningSettings(), order_ids=[order.id])
    assert job.message == "排队中" and job.params["locale"] == "zh_Hans_CN"
    work_one(app.extensions["queue"])
    db.session.expire_all()
    assert job.message == "规划失败"


def test_a_stop_answer_is_stored_as_a_code_and_worded_for_whoever_asks(county):
    allocated_orders(county, [[(county["urea"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    run = plan.runs[0]

    def mark():
        result = delivery.apply_stop_update(
            run.volunteer,
            change_id="phone-en",
            stop_id=run.stops[0].id,
            action="failed",
            reason="nobody_home",
            plan_version=plan.version,
        )
        db.session.commit()
        return result

    assert mark().message == "已记录未送达：家中无人"
    assert db.session.scalar(select(StopUpdate.message)) == "failed:nobody_home"
    with force_locale("en"):
        again = mark()
    assert again.duplicate and again.message == "Recorded as not delivered: Nobody at home"


def test_weights_and_decimals_read_as_babel_formats_them_in_both_languages(app):
    """The weight and decimalformat filters format numbers themselves (Babel took 90 to
    200 microseconds a number): they must give what Babel's ``format_decimal`` gives,
    roundings, signs and groups included."""
    rng = random.Random(7)
    values = [Decimal("999.995"), Decimal("999.999"), Decimal("0.005"), Decimal("0.015"),
              Decimal("-3.5"), Decimal("-0.001"), 0, 7, 12.25, Decimal("1000"),
              Decimal("1049.95"), Decimal("99950"), Decimal("1E+6"), Decimal("2.50")]  # fmt: skip
    values += [
        Decimal(rng.randint(-(10**7), 10**9)) / Decimal(10 ** rng.randint(0, 4))
        for _ in range(3000)
    ]

    def babel_weight(kg) -> str:
        kg = Decimal(kg)
        if kg >= 1000:
            return format_decimal(kg / 1000, format="#,##0.0") + " t"
        return format_decimal(kg, format="#,##0.##") + " kg"

    for lang in ("zh_Hans_CN", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()
            shown = {value: format_weight(value) for value in values}
            assert shown == {value: babel_weight(value) for value in values}
            assert shown[Decimal("1049.95")] == "1.0 t"
            assert shown[Decimal("99950")] == "100.0 t"
            for pattern in FAST_PATTERNS:
                for value in [*values[:500], 2.675, 0.1, 1e-7, -5, 10**12]:
                    assert i18n_format_decimal(value, pattern) == format_decimal(
                        value, format=pattern
                    ), (pattern, value)


def test_every_label_reads_as_its_lazy_string_in_both_languages(app):
    """``labels.label`` finds a lazy label's text through the request's catalogue (the
    fast way): it must be what ``str()`` of the lazy string gives, in each language."""
    from supply_match import labels

    for lang in ("zh_Hans_CN", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()
            for name, table in labels.TABLES.items():
                for code, lazy in table.items():
                    assert labels.label(table, code) == str(lazy), (lang, name, code)
            assert labels.label(labels.STOP_STATUSES, "no-such-code") == "no-such-code"
    with app.test_request_context("/?lang=zh_Hans_CN"):
        refresh()
        assert labels.label(labels.VEHICLE_TYPES, "minivan") == "微型面包车"
