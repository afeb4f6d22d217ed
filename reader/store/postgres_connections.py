"""The PostgreSQL store's connections and transactions (mixed into `PostgresStore`).

Transactions: ``transaction()`` holds one connection for the thread and takes a transaction-
scoped advisory lock (`pg_advisory_xact_lock`) on one key before anything else, so writers
are serialised as SQLite's ``BEGIN IMMEDIATE`` serialises them, across every thread, process
and machine on the database. That is what makes the editors' compare-and-set saves safe: the
read, the check and the save of one editor run while no other writer can commit. Reads
outside a transaction are single statements (autocommit), or one ``REPEATABLE READ`` snapshot
where a method reads twice (a count and its page).

Connections: a few idle ones are kept for reuse (no pool threads, nothing per store but a
list); a process made by fork starts its own. The store pickles as its URL.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import psycopg.errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from reader.errors import FULL_ADVICE, LibraryFull, StoreUnavailable

MAX_IDLE = 8  # idle connections kept for reuse, per store and process
# The one advisory lock every write transaction takes (any 64-bit number no other program on
# the database uses; procrastinate's job queue uses its own).
WRITE_LOCK = 0x7265616465720001  # "reader" 0001
_abandoned: list = []  # connections inherited through fork: never closed (the parent's)


def _close_all(idle: list) -> None:
    while idle:
        idle.pop().close()


class ConnectionsPart:
    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._idle: list[psycopg.Connection] = []
        self._finalizer = weakref.finalize(self, _close_all, self._idle)

    def __reduce__(self):  # picklable for process pools: the URL is all it is
        return (type(self), (self.url,))

    def where(self) -> str:
        """The database, without its password."""
        try:
            p = conninfo_to_dict(self.url)
        except psycopg.ProgrammingError:
            return "a PostgreSQL database (unreadable URL)"
        host = p.get("host") or "localhost"
        port = f":{p['port']}" if p.get("port") else ""
        user = f"{p['user']}@" if p.get("user") else ""
        return f"postgresql://{user}{host}{port}/{p.get('dbname', '')}"

    def close(self) -> None:
        """Close the idle connections (the store still works: it opens new ones)."""
        with self._lock:
            _close_all(self._idle)

    # -- connections and transactions ----------------------------------------------------
    def _take(self) -> psycopg.Connection:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's connections are not ours
                _abandoned.extend(self._idle)
                self._idle.clear()
                self._pid = os.getpid()
            while self._idle:
                con = self._idle.pop()
                if not con.closed and con.info.transaction_status == \
                        psycopg.pq.TransactionStatus.IDLE:
                    return con
                con.close()
        try:
            return psycopg.connect(self.url, autocommit=True, row_factory=dict_row,
                                   application_name="gallery-reader", connect_timeout=10)
        except psycopg.OperationalError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise StoreUnavailable(f"cannot reach the database {self.where()}: {first}"
                                   ) from None

    def _give(self, con: psycopg.Connection) -> None:
        healthy = (not con.closed and con.info.transaction_status ==
                   psycopg.pq.TransactionStatus.IDLE)
        with self._lock:
            if healthy and self._pid == os.getpid() and len(self._idle) < MAX_IDLE:
                self._idle.append(con)
                return
        con.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A connection for one call or transaction. A connection lost on the way (the
        server restarted, the network dropped) is a `StoreUnavailable` (503), and is not
        kept: the next call opens a fresh one."""
        con = self._take()
        try:
            yield con
        except psycopg.errors.DiskFull as e:  # the server's disk: the write was rolled back
            raise LibraryFull(f"cannot be written ({str(e).strip().splitlines()[0]}): "
                              f"{FULL_ADVICE}", self.where()) from None
        except psycopg.OperationalError as e:
            if not con.broken and not con.closed:
                raise
            raise StoreUnavailable(f"lost the connection to the database {self.where()}: "
                                   f"{str(e).strip().splitlines()[0] if str(e).strip() else e!r}"
                                   ) from None
        finally:
            self._give(con)

    def _current(self) -> psycopg.Connection | None:
        return getattr(self._local, "con", None)

    @contextmanager
    def transaction(self) -> Iterator[ConnectionsPart]:
        """One write transaction for every call of this thread inside the block, serialised
        with every other by the advisory lock; a nested block joins the outer one."""
        if self._current() is not None:
            yield self
            return
        with self._connection() as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            self._local.con = con
            try:
                yield self
            finally:
                self._local.con = None

    @contextmanager
    def _read(self) -> Iterator[psycopg.Connection]:
        con = self._current()
        if con is not None:
            yield con
            return
        with self._connection() as con:
            yield con

    @contextmanager
    def _snapshot(self) -> Iterator[psycopg.Connection]:
        """A connection whose reads all see one state of the library."""
        con = self._current()
        if con is not None:
            yield con
            return
        with self._connection() as con:
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield con
            finally:
                con.execute("COMMIT")

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection]:
        with self.transaction():
            yield self._current()
