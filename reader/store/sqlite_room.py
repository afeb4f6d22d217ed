"""The SQLite library on a full disk: readers still read, writers get `LibraryFull`.

What SQLite really does there (checked on a full tmpfs; tests/test_full_disk.py):

- A WAL-mode library needs its ``-shm`` file (32 KiB, made when the first connection opens
  it and deleted when the last one closes) even to *read*: with no room to make it, every
  read fails with "disk I/O error" (SQLITE_IOERR_SHMSIZE). A server holds one connection
  open for its life (`SqliteStore.keep_open`), so its ``-shm`` stays; a process that starts
  on a full disk (`reader list`, a restarted server) reads the file **read-only**
  (``immutable=1``: no ``-shm``, no locks) instead, when the log (``-wal``) holds nothing the
  file lacks. It can write nothing then, and does not try to.
- A write fails with SQLITE_FULL ("database or disk is full") and SQLite rolls it back
  whole. Its log may still have room, though, so whether a write fits would depend on what
  the log held before: below ``MIN_FREE`` bytes free, a write transaction is refused before
  it starts, so on a (nearly) full disk every writer gets the same clear answer.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from urllib.request import pathname2url

from reader.errors import FULL_ADVICE, LibraryFull

MIN_FREE = 256 * 1024  # bytes free on the library's disk below which writes are refused
WAL_HEADER = (2, 2)  # the file format bytes 18 and 19 of a WAL-mode database


def free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return None


def check_room(path: Path) -> None:
    """Raise `LibraryFull` when the library's disk has less than ``MIN_FREE`` bytes free."""
    free = free_bytes(path)
    if free is not None and free < MIN_FREE:
        raise LibraryFull(f"cannot be written: {FULL_ADVICE} ({free // 1024} KiB free)", path)


def is_full(e: sqlite3.Error, path: Path) -> bool:
    """SQLite's own "database or disk is full", or an I/O error on a disk with no room left
    (making the ``-shm`` or growing the ``-wal`` failed: SQLite does not say ENOSPC)."""
    code = getattr(e, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or "disk is full" in str(e):
        return True
    if code == sqlite3.SQLITE_IOERR or "disk i/o error" in str(e).lower():
        free = free_bytes(path)
        return free is not None and free < MIN_FREE
    return False


def in_wal_mode(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(20)
    except OSError:
        return False
    return len(head) == 20 and (head[18], head[19]) == WAL_HEADER


def log_is_empty(path: Path) -> bool:
    """The ``-wal`` beside the file is missing or empty: the file alone is the library."""
    try:
        return os.stat(f"{path}-wal").st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def readable(con: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """``con`` (just opened) if it can read the library; on a full disk where it cannot (no
    room for the ``-shm``), a read-only connection to the file itself. Any other failure is
    raised as it is."""
    try:
        con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return con
    except sqlite3.OperationalError as e:
        if not (is_full(e, path) and log_is_empty(path)):
            raise
    con.close()
    return sqlite3.connect(f"file:{pathname2url(str(path))}?immutable=1", uri=True,
                           isolation_level=None)
