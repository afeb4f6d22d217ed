"""The media cache's index (`reader.media.MediaIndex`) in PostgreSQL: the table
``media_cache`` (migration 8), shared by every app server on the database, so servers over one
bucket keep one quota and one least-recently-used order, and a file one evicts is gone for
all (each eviction claims its row first: of two servers evicting at once, one deletes it).

Every call is one autocommit statement, outside the library's write lock (the advisory lock of
`transaction`); inside a caller's transaction it joins it. Recording an access gives up after
`TOUCH_WAIT_MS` on a locked row instead of holding up the file being served.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg

from reader.errors import StoreUnavailable
from reader.media import MediaIndexError

TOUCH_WAIT_MS = 200


class PostgresMediaIndex:
    def __init__(self, store):
        self.store = store  # a PostgresStore (picklable: its URL)

    @contextmanager
    def _con(self) -> Iterator[psycopg.Connection]:
        try:
            with self.store._read() as con:
                yield con
        except (psycopg.Error, StoreUnavailable) as e:
            raise MediaIndexError(str(e).strip().splitlines()[0] if str(e).strip()
                                  else type(e).__name__) from None

    def count(self) -> int:
        with self._con() as con:
            return con.execute("SELECT count(*) AS n FROM media_cache").fetchone()["n"]

    def add_unknown(self, rows: Sequence[tuple[str, int]]) -> None:
        if not rows:
            return
        with self._con() as con, con.cursor() as cur:
            cur.executemany("INSERT INTO media_cache (name, size, last_access) "
                            "VALUES (%s, %s, 0) ON CONFLICT (name) DO NOTHING", rows)

    def used(self) -> int:
        with self._con() as con:
            return int(con.execute("SELECT coalesce(sum(size), 0) AS used FROM media_cache "
                                   "WHERE NOT pinned").fetchone()["used"])

    def record(self, name: str, size: int, pinned: bool, at: float) -> None:
        with self._con() as con:
            con.execute("INSERT INTO media_cache (name, size, last_access, pinned) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
                        "size = excluded.size, last_access = excluded.last_access, "
                        "pinned = media_cache.pinned OR excluded.pinned",
                        (name, size, at, pinned))

    def touch(self, name: str, at: float) -> None:
        with self._con() as con:
            if con.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                with con.transaction():
                    con.execute(f"SET LOCAL lock_timeout = {TOUCH_WAIT_MS}")
                    con.execute("UPDATE media_cache SET last_access = %s WHERE name = %s",
                                (at, name))
            else:
                con.execute("UPDATE media_cache SET last_access = %s WHERE name = %s",
                            (at, name))

    def oldest(self, limit: int) -> list[tuple[str, int]]:
        with self._con() as con:
            return [(r["name"], r["size"]) for r in con.execute(
                "SELECT name, size FROM media_cache WHERE NOT pinned "
                "ORDER BY last_access, name LIMIT %s", (limit,))]

    def claim(self, name: str) -> int | None:
        with self._con() as con:
            row = con.execute("DELETE FROM media_cache WHERE name = %s RETURNING size",
                              (name,)).fetchone()
            return None if row is None else int(row["size"])
