"""Changes made through the pages are written to the audit log with who and where."""

from supply_match.extensions import db
from supply_match.models import AuditEntry


def _entries():
    db.session.expire_all()
    return db.session.query(AuditEntry).order_by(AuditEntry.id).all()


def test_cancelling_an_order_on_the_page_is_logged_with_the_cadre_and_address(
    client, auth, county_people
):
    auth.login("cadre_a")
    order_id = county_people.order_a.id
    client.post(
        f"/orders/{order_id}/cancel",
        data={"confirm": "1"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    cancelled = [e for e in _entries() if e.kind == "order" and e.action == "cancelled"]
    assert len(cancelled) == 1
    entry = cancelled[0]
    assert entry.record_id == order_id
    assert entry.actor_id == county_people.cadre_a.id
    assert entry.origin == "10.1.2.3"
    assert "cadre_a" in entry.actor_name


def test_a_refused_cancel_leaves_no_entry(client, auth, county_people):
    auth.login("cadre_b")  # another village's cadre
    client.post(f"/orders/{county_people.order_a.id}/cancel", data={"confirm": "1"})
    assert [e for e in _entries() if e.kind == "order"] == []


# The log's page, export and API.

import csv  # noqa: E402
import io  # noqa: E402
from datetime import datetime  # noqa: E402

from openpyxl import load_workbook  # noqa: E402

from supply_match import acting  # noqa: E402
from supply_match.models import AuditKind  # noqa: E402
from supply_match.services import audit  # noqa: E402
from supply_match.services.unit_of_work import unit_of_work  # noqa: E402

WANG = acting.Acting(user_id=None, name="王调度 (wang)", origin="10.0.0.7")
LI = acting.Acting(user_id=None, name="李管理 (li)", origin="10.0.0.8")


def _write(who, kind, action, summary, at):
    with acting.acting_as(who), unit_of_work():
        entry = audit.record(kind, action, record_id=1, summary=summary)
        entry.at = at
    return entry.id


def _three_entries():
    # 2020-03-15 23:30 UTC is 2020-03-16 07:30 in Asia/Shanghai, the county's day.
    return [
        _write(WANG, AuditKind.ORDER, "created", "张甲户 玉米种 2袋", datetime(2020, 3, 15, 1, 0)),
        _write(LI, AuditKind.SETTINGS, "saved", "彭水县 500243", datetime(2020, 3, 15, 23, 30)),
        _write(WANG, AuditKind.PLAN, "published", "2020-03-16 v1", datetime(2020, 3, 16, 2, 0)),
    ]


def _shown_ids(html: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'data-audit-entry="(\d+)"', html)]


def test_the_log_page_lists_newest_first_in_the_countys_time(client, auth, county_people):
    first, second, third = _three_entries()
    auth.login("dispatcher")
    page = client.get("/audit/?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _shown_ids(html) == [third, second, first]
    assert "2020-03-16 07:30:00" in html  # 23:30 UTC on the county's clock
    assert "Published" in html and "张甲户 玉米种 2袋" in html and "10.0.0.7" in html
    assert 'href="/orders/1"' in html  # an order's entry leads to the order


def test_the_log_filters_by_kind_person_and_county_day(client, auth, county_people):
    first, second, third = _three_entries()
    auth.login("admin")
    assert _shown_ids(client.get("/audit/?kind=order").get_data(as_text=True)) == [first]
    assert _shown_ids(client.get("/audit/?person=wang").get_data(as_text=True)) == [
        third,
        first,
    ]
    by_day = client.get("/audit/?day=2020-03-16").get_data(as_text=True)
    assert _shown_ids(by_day) == [third, second]


def test_a_bad_filter_is_named_and_no_entries_are_shown(client, auth, county_people):
    _three_entries()
    auth.login("admin")
    page = client.get("/audit/?kind=nonsense&day=16.3.2020&lang=en")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert _shown_ids(html) == []
    assert "YYYY-MM-DD" in html
    assert client.get("/audit/export.xlsx?day=yesterday").status_code == 400


def test_the_log_pages_by_fifty(client, auth, county_people):
    with acting.acting_as(WANG), unit_of_work():
        for n in range(51):
            audit.record(AuditKind.STOCK, "received", record_id=n, summary=f"第{n}次")
    auth.login("dispatcher")
    first = _shown_ids(client.get("/audit/").get_data(as_text=True))
    second = _shown_ids(client.get("/audit/?page=2").get_data(as_text=True))
    assert (len(first), len(second)) == (50, 1)
    assert not set(first) & set(second)


def test_an_empty_log_says_so(client, auth, county_people):
    auth.login("dispatcher")
    html = client.get("/audit/?lang=en").get_data(as_text=True)
    assert "Nothing has been changed yet." in html
    assert "No entries match this filter." in client.get("/audit/?kind=token&lang=en").get_data(
        as_text=True
    )


def test_only_admins_and_dispatchers_read_the_log(client, auth, county_people):
    auth.login("cadre_a")
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/api/v1/audit").status_code == 403


def test_the_exports_hold_what_the_filters_select(client, auth, county_people):
    first, second, third = _three_entries()
    auth.login("dispatcher")
    answer = client.get("/audit/export.xlsx?person=wang")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间"
    assert [row[6] for row in rows[1:]] == ["2020-03-16 v1", "张甲户 玉米种 2袋"]
    answer = client.get("/audit/export.csv?day=2020-03-16&lang=en")
    assert answer.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert table[0][0] == "Time"
    assert [row[6] for row in table[1:]] == ["2020-03-16 v1", "彭水县 500243"]
    assert table[2][0] == "2020-03-16 07:30:00"


def test_the_api_pages_and_filters_the_log(client, auth, county_people):
    first, second, third = _three_entries()
    auth.login("dispatcher")
    body = client.get("/api/v1/audit?kind=plan").get_json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert (item["id"], item["action"], item["origin"]) == (third, "published", "10.0.0.7")
    assert item["at"] == "2020-03-16T10:00:00"
    paged = client.get("/api/v1/audit?per_page=2&page=2").get_json()
    assert [e["id"] for e in paged["items"]] == [first]
    refused = client.get("/api/v1/audit?day=someday")
    assert refused.status_code == 422
    assert "day" in refused.get_json()["errors"]
