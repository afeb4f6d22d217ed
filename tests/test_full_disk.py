"""Issue 15, finding 1 (the library's side): a full disk, for real (a 4 MiB tmpfs filled to
its last byte), under a real server.

Readers get every page and every cached file; every writer (sign-in's throttle rows, an
editor's save, an import pasted or uploaded, a lexicon entry, a new audio render) gets the
reader's own 507 page and nothing is half-written; once space is freed `reader check` finds
the library whole, with exactly what it held before, and writes work again. A process that
starts on the full disk (`reader list`, a new server) reads the library read-only, since
SQLite cannot even make the WAL's ``-shm`` file there.

The oracles are outside the app: the disk's own ENOSPC, the library's rows dumped with
Python's sqlite3, the files on the disk, and `reader check` (SQLite's integrity_check).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from html import unescape
from pathlib import Path

import pytest

from reader.importers import parse_source
from reader.store import LIBRARY_FILE, Library
from reader.users import Users
from reader.web import create_app
from tests.conftest import SEED, fill, served
from tests.http_client import Browser, cookie
from tests.security.conftest import EDITOR, PASSWORD
from tests.security.test_leftovers_and_leaks import photo_zip
from tests.test_library_damage import one_line_error, run

FULL_WORDS = "no room to save this"  # the 507 page's own words (reader/web/errors.py)
CONFIG = {"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, "MEDIA_MIN_FREE_BYTES": 0,
          "MEDIA_RENDER_RATE": ""}


def rows(path: Path) -> list[str]:
    """The library's content, read with Python's sqlite3 (the sign-in throttle's counts,
    which any sign-in attempt changes, left out)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [line for line in con.iterdump() if "sign_in_failures" not in line]
    finally:
        con.close()


def files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def refused_as_full(status: int, body: bytes, what: str) -> None:
    text = body.decode("utf-8", "replace")
    assert status == 507, (what, status, text[:400])
    assert FULL_WORDS in text.lower() and "nothing was changed" in text, (what, text[:400])
    assert "Traceback" not in text and "/tmp" not in text  # no server detail for the client


def make_library(instance: Path) -> str:
    library = Library.in_instance(instance)
    slug = library.save(parse_source(SEED.read_bytes(), str(SEED))).slug
    Users(library).add(EDITOR, PASSWORD)
    library.close()
    return slug


def assert_full(disk: Path) -> None:
    with pytest.raises(OSError) as e:
        (disk / "one-more").write_bytes(b"x" * 4096)
    assert e.value.errno == errno.ENOSPC  # the disk really is full
    (disk / "one-more").unlink(missing_ok=True)


def test_a_running_server_on_a_full_disk_reads_everything_and_refuses_writes_cleanly(
        small_disk):
    instance = small_disk / "instance"
    slug = make_library(instance)
    app = create_app(CONFIG, instance=instance)
    text = SEED.read_bytes()
    photos = photo_zip(small_disk.parent / "harbour.zip", n=2).read_bytes()
    with served(app) as base:
        reader, editor = Browser(base), Browser(base)
        status, _, cached = reader.get(f"/audio/{slug}/1.mp3")  # rendered and cached now
        assert status == 200 and len(cached) > 1000
        assert editor.sign_in()[0] == 302
        before_rows = rows(instance / LIBRARY_FILE)
        before_files = files(instance)
        filler = fill(small_disk)
        assert_full(small_disk)

        # Readers: every page and every cached file.
        for page in ("/", f"/g/{slug}/", f"/g/{slug}/1", f"/g/{slug}/2", "/search?q=Kherson",
                     "/settings", "/help", f"/api/galleries/{slug}", "/api/galleries"):
            status, _, body = reader.get(page)
            assert status == 200, (page, status, body[:300])
        status, _, again = reader.get(f"/audio/{slug}/1.mp3")
        assert status == 200 and again == cached
        status, headers, part = reader.get(f"/audio/{slug}/1.mp3", Range="bytes=0-99")
        assert status == 206 and part == cached[:100]
        for page in ("/edit/", f"/edit/g/{slug}/", f"/edit/g/{slug}/1", "/edit/lexicon/"):
            assert editor.get(page)[0] == 200, page  # a signed-in editor still reads
        # The reader's settings live in a cookie: choosing them writes nothing to the disk.
        status, headers, _ = reader.post("/settings", {"theme": "dark", "text_size": "150"})
        assert status == 303 and "reader_settings=" in headers.get("Set-Cookie", "")

        # Writers: the reader's own 507 page, nothing written.
        stranger = Browser(base)
        refused_as_full(*stranger.sign_in()[::2], "sign-in")
        refused_as_full(*editor.post(f"/edit/g/{slug}/1", {
            "caption": "A caption that must not be saved.", "credit": "Nobody/Agency",
            "alt": "", "version": version_of(editor, slug)})[::2], "editor save")
        refused_as_full(*editor.post("/edit/import", {"text": text.decode()})[::2],
                        "pasted import")
        refused_as_full(*editor.upload("/edit/import", "gallery.txt", text)[::2],
                        "uploaded import")
        refused_as_full(*editor.upload("/edit/import", "harbour.zip", photos)[::2],
                        "uploaded zip of photos")
        refused_as_full(*editor.post("/edit/lexicon/", {
            "written": "Kherson", "spoken": "Hair sohn", "kind": "substitute"})[::2],
            "lexicon entry")
        reader.jar.set_cookie(cookie(base, "reader_settings", "speech_rate=333"))
        status, _, body = reader.get(f"/audio/{slug}/1.mp3")  # a new render
        refused_as_full(status, body, "audio render")

        assert rows(instance / LIBRARY_FILE) == before_rows
        new = files(instance) - before_files
        assert not [p for p in new if p.parts[0] in ("audio", "exports", "images")], new
        assert not [p for p in files(instance) if p.name.startswith(".partial-")]

        os.unlink(filler)  # room again
        done = run(instance, "check")
        assert done.returncode == 0 and "ok" in done.stdout, (done.stdout, done.stderr)
        assert rows(instance / LIBRARY_FILE) == before_rows  # what it held, whole
        status, headers, _ = editor.post(f"/edit/g/{slug}/1", {
            "caption": "Saved once there was room.", "credit": "Somebody/Agency", "alt": "",
            "version": version_of(editor, slug)})
        assert status == 303, status
        assert "Saved once there was room." in reader.get(f"/g/{slug}/1")[2].decode()
        assert stranger.sign_in()[0] == 302


