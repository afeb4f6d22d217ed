"""Editor accounts: `reader user add NAME`, `reader user list`, `reader user remove NAME`,
`reader user password NAME`. Readers need no account; editors sign in at /sign-in."""

from __future__ import annotations

import click

from reader.cli import Context, fail, instance_for_command, main, pass_ctx
from reader.cli.text import echo
from reader.errors import InputError


def _users(ctx: Context):
    from reader.users import Users

    return Users(ctx.library)


def _ask_password() -> str:
    from reader.users import PASSWORD_MIN, check_password

    while True:
        password = click.prompt(f"Password (at least {PASSWORD_MIN} characters)",
                                hide_input=True, confirmation_prompt="Repeat the password")
        try:
            return check_password(password)
        except InputError as e:
            echo(f"reader: {e.message}", err=True)


@main.group()
def user() -> None:
    """Editor accounts (who may sign in and change the library in the browser)."""


@user.command("add")
@click.argument("name")
@instance_for_command
@pass_ctx
def add(ctx: Context, name: str) -> None:
    """Add an editor; asks for the password twice (it is stored only as an scrypt hash)."""
    from reader.users import check_name

    try:
        check_name(name)
        users = _users(ctx)
        if any(u.name.lower() == name.lower() for u in users.list()):
            fail(f"there is already a user called {name!r}")
        users.add(name, _ask_password())
    except InputError as e:
        fail(e.message)
    echo(f"added {name}; they can sign in at /sign-in")


@user.command("list")
@instance_for_command
@pass_ctx
def list_(ctx: Context) -> None:
    """List the editors."""
    rows = _users(ctx).list()
    if not rows:
        echo("No editors yet. Add one with: reader user add NAME")
    for u in rows:
        echo(f"{u.name}\tadded {u.created_at}")


@user.command("remove")
@click.argument("name")
@instance_for_command
@pass_ctx
def remove(ctx: Context, name: str) -> None:
    """Remove an editor; their sessions end at once."""
    try:
        _users(ctx).remove(name)
    except InputError as e:
        fail(e.message)
    echo(f"removed {name}")


@user.command("password")
@click.argument("name")
@instance_for_command
@pass_ctx
def password(ctx: Context, name: str) -> None:
    """Set an editor's password; their sessions end at once."""
    users = _users(ctx)
    if not any(u.name.lower() == name.lower() for u in users.list()):
        fail(f"no user called {name!r}")
    try:
        users.set_password(name, _ask_password())
    except InputError as e:
        fail(e.message)
    echo(f"changed the password of {name}")
