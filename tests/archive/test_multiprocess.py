"""Several WSGI worker processes on one host share one library (SQLite in WAL mode).

Two real processes re-import and render the same gallery at once, over and over: neither
sees an error or a half-written gallery, and afterwards the file, the search index and the
library are whole. (This covers the library and its search index; the shared audio cache
gets the same kind of test from the speech feature.)
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from reader.store import Library
from tests.archive.texts import MARKET, write
from tests.conftest import ROOT


def test_two_worker_processes_write_and_render_the_same_gallery(instance, tmp_path):
    source = write(tmp_path, "market.txt", MARKET)
    Library.in_instance(instance)  # created once, as a deployment would before forking
    procs = [subprocess.Popen([sys.executable, "-m", "tests.archive.worker", str(instance),
                               str(source), "40"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == "ok 40"
    con = sqlite3.connect(instance / "library.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    assert con.execute("SELECT count(*) FROM galleries").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM items").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM search_index").fetchone()[0] == 3
