"""Bulk import into the SQLite store without making editors wait (issue 16).

SQLite has one write lock. A gallery of 2,000 photos written in one transaction holds it for
as long as the search index takes to tokenize 2,000 rows (most of the cost), and a save
waiting behind an import used to wait for that, or for several such galleries when it missed
the gap between two. Two things bound an editor's wait to one short transaction:

- **Chunks.** A big gallery's search rows are written ahead of it, `CHUNK` rows per
  transaction, under item ids reserved for it (table `search_pending`, migration 9); search
  skips a reserved range, so nothing of the gallery can be found yet. Then its gallery row and
  photos land in one transaction (cheap without the search rows: the insert trigger skips a
  reserved id), which also ends the reservation: readers see the whole gallery or nothing.
  A crash leaves only a reservation and its hidden search rows; they are cleared when a later
  import or `SqliteStore.open` finds that its importer is gone (its lock file is no longer
  locked), so a re-import never finds half a gallery.
- **A turnstile.** A writer waiting for the lock holds a shared `flock` on ``<library>.writers``
  while it waits (`waiting_writer`). An import takes that file exclusively before each of its
  transactions (`Turnstile.wait`), and once it has the write lock looks again and gives the
  lock back if a writer came meanwhile (`_in_turn`): it never writes while a writer waits, so
  however busy the machine, the writer gets the lock at the end of the import's current
  chunk. Only imports make the file; without it a writer does not queue.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from reader.errors import InputError
from reader.model import Gallery
from reader.store.slugs import check_gallery

CHUNK = 200  # photos (search rows) per transaction; a smaller gallery is written at once
BATCH_SIZE = 200  # accepted for compatibility; save_many commits each gallery on its own

_NEXT_ID = """SELECT max(ifnull((SELECT max(id) FROM items), 0),
                        ifnull((SELECT max(hi) FROM search_pending), 0)) + 1"""


def next_item_id(con: sqlite3.Connection) -> int:
    """The first item id that is neither used nor reserved by an import under way."""
    return con.execute(_NEXT_ID).fetchone()[0]


def pending_ranges(con: sqlite3.Connection) -> list[tuple[int, int]]:
    """Item ids reserved by imports under way: their search rows are not to be found."""
    return [(r[0], r[1]) for r in con.execute("SELECT lo, hi FROM search_pending")]


def _lock_file(path: Path, create: bool) -> int | None:
    try:
        return os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    except OSError:  # none (no import ever ran here), or a read-only folder: no queue
        return None


@contextmanager
def waiting_writer(library: Path) -> Iterator[None]:
    """Hold a place in the turnstile's queue while waiting for the write lock."""
    fd = _lock_file(Path(f"{library}.writers"), create=False)
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # lets go of the lock


class Turnstile:
    """An import's side of the queue: `wait()` returns once no writer is waiting."""

    def __init__(self, library: Path | None):
        """``None``: no queue (a read-only folder is the same)."""
        self.fd = None if library is None else _lock_file(Path(f"{library}.writers"), True)

    def wait(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def writer_waiting(self) -> bool:
        if self.fd is None:
            return False
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        return False

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Owner:
    """A lock file an import holds for its life: a reservation whose owner's file is no longer
    locked was left by a process that died."""

    def __init__(self, library: Path):
        self.name = f"{library.name}.import-{os.getpid()}-{secrets.token_hex(4)}"
        self.path = library.with_name(self.name)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def close(self) -> None:
        with suppress(OSError):
            self.path.unlink()
        os.close(self.fd)

    @staticmethod
    def gone(library: Path, name: str) -> bool:
        """Whether the import that holds ``name`` has ended (then its file is removed)."""
        path = library.with_name(name)
        fd = _lock_file(path, create=False)
        if fd is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)
        with suppress(OSError):
            path.unlink()
        return True


class _GiveWay(Exception):
    """Raised inside an import's transaction to roll it back for a waiting writer."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _search_rows(gallery: Gallery, first_id: int) -> list[tuple]:
    """The search rows the insert trigger would write for the gallery's photos."""
    return [(first_id + k, gallery.title if it.position == 1 else None,
             gallery.standfirst if it.position == 1 else None, it.caption, it.alt, it.credit)
            for k, it in enumerate(gallery.items)]


