"""The SQLite library as a file: made whole and private, refused when damaged.

- A new library is made complete (schema applied) in a private temporary file (mode 0600:
  it holds editors' password hashes) and linked into place, so no process ever sees a
  half-made or zero-length library of ours, and two processes starting at once agree on one.
- An existing file is checked before use (`refuse_unusable`): a zero-length file, a file
  that is not an SQLite database, a schema from a newer reader or a schema missing its
  tables is refused with `LibraryError` naming the file and saying what to do. It is never
  replaced, and the sample gallery is never loaded over it.
- `problems(con, full)` runs ``PRAGMA quick_check`` (at server start) or ``integrity_check``
  (`reader check`) and returns what they found (nothing when the file is whole).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from reader.errors import FULL_ADVICE, LibraryError, LibraryFull
from reader.store.sqlite_room import is_full

HEADER = b"SQLite format 3\x00"
# Every table the schema has made by now; a library at the current version without one of
# them was damaged (or edited by hand).
TABLES = ("galleries", "items", "users", "sign_in_failures")
ADVICE = ("restore it from a backup (README: Deploying), or move it away to start a new "
          "library; `reader check` says more")


# Files this process has SQLite connections on, by (device, inode). Their header is never read
# again with a descriptor of our own: closing ANY descriptor of a file drops every POSIX lock
# the process holds on it, SQLite's included, and then another process's closing connection
# thinks it is the last one and deletes the -wal and -shm under ours ("disk I/O error").
_IN_USE: set[tuple[int, int]] = set()


def in_use(path: Path) -> None:
    """Note that this process now has SQLite connections on ``path``."""
    with contextlib.suppress(OSError):
        st = os.stat(path)
        _IN_USE.add((st.st_dev, st.st_ino))


def refuse_unusable(path: Path) -> None:
    """Raise `LibraryError` for a library file that cannot be a library (cheap: no scan).
    A file this process already has connections on was checked before its first use."""
    try:
        st = path.stat()
        if (st.st_dev, st.st_ino) in _IN_USE:
            return
        size = st.st_size
        with path.open("rb") as f:
            head = f.read(len(HEADER))
    except FileNotFoundError:
        return
    except OSError as e:
        raise LibraryError(f"cannot be read ({e.strerror})", path) from None
    if size == 0:
        raise LibraryError(f"is empty (0 bytes): the library was lost or truncated; "
                           f"{ADVICE}", path)
    if head != HEADER:
        raise LibraryError(f"is not an SQLite library (damaged or another kind of file); "
                           f"{ADVICE}", path)


def create_private(path: Path, make) -> None:
    """Make a new library at ``path`` unless one exists: ``make(tmp_path)`` builds it in a
    0600 temporary file beside it, which is then linked into place (never over a file)."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(prefix=".library-", suffix=".sqlite3", dir=path.parent)
    os.close(fd)  # mkstemp makes it 0600; SQLite gives its -wal and -shm the same mode
    try:
        make(Path(tmp))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        for leftover in (tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def open_checked(path: Path, make) -> None:
    """Before a store uses ``path``: refuse an unusable file, else make a new one if none."""
    refuse_unusable(path)
    try:
        create_private(path, make)
    except OSError as e:
        raise LibraryError(f"cannot be created ({e.strerror}): check that the folder "
                           "exists and is writable", path) from None


@contextlib.contextmanager
def translated(path: Path) -> Iterator[None]:
    """SQLite's errors about the file (damaged, read-only, full, locked) as `LibraryError`
    naming it (`LibraryFull` for a full disk); an integrity error (a constraint) passes
    through for the store to handle."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.DatabaseError as e:
        if is_full(e, path):
            raise LibraryFull(f"cannot be written ({e}): {FULL_ADVICE}", path) from e
        raise LibraryError(explain(e), path) from e


def missing_tables(con: sqlite3.Connection) -> list[str]:
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [t for t in TABLES if t not in have]


def problems(con: sqlite3.Connection, full: bool = False, limit: int = 20) -> list[str]:
    """What SQLite's own check finds wrong (``quick_check``, or ``integrity_check`` when
    ``full``); empty when the file is whole."""
    pragma = "integrity_check" if full else "quick_check"
    # One line each: SQLite's own rows may span lines ("*** in database main ***\nPage 26…")
    rows = [" ".join(r[0].split()) for r in con.execute(f"PRAGMA {pragma}({limit})")]
    found = [] if rows == ["ok"] else rows
    return found + [f"table {t} is missing" for t in missing_tables(con)]


def explain(e: sqlite3.DatabaseError) -> str:
    """A database error in plain words, with what to do."""
    text = str(e)
    low = text.lower()
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return f"is damaged ({text}); {ADVICE}"
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return (f"cannot be opened for writing ({text}): check that the instance folder and "
                "the library file are writable by this user")
    if "disk is full" in low or "disk i/o" in low:
        return f"cannot be written ({text}): check the disk's free space"
    if "locked" in low or "busy" in low:
        return f"is busy ({text}): another process holds it; try again"
    return text
