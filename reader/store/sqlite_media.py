"""The media cache's index (`reader.media.MediaIndex`) in the SQLite library: the table
``media_cache`` (migration 8), so the quota and its least-recently-used order live with the
library, not beside it in the instance folder.

Every call is one statement on its own (autocommit), not under the library's write lock
(`transaction`); inside a caller's transaction it joins it. Recording an access waits at most
`TOUCH_WAIT_MS` for a writer (an import) to finish and is skipped otherwise: serving a cached
file never waits on the library's writers. On a full disk the writes fail, the reads go on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from reader.errors import LibraryError
from reader.media import MediaIndexError

TOUCH_WAIT_MS = 50


class SqliteMediaIndex:
    def __init__(self, store):
        self.store = store  # a SqliteStore (picklable: its path)

    @contextmanager
    def _con(self, wait_ms: int | None = None) -> Iterator[sqlite3.Connection]:
        try:
            with self.store._read() as con:
                own = wait_ms is not None and not con.in_transaction
                if own:
                    con.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
                try:
                    yield con
                finally:
                    if own:
                        con.execute("PRAGMA busy_timeout = 10000")
        except (sqlite3.Error, LibraryError) as e:
            raise MediaIndexError(str(e)) from None

    def count(self) -> int:
        with self._con() as con:
            return con.execute("SELECT count(*) FROM media_cache").fetchone()[0]

    def add_unknown(self, rows: Sequence[tuple[str, int]]) -> None:
        with self._con() as con:
            con.executemany("INSERT OR IGNORE INTO media_cache (name, size, last_access) "
                            "VALUES (?, ?, 0)", rows)

    def used(self) -> int:
        with self._con() as con:
            return con.execute("SELECT coalesce(sum(size), 0) FROM media_cache "
                               "WHERE pinned = 0").fetchone()[0]

    def record(self, name: str, size: int, pinned: bool, at: float) -> None:
        with self._con() as con:
            con.execute("INSERT INTO media_cache (name, size, last_access, pinned) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                        "size = excluded.size, last_access = excluded.last_access, "
                        "pinned = max(pinned, excluded.pinned)", (name, size, at, int(pinned)))

    def touch(self, name: str, at: float) -> None:
        with self._con(wait_ms=TOUCH_WAIT_MS) as con:
            con.execute("UPDATE media_cache SET last_access = ? WHERE name = ?", (at, name))

    def oldest(self, limit: int) -> list[tuple[str, int]]:
        with self._con() as con:
            return [(r[0], r[1]) for r in con.execute(
                "SELECT name, size FROM media_cache WHERE pinned = 0 "
                "ORDER BY last_access, name LIMIT ?", (limit,))]

    def claim(self, name: str) -> int | None:
        with self._con() as con:
            rows = con.execute("DELETE FROM media_cache WHERE name = ? RETURNING size",
                               (name,)).fetchall()
            return rows[0][0] if rows else None