def version_of(browser: Browser, slug: str) -> str:
    _, _, body = browser.get(f"/edit/g/{slug}/1")
    return unescape(re.search(r'name="version" value="([^"]*)"', body.decode()).group(1))


def test_a_process_started_on_a_full_disk_reads_the_library_read_only(small_disk):
    instance = small_disk / "instance"
    slug = make_library(instance)
    before = rows(instance / LIBRARY_FILE)
    create_app(CONFIG, instance=instance).extensions["library"].close()  # its key, its index
    assert not (instance / f"{LIBRARY_FILE}-shm").exists()  # the last connection closed
    filler = fill(small_disk)
    assert_full(small_disk)

    listed = run(instance, "list")
    assert listed.returncode == 0 and slug in listed.stdout, (listed.stdout, listed.stderr)
    shown = run(instance, "show", slug)
    assert shown.returncode == 0 and "Kherson" in shown.stdout, shown.stderr
    line = one_line_error(run(instance, "import", str(SEED)))  # an update: a write
    assert "full" in line and str(instance / LIBRARY_FILE) in line, line

    app = create_app(CONFIG, instance=instance)  # a server (re)started on the full disk
    pages = ("/", f"/g/{slug}/", f"/g/{slug}/3", "/search?q=Kherson")
    with served(app) as base:
        browser = Browser(base)
        for page in pages:
            assert browser.get(page)[0] == 200, page
        refused_as_full(*browser.sign_in()[::2], "sign-in")

        os.unlink(filler)  # room again: the same server writes, and keeps its -shm now
        assert rows(instance / LIBRARY_FILE) == before
        done = run(instance, "check")
        assert done.returncode == 0, (done.stdout, done.stderr)
        assert browser.sign_in()[0] == 302
        filler = fill(small_disk)  # full once more, with writes in the log since
        assert_full(small_disk)
        for page in pages:
            assert browser.get(page)[0] == 200, page
        refused_as_full(*Browser(base).sign_in()[::2], "sign-in")
    app.extensions["library"].close()
    os.unlink(filler)


def test_photos_below_the_free_space_floor_stop_the_import_with_507(instance, tmp_path):
    """Room for the upload but not above `media.min_free_mib`: the photos are not at fault,
    so the import stops whole with 507 (not a "photo refused" note and a 400)."""
    make_library(instance)
    app = create_app({**CONFIG, "MEDIA_MIN_FREE_BYTES": 2**50}, instance=instance)
    before = rows(instance / LIBRARY_FILE)
    with served(app) as base:
        editor = Browser(base)
        assert editor.sign_in()[0] == 302
        data = photo_zip(tmp_path / "harbour.zip", n=2).read_bytes()
        refused_as_full(*editor.upload("/edit/import", "harbour.zip", data)[::2], "zip")
    assert rows(instance / LIBRARY_FILE) == before
    assert not (instance / "images" / "originals").exists() or not any(
        (instance / "images" / "originals").rglob("*.*"))
    assert list((instance / "images" / "tmp").iterdir()) == []
