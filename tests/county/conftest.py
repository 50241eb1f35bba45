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
    """Pengshui's settings (as the demo enters them), with ``changes`` on top."""
    from supply_match.demo.builder import PENGSHUI_SETTINGS

    values = dict(PENGSHUI_SETTINGS)
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
