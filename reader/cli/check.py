"""`reader check`: the library's integrity, and what to do about damage (exit 1 if any)."""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli import Context, instance_for_command, main, pass_ctx
from reader.cli.text import echo
from reader.errors import LibraryError
from reader.store import SqliteStore

RECOVER = """\
What to do: stop the server and every `reader` command using this library, then either
  - restore the last good backup over it (README, Deploying: sqlite3 … ".backup …"), or
  - rescue what can be read: sqlite3 {path} ".recover" | sqlite3 recovered.sqlite3
    then `reader --instance DIR check` on a folder holding recovered.sqlite3 as
    library.sqlite3, and put it in place of the damaged file (keep the damaged copy)."""


@main.command()
@instance_for_command
@pass_ctx
def check(ctx: Context) -> None:
    """Check the library's integrity (SQLite integrity_check) and say what to do; exit 1
    when it is damaged."""
    try:
        library = ctx.library
    except LibraryError as e:
        # A file that is an SQLite database but will not open (a damaged page) is checked
        # as it is; an empty or foreign file has nothing to check: say what to do.
        if e.path is None or not Path(e.path).is_file() or "damaged" not in str(e) or \
                "not an SQLite" in str(e):
            raise
        library = SqliteStore(e.path)
    try:
        found = library.check(full=True)
    except LibraryError as e:
        found = [str(e)]
    where = library.where()
    if not found:
        echo(f"library {where}: ok (integrity_check found no damage)")
        return
    echo(f"library {where}: DAMAGED ({len(found)} problem"
               f"{'s' if len(found) != 1 else ''} found)", err=True)
    for problem in found:
        echo(f"  {problem}", err=True)
    echo(RECOVER.format(path=where), err=True)
    sys.exit(1)
