"""Maintenance commands: ``flask --app supply_match init-db``, ``seed-demo``."""

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from supply_match.extensions import db


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
    from supply_match.demo import build_demo, demo_logins
    from supply_match.models import Township

    if if_empty and db.session.scalar(select(func.count()).select_from(Township)):
        click.echo("数据库已有数据，跳过演示数据 / database not empty, demo not seeded")
    else:
        figures = build_demo(seed if seed is not None else current_app.config["DEMO_SEED"])
        db.session.commit()
        click.echo("演示数据 / demo figures: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    click.echo("演示账号 / demo logins:")
    for login in demo_logins():
        click.echo(f"  {login}")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
