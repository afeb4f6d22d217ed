"""How the SQLite store takes the write lock: BEGIN IMMEDIATE tried every few milliseconds
(not SQLite's backing-off busy handler). Bulk import's turnstile, which lets a waiting writer
go first, is `reader.store.sqlite_bulk`'s."""

from __future__ import annotations

import sqlite3
import time

BUSY_TIMEOUT = 10.0  # seconds a write waits for the lock before "database is locked"
POLL = 0.002  # seconds between two tries for the write lock


def begin_immediate(con: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, trying every POLL seconds while another connection writes.

    SQLite's own busy handler backs off to sleeps of 25 to 100 ms, so a writer waiting behind
    a bulk import could miss every short gap between two galleries; trying every 2 ms takes
    the first one."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    con.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                con.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
            time.sleep(POLL)
    finally:
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
