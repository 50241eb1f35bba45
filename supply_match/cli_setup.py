"""``flask --app supply_match create-admin USERNAME``: the first administrator of a county
set up from an empty database."""

from __future__ import annotations

import sys

import click

from supply_match.models import Role
from supply_match.services.county import accounts
from supply_match.services.county.passwords import weak_password_reason
from supply_match.services.unit_of_work import unit_of_work


@click.command("create-admin")
@click.argument("username")
@click.option(
    "--name", "display_name", default=None, help="The name shown; the username if not given."
)
@click.option("--mobile", default=None, help="An 11-digit mobile to sign in with (optional).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)
def create_admin_command(
    username: str, display_name: str | None, mobile: str | None, password_stdin: bool
) -> None:
    """Create an administrator, asking for the password (or reading it from stdin).
    Refuses a weak password and a username already taken."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "密码 / password", hide_input=True, confirmation_prompt=True, err=True
        )
    reason = weak_password_reason(password, username)
    if reason:
        raise click.ClickException(f"密码太弱 / weak password: {reason}")
    try:
        with unit_of_work():
            user = accounts.create_user(
                username=username,
                display_name=display_name or username,
                password=password,
                role=Role.ADMIN,
                mobile=mobile,
            )
    except accounts.AccountError as error:
        raise click.ClickException(
            "; ".join(f"{field}: {message}" for field, message in error.errors.items())
        ) from None
    click.echo(f"已创建管理员 / administrator created: {user.username}")
