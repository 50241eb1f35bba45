"""Chinese by default, English on request, and no string left untranslated."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from supply_match.extensions import db
from supply_match.models import Role
from tests import factories

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
    translated = {m.id: m.string for m in catalog if m.id and not m.fuzzy}
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
