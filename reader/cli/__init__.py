"""The `reader` command: everything the reader does, from a terminal.

The group and its shared pieces live here; each family of commands has its own module
(`library`, …) and is registered at the bottom.

Every `reader.errors.ReaderError` a command lets through is caught here, once (`ReaderGroup`),
and reported as one line naming the file and line (or field, or configuration key), with
exit status 1; never a traceback.
"""

from __future__ import annotations

import os
import sys

import click

from reader.cli.text import echo
from reader.config import Config
from reader.errors import ReaderError
from reader.instance import ENV_VAR, instance_dir
from reader.store import Store, open_store


class Context:
    """What every command shares: the instance folder, its configuration and its store (both
    made on first use, so a bad configuration is reported by the command that needs it)."""

    def __init__(self, instance: str | None):
        self.use(instance)

    def use(self, instance: str | None) -> None:
        self.instance_given = bool(instance) and instance != os.environ.get(ENV_VAR)
        self.instance = instance_dir(instance)
        self._config: Config | None = None
        self._library: Store | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = Config.load(self.instance)
        return self._config

    @property
    def library(self) -> Store:
        if self._library is None:
            self._library = open_store(self.instance, self.config["database_url"])
        return self._library


pass_ctx = click.make_pass_decorator(Context)


def fail(message: str) -> None:
    echo(f"reader: {message}", err=True)
    sys.exit(1)


instance_option = click.option(
    "--instance", metavar="DIR", envvar=ENV_VAR, show_envvar=True,
    help="Folder that holds the library and caches (default: ~/.local/share/gallery-reader, "
         "the per-user data folder; the same for every command and scripts/serve).",
)


class ReaderGroup(click.Group):
    """The `reader` group: any `ReaderError` from any command ends as one line and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReaderError as e:
            fail(str(e))
        except OSError as e:  # a read-only or missing folder, a full disk: name the file
            where = f"{e.filename}: " if e.filename else ""
            fail(f"{where}{e.strerror or e}")


@click.group(cls=ReaderGroup, context_settings={"help_option_names": ["-h", "--help"]})
@instance_option
@click.version_option(package_name="gallery-reader")
@click.pass_context
def main(ctx: click.Context, instance: str | None) -> None:
    """An accessible text-and-audio reader for news photo galleries."""
    ctx.obj = Context(instance)


def instance_for_command(f):
    """Let every command take --instance too (`reader list --instance DIR`)."""

    def callback(ctx: click.Context, _param, value):
        if value:
            ctx.find_object(Context).use(value)
        return value

    return click.option("--instance", metavar="DIR", expose_value=False, callback=callback,
                        is_eager=True, help="Folder that holds the library and caches.")(f)


def register() -> None:
    """Attach every command family to the group (import order is the help's order)."""
    from reader.cli import (  # noqa: F401  (their decorators attach the commands)
        check,
        config,
        export,
        library,
        search,
        speech,
        users,
        worker,
    )


register()