class BulkPart:
    """Mixed into `SqliteStore`: `save_many` and the clearing of abandoned reservations."""

    def save_many(self, galleries: Iterable[Gallery], batch_size: int = BATCH_SIZE
                  ) -> Iterator[tuple[Gallery, InputError | None]]:
        """Store many galleries (bulk import): each visible whole or not at all, written in
        transactions of at most `CHUNK` photos, each started only when no other writer is
        waiting (see the module's doc). A bad gallery is rolled back alone and yielded with
        its error; each gallery is yielded once it is stored (``batch_size`` is ignored)."""
        if self._current() is not None:  # inside the caller's transaction: no gaps to give
            for gallery in galleries:
                try:
                    check_gallery(gallery)
                    self._store(self._current(), gallery, _now())
                except InputError as e:
                    yield gallery, e
                else:
                    yield gallery, None
            return
        turn = Turnstile(self.path)
        try:
            self.clear_abandoned_imports(turn)
            for gallery in galleries:
                try:
                    check_gallery(gallery)
                    gallery.renumber()
                    if len(gallery.items) <= CHUNK:
                        self._in_turn(turn, lambda con, g=gallery: self._store(con, g, _now()))
                    else:
                        self._save_in_chunks(gallery, turn)
                except InputError as e:
                    yield gallery, e
                else:
                    yield gallery, None
        finally:
            turn.close()

    def _in_turn(self, turn: Turnstile, work):
        """``work(con)`` in a transaction taken when no writer waits (see the module's doc)."""
        while True:
            turn.wait()
            try:
                with self._write() as con:
                    if turn.writer_waiting():
                        raise _GiveWay
                    return work(con)
            except _GiveWay:
                continue

    def _save_in_chunks(self, gallery: Gallery, turn: Turnstile) -> None:
        owner = Owner(self.path)
        try:
            def reserve(con):
                lo = next_item_id(con)
                con.execute("INSERT INTO search_pending (lo, hi, owner, started) "
                            "VALUES (?, ?, ?, ?)",
                            (lo, lo + len(gallery.items) - 1, owner.name, _now()))
                return lo

            lo = self._in_turn(turn, reserve)
            try:
                rows = _search_rows(gallery, lo)
                for start in range(0, len(rows), CHUNK):
                    self._in_turn(turn, lambda con, chunk=rows[start:start + CHUNK]:
                                  con.executemany(
                                      """INSERT INTO search_index (rowid, title, standfirst,
                                         caption, alt, credit) VALUES (?, ?, ?, ?, ?, ?)""",
                                      chunk))

                def show(con):  # the gallery and its photos, visible at once
                    self._store(con, gallery, _now(), first_id=lo)
                    con.execute("DELETE FROM search_pending WHERE lo = ?", (lo,))

                self._in_turn(turn, show)
            except BaseException:
                with suppress(sqlite3.Error):
                    self._clear_reservation(lo, turn)
                raise
        finally:
            owner.close()

    def _clear_reservation(self, lo: int, turn: Turnstile) -> None:
        """Remove a reservation's search rows (a chunk per transaction), then the
        reservation."""
        with self._read() as con:
            row = con.execute("SELECT hi FROM search_pending WHERE lo = ?", (lo,)).fetchone()
        if row is None:
            return
        for start in range(lo, row[0] + 1, CHUNK):
            self._in_turn(turn, lambda con, a=start: con.execute(
                "DELETE FROM search_index WHERE rowid BETWEEN ? AND ?",
                (a, min(a + CHUNK - 1, row[0]))))
        self._in_turn(turn, lambda con: con.execute(
            "DELETE FROM search_pending WHERE lo = ?", (lo,)))

    def clear_abandoned_imports(self, turn: Turnstile | None = None) -> int:
        """Clear the reservations of imports whose process has died; how many."""
        with self._read() as con:
            rows = con.execute("SELECT lo, owner FROM search_pending").fetchall()
        gone = [lo for lo, owner in rows if Owner.gone(self.path, owner)]
        for lo in gone:
            self._clear_reservation(lo, turn or Turnstile(None))
        return len(gone)
