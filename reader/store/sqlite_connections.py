"""The SQLite store's connections: one per call or per transaction, the idle one a server
keeps (so reads hold up on a full disk), read-only reading when the disk is full
(`reader.store.sqlite_room`) and the write lock. Mixed into `SqliteStore`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from reader.store.sqlite_bulk import waiting_writer
from reader.store.sqlite_files import in_use, translated
from reader.store.sqlite_lock import begin_immediate
from reader.store.sqlite_room import check_room, readable


class ConnectionsPart:
    def keep_open(self) -> None:
        """Hold one idle connection for the store's life. In WAL mode SQLite deletes the
        ``-wal`` and ``-shm`` files when the last connection closes, and the next reader must
        create them again: on a full disk it cannot, and every page failed ("disk I/O error").
        With them kept, readers read on a full disk; only writes fail (issue 15). Started on
        a full disk it cannot be made: the next write that succeeds (room again) makes it."""
        self._wants_keeper = True
        if getattr(self, "_keeper", None) is None:
            # Idle, and maybe made in a server's worker thread but closed from another.
            keeper = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                     check_same_thread=False)
            try:
                keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:  # a full disk: reads go read-only (sqlite_room)
                keeper.close()
                return
            self._keeper = keeper

    def close(self) -> None:
        """Let go of the idle connection (`keep_open`): the file may then be unmounted."""
        self._wants_keeper = False
        keeper, self._keeper = getattr(self, "_keeper", None), None
        if keeper is not None:
            keeper.close()
        self.close_search()  # this thread's kept search connection

    def _open(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        in_use(self.path)
        return con

    def _connect(self) -> sqlite3.Connection:
        return self._configure(self._open())

    @staticmethod
    def _configure(con: sqlite3.Connection) -> sqlite3.Connection:
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA busy_timeout = 10000")
        # In WAL mode a commit then writes the log without waiting for the disk (the
        # checkpoint syncs): cheap commits let bulk import take one transaction per gallery.
        # A power cut may lose the last commits, never corrupt the file.
        con.execute("PRAGMA synchronous = NORMAL")
        return con

    def _current(self) -> sqlite3.Connection | None:
        return getattr(self._local, "con", None)

    @contextmanager
    def transaction(self) -> Iterator[ConnectionsPart]:
        """One write transaction (``BEGIN IMMEDIATE``) for every call of this thread inside
        the block; a nested block joins the outer one."""
        if self._current() is not None:
            yield self
            return
        with translated(self.path):
            check_room(self.path)  # a (nearly) full disk: refused before anything is written
            con = self._connect()
            try:
                with waiting_writer(self.path):  # a bulk import lets a waiting writer first
                    begin_immediate(con)
                self._local.con = con
                try:
                    yield self
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                self._local.con = None
                con.close()
            if getattr(self, "_wants_keeper", False) and getattr(self, "_keeper", None) is None:
                self.keep_open()  # there is room again: hold the -shm from now on

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = self._current()
        if con is not None:
            yield con
            return
        with translated(self.path):
            con = self._configure(readable(self._open(), self.path))  # read-only if full
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A connection whose reads all see one state of the library."""
        if self._current() is not None:
            yield self._current()
            return
        with self._read() as con:
            con.execute("BEGIN")
            try:
                yield con
            finally:
                con.execute("COMMIT")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self.transaction():
            yield self._current()
