"""Fixtures for the county set-up tests: the page fixtures of tests/web, the county's
settings (Pengshui's code 500243), and sheets built in memory."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from supply_match.services.county import settings as county_settings
from tests.web.conftest import (  # noqa: F401  (fixtures)
    auth,
    compiled_catalogs,
    fast_password_hashing,
)


def settings_values(**changes) -> dict:
    values = dict(
        county_code="500243",
        county_name="彭水苗族土家族自治县",
        service_title="彭水农资配送",
        time_zone="Asia/Shanghai",
        default_shift_start="08:00",
        default_shift_end="17:00",
        keep_pesticide_apart=True,
        circuity="1.4",
    )
    values.update(changes)
    return values


@pytest.fixture
def pengshui(app):
    """The county's settings saved, as an admin does first."""
    return county_settings.save_settings(**settings_values())


def xlsx(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    lines = [",".join(header)] + [
        ",".join("" if cell is None else str(cell) for cell in row) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")
