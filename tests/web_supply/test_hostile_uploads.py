"""A hostile sheet uploaded through the import pages: a 422 that names the limit in the
user's language, and nothing written."""

import io

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Household, Order, Stock
from supply_match.services.supply import stock_import
from tests import hostile_files as hostile


def stock_csv_with_blank_lines() -> bytes:
    return hostile.csv_blank_lines(header=",".join(c.header for c in stock_import.STOCK_COLUMNS))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("page", "login", "build", "filename", "message"),
    [
        ("/imports/orders", "cadre_a", hostile.one_row_of_16384_columns, "订单.xlsx", "第 200 列"),
        ("/imports/orders", "cadre_a", hostile.entity_expansion, "订单.xlsx", "出于安全"),
        ("/imports/stock", "dispatcher", hostile.empty_rows, "库存.xlsx", "压缩大小"),
        ("/imports/stock", "dispatcher", stock_csv_with_blank_lines, "库存.csv", "20000 行"),
    ],
)
def test_a_hostile_upload_is_refused_naming_the_limit(
    client, auth, county_people, page, login, build, filename, message
):
    auth.login(login)
    before = (_count(Household), _count(Order), _count(Stock))
    response = client.post(
        page,
        data={"file": (io.BytesIO(build()), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (_count(Household), _count(Order), _count(Stock)) == before
