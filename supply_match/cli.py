"""Maintenance commands: ``flask --app supply_match init-db``, ``seed-demo``,
``load-coordinates``, ``load-roads``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from supply_match import geo
from supply_match.extensions import db
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors, SheetError
from supply_match.services.unit_of_work import unit_of_work


@click.command("init-db")
def init_db_command() -> None:
    """Create or migrate the database to the newest schema."""
    upgrade()
    click.echo(
        f"数据库已就绪 / database ready: {db.engine.url.render_as_string(hide_password=True)}"
    )


@click.command("seed-demo")
@click.option(
    "--seed", type=int, default=None, help="Random seed; the same seed builds the same demo."
)
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already holds townships."
)
def seed_demo_command(seed: int | None, if_empty: bool) -> None:
    """Fill the database with the Pengshui demo."""
    from supply_match.demo import DemoError, build_demo, demo_logins
    from supply_match.models import Township

    if if_empty and db.session.scalar(select(func.count()).select_from(Township)):
        click.echo("数据库已有数据，跳过演示数据 / database not empty, demo not seeded")
    else:
        try:
            with unit_of_work():
                figures = build_demo(seed if seed is not None else current_app.config["DEMO_SEED"])
        except DemoError as error:
            raise click.ClickException(str(error)) from None
        click.echo("演示数据 / demo figures: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    logins = demo_logins()
    if logins:
        click.echo("演示账号 / demo logins:")
    for login in logins:
        click.echo(f"  {login}")


CODE = Column("code", "code", aliases=("代码", "编码", "行政区划代码"))
LAT = Column("lat", "lat", aliases=("纬度",))
LON = Column("lon", "lon", aliases=("经度",))
# A surveyed point farther than this from the middle of the county's townships is a typo
# (a wrong degree digit is 100 km off); a county is some 100 km across.
MAX_FROM_COUNTY_KM = 80


@dataclass
class CoordinateUpdate:
    townships: int = 0
    villages: int = 0


def _degrees(value: object, low: float, high: float) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(f"“{value}”不是数字（用十进制度数，如 29.2943）") from None
    if not low <= number <= high:
        raise ValueError(f"{number} 不在 {low} 到 {high} 之间")
    return number


def apply_coordinates(filename: str, data: bytes, gcj02: bool = False) -> CoordinateUpdate:
    """Set surveyed coordinates from a sheet of ``code, lat, lon`` (9-digit township or
    12-digit village codes) and clear their ``coord_approximate``. Every row is checked
    first; on any error ``SheetError`` lists them all by row and column and nothing changes.
    Households, collection points and outlets keep their own coordinates."""
    from supply_match.models import Township, Village

    rows = sheets.read_table(filename, data, [CODE, LAT, LON])
    errors = RowErrors()
    townships = {t.code: t for t in db.session.scalars(select(Township))}
    villages = {v.code: v for v in db.session.scalars(select(Village))}
    centre = (
        (
            sum(t.lat for t in townships.values()) / len(townships),
            sum(t.lon for t in townships.values()) / len(townships),
        )
        if townships
        else None
    )
    seen: dict[str, int] = {}
    planned: list[tuple[Township | Village, float, float]] = []
    for row in rows:
        code = sheets.check(errors, row, CODE, sheets.text)
        lat = sheets.check(errors, row, LAT, lambda v: _degrees(v, -90, 90))
        lon = sheets.check(errors, row, LON, lambda v: _degrees(v, -180, 180))
        place = None
        if code is not None:
            if not (code.isdigit() and len(code) in (9, 12)):
                errors.add(row.number, CODE.header, f"“{code}”应为 9 位乡镇代码或 12 位村代码")
            elif code in seen:
                errors.add(row.number, CODE.header, f"与第 {seen[code]} 行重复")
            else:
                seen[code] = row.number
                place = (townships if len(code) == 9 else villages).get(code)
                if place is None:
                    kind = "乡镇" if len(code) == 9 else "村"
                    errors.add(row.number, CODE.header, f"没有代码为 {code} 的{kind}")
        if lat is None or lon is None:
            continue
        if gcj02:
            lat, lon = geo.gcj02_to_wgs84(lat, lon)
        far_km = geo.great_circle_m(lat, lon, *centre) / 1000 if centre else 0
        if not geo.in_china(lat, lon):
            errors.add(
                row.number, LAT.header, f"({lat}, {lon}) 不在中国境内：纬度和经度是否填反了？"
            )
        elif far_km > MAX_FROM_COUNTY_KM:
            errors.add(
                row.number,
                LAT.header,
                f"({lat:.4f}, {lon:.4f}) 离本县各乡镇中心 {far_km:.0f} km，"
                f"超过 {MAX_FROM_COUNTY_KM} km：经纬度是否填错？",
            )
        elif place is not None:
            planned.append((place, round(lat, 6), round(lon, 6)))
    errors.raise_if_any()

    result = CoordinateUpdate()
    for place, lat, lon in planned:
        place.lat, place.lon, place.coord_approximate = lat, lon, False
        if isinstance(place, Township):
            result.townships += 1
        else:
            result.villages += 1
    audit.record_import(AuditKind.PLACE, filename, created=0, updated=len(planned))
    return result


@click.command("load-coordinates")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--gcj02",
    is_flag=True,
    help="The file holds GCJ-02 coordinates (Amap, Tencent); convert them to WGS-84.",
)
def load_coordinates_command(path: Path, gcj02: bool) -> None:
    """Replace townships' and villages' placed coordinates with surveyed ones from a
    .csv or .xlsx with columns code, lat, lon (WGS-84 unless --gcj02)."""
    try:
        with unit_of_work():
            result = apply_coordinates(path.name, path.read_bytes(), gcj02=gcj02)
    except SheetError as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{path.name}：{error.total} 处错误，未做任何修改 / nothing changed"
        ) from None
    click.echo(
        f"已更新坐标 / coordinates updated: 乡镇 townships={result.townships}, "
        f"村 villages={result.villages}"
    )


@click.command("load-roads")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_roads_command(path: Path) -> None:
    """Make the drivable roads of an OpenStreetMap extract of the county (.osm.pbf, .osm)
    the network planning measures distances on, replacing the one loaded before."""
    from supply_match.services.planning.roads.graph import EmptyNetworkError
    from supply_match.services.planning.roads.osm import OsmFileError
    from supply_match.services.planning.roads.store import load_road_network

    try:
        loaded = load_road_network(path)
    except (OsmFileError, EmptyNetworkError) as error:
        raise click.ClickException(
            f"{path.name}：{error}；未做任何修改 / nothing changed"
        ) from None
    click.echo(
        f"道路网已载入 / road network loaded: {loaded.osm_nodes} nodes, "
        f"{loaded.junctions} junctions, {loaded.chains} road sections, {loaded.length_km:.1f} km"
    )


@click.command("forget-login-attempts")
@click.option("--days", type=int, default=30, show_default=True, help="Keep this many days.")
def forget_login_attempts_command(days: int) -> None:
    """Delete old login attempts (run it from cron); the throttle never looks that far back."""
    from supply_match.services.county.accounts import forget_old_attempts

    with unit_of_work():
        removed = forget_old_attempts(days * 24 * 3600)
    click.echo(f"已删除 {removed} 条旧的登录记录 / old login attempts removed")


def init_app(app: Flask) -> None:
    from supply_match.cli_setup import create_admin_command

    app.cli.add_command(create_admin_command)
    app.cli.add_command(forget_login_attempts_command)
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(load_coordinates_command)
    app.cli.add_command(load_roads_command)
