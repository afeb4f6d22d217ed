"""`reader config`: the effective configuration, each value with where it came from."""

from __future__ import annotations

from reader.cli import Context, instance_for_command, main, pass_ctx
from reader.cli.text import echo


@main.command("config")
@instance_for_command
@pass_ctx
def config_(ctx: Context) -> None:
    """Print the effective configuration: defaults, then INSTANCE/config.toml, then READER_*
    environment variables (later wins); each line says where its value came from."""
    from reader.config import describe

    for line in describe(ctx.config, instance_given=ctx.instance_given):
        echo(line)
