"""The demo and coordinate commands as an operator runs them."""

from __future__ import annotations

from sqlalchemy import func, select

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import Household, Township, Village
from tests import factories


def households() -> int:
    return db.session.scalar(select(func.count()).select_from(Household))


def test_seed_demo_prints_figures_and_logins_and_runs_once(runner):
    result = runner.invoke(args=["seed-demo", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "townships=39" in result.output
    assert "管理员 admin / admin-2020" in result.output
    assert "调度员 diaodu / diaodu-2020" in result.output
    assert "村干部 cun-500243001201 / cadre-2020 (汉葭街道" in result.output
    assert "cun-<村代码>" in result.output
    seeded = households()
    assert seeded > 0

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "跳过" in again.output
    assert "admin / admin-2020" in again.output
    assert households() == seeded

    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    assert "已有乡镇" in refused.output
    assert households() == seeded


def test_seed_demo_names_no_demo_logins_for_a_database_that_is_not_the_demo(runner):
    factories.township()
    factories.user(username="admin")
    db.session.commit()

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert "跳过" in result.output
    assert "admin-2020" not in result.output and "cun-" not in result.output


def write(tmp_path, text: str):
    path = tmp_path / "surveyed.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def places():
    township = factories.township(code="500243102", name="郁山镇", lat=29.49, lon=108.40)
    village = factories.village(township=township, code="500243102201", lat=29.5, lon=108.41)
    db.session.commit()
    return township.id, village.id


def test_load_coordinates_sets_surveyed_positions(runner, tmp_path):
    township_id, village_id = places()
    path = write(
        tmp_path, "code,lat,lon\n500243102,29.5312,108.3987\n500243102201,29.5401,108.4102\n"
    )

    result = runner.invoke(args=["load-coordinates", path])

    assert result.exit_code == 0, result.output
    assert "townships=1" in result.output and "villages=1" in result.output
    db.session.expire_all()
    township, village = db.session.get(Township, township_id), db.session.get(Village, village_id)
    assert (township.lat, township.lon, township.coord_approximate) == (29.5312, 108.3987, False)
    assert (village.lat, village.lon, village.coord_approximate) == (29.5401, 108.4102, False)


def test_load_coordinates_converts_gcj02_when_told(runner, tmp_path):
    township_id, _ = places()
    path = write(tmp_path, "code,lat,lon\n500243102,29.5312,108.3987\n")

    result = runner.invoke(args=["load-coordinates", "--gcj02", path])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    township = db.session.get(Township, township_id)
    expected = geo.gcj02_to_wgs84(29.5312, 108.3987)
    assert abs(township.lat - expected[0]) < 1e-6 and abs(township.lon - expected[1]) < 1e-6


def test_load_coordinates_rejects_a_bad_file_by_row_and_column_and_changes_nothing(
    runner, tmp_path
):
    township_id, village_id = places()
    path = write(
        tmp_path,
        "code,lat,lon\n"
        "500243102,29.5312,108.3987\n"  # fine, yet must not be applied
        "500243102201,北纬29度,108.41\n"
        "500243999,29.3,108.2\n"
        "5002431,29.3,108.2\n"
        "500243102201,108.41,29.5\n"
        "500243102,28.49,108.40\n",  # a wrong degree digit: 100 km south
    )

    result = runner.invoke(args=["load-coordinates", path])

    assert result.exit_code != 0
    assert "第 3 行 「lat」列" in result.output
    assert "第 4 行 「code」列：没有代码为 500243999 的乡镇" in result.output
    assert "第 5 行 「code」列" in result.output
    assert "第 6 行 「lat」列" in result.output
    assert "第 7 行 「lat」列" in result.output and "km" in result.output
    assert "未做任何修改" in result.output
    db.session.expire_all()
    township, village = db.session.get(Township, township_id), db.session.get(Village, village_id)
    assert (township.lat, township.lon, township.coord_approximate) == (29.49, 108.40, True)
    assert (village.lat, village.lon, village.coord_approximate) == (29.5, 108.41, True)
