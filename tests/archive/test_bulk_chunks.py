"""Bulk import and editors (issue 16): a big gallery is written in short transactions, an
editor's save gets in between two of them, and readers see a gallery whole or not at all,
even when the importing process is killed.

Nothing here is timed. What the tests look at is state: how many rows each transaction
wrote (counted by SQLite), what a second process sees while it holds its place in the
writers' queue, and what is left after a real SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from reader.model import Gallery, Item
from reader.search import search
from reader.store.sqlite import SqliteStore
from reader.store.sqlite_bulk import CHUNK

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = 3 * CHUNK  # three chunks of search rows, then the photos


def big(n: int, photos: int = PHOTOS) -> Gallery:
    return Gallery(title=f"Herons {n}", lang="en", source=f"/bulk/{n}.txt",
                   standfirst="Birds on the estuary.",
                   items=[Item(k, f"Heron number {k} wading.", credit="Ada Lund/Reader Desk")
                          for k in range(1, photos + 1)])


def rows(con: sqlite3.Connection) -> tuple[int, int]:
    return (con.execute("SELECT count(*) FROM search_index").fetchone()[0],
            con.execute("SELECT count(*) FROM items").fetchone()[0])


def test_a_big_gallery_is_written_a_chunk_per_transaction_and_shown_in_one(library,
                                                                            monkeypatch):
    written = []  # (search rows, items) each write transaction added, counted by SQLite
    real = SqliteStore._write

    @contextmanager
    def counting(self):
        with real(self) as con:
            before = rows(con)
            yield con
            after = rows(con)
            written.append((after[0] - before[0], after[1] - before[1]))

    monkeypatch.setattr(SqliteStore, "_write", counting)
    [(stored, error)] = list(library.save_many([big(1, 1000)]))
    assert error is None
    assert max(search_rows for search_rows, _ in written) <= CHUNK
    assert sum(search_rows for search_rows, _ in written) == 1000
    # The photos land in one transaction, with no search rows of their own (written ahead).
    assert [w for w in written if w[1]] == [(0, 1000)]
    assert len(written) >= 1000 // CHUNK + 2  # the reservation, the chunks, the photos
    assert search(library, "heron").total == 1000
    assert len(library.get(stored.slug).items) == 1000
    with sqlite3.connect(library.path) as con:
        assert con.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
        con.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")


def test_a_re_import_replaces_the_photos_and_their_search_rows(library):
    first = big(1)
    list(library.save_many([first]))
    again = big(1)
    again.items = [Item(k, f"Egret number {k}.") for k in range(1, CHUNK + 50)]
    [(stored, error)] = list(library.save_many([again]))
    assert error is None and stored.slug == first.slug
    assert search(library, "wading").total == 0
    assert search(library, "egret").total == CHUNK + 49
    with sqlite3.connect(library.path) as con:
        assert rows(con) == (CHUNK + 49, CHUNK + 49)


CHILD = """
import sys
sys.path.insert(0, sys.argv[2])
from tests.archive.test_bulk_chunks import big
from reader.store import Library
library = Library(sys.argv[1])
for gallery, error in library.save_many(big(n) for n in range(40)):
    assert error is None, error
"""


@contextmanager
def waiting_in_line(library: Path):
    """Hold a place in the writers' queue, as a writer waiting for the lock does."""
    fd = os.open(f"{library}.writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def test_a_save_gets_in_mid_gallery_and_a_killed_import_leaves_no_half_gallery(library):
    editor = library.save(Gallery(title="The editor's gallery", lang="en",
                                  items=[Item(1, "A quay at dawn.")]))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(library.path), str(ROOT)],
                             cwd=ROOT)
    probe = sqlite3.connect(library.path, isolation_level=None)
    deadline = time.monotonic() + 120
    try:
        edits = 0
        while True:
            assert child.poll() is None, "the import ended before it was caught mid-gallery"
            assert time.monotonic() < deadline
            if not Path(f"{library.path}.writers").exists():
                continue
            with waiting_in_line(library.path):
                # While this process waits in line, the import starts no transaction: this
                # save gets the lock as soon as the import's current chunk ends...
                g = library.get(editor.slug)
                edits += 1
                g.items[0].caption = f"A quay at dawn, edit {edits}."
                library.save(g)
                # ... and the import stays where it was: read what a reader sees now.
                probe.execute("BEGIN")
                pending = probe.execute("SELECT lo, hi FROM search_pending").fetchall()
                ahead = pending and probe.execute(
                    "SELECT count(*) FROM search_index WHERE rowid BETWEEN ? AND ?",
                    pending[0]).fetchone()[0]
                galleries = library.list()
                found = search(library, "heron").total
                probe.execute("COMMIT")
                if ahead:  # caught with a gallery's search rows written, not its photos
                    os.kill(child.pid, signal.SIGKILL)
                    break
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        probe.close()
    herons = [s for s in galleries if s.title.startswith("Herons")]
    assert all(s.item_count == PHOTOS for s in herons)  # whole galleries only
    assert found == min(PHOTOS * len(herons), 2000)  # the rows written ahead are not found
    assert ahead in (CHUNK, 2 * CHUNK, 3 * CHUNK)  # whole chunks, the photos not yet in
    assert library.get(editor.slug).items[0].caption == f"A quay at dawn, edit {edits}."

    # The killed import's leftovers are cleared when the library is next opened.
    reopened = SqliteStore.open(library.path)
    with sqlite3.connect(library.path) as con:
        assert con.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
        search_rows, items = rows(con)
        assert search_rows == items == PHOTOS * len(herons) + 1
        con.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    assert reopened.check(full=True) == []
    assert not list(library.path.parent.glob("*.import-*"))  # the lock file is gone too
    # And the same source imports cleanly again.
    assert [e for _, e in reopened.save_many([big(len(herons))])] == [None]
    assert len(reopened.get(f"herons-{len(herons)}").items) == PHOTOS


def test_without_an_import_a_save_makes_no_queue_file(library):
    library.save(Gallery(title="Alone", lang="en", items=[Item(1, "One.")]))
    assert not Path(f"{library.path}.writers").exists()


@pytest.mark.parametrize("photos", [CHUNK, CHUNK + 1])
def test_galleries_either_side_of_a_chunk_are_stored_and_found(library, photos):
    assert [e for _, e in library.save_many([big(7, photos)])] == [None]
    assert search(library, "heron").total == photos
    with sqlite3.connect(library.path) as con:
        assert rows(con) == (photos, photos)
