"""Issue 15, findings 6, 7 and 8: a damaged, empty or unreadable library, with real files.

An empty (zero-length) library file used to be taken for a new library (the sample loaded
over it, the editors' accounts gone); a garbage or truncated one gave tracebacks; a page
damaged mid-file served until search failed. Each is refused now with one line naming the
file, from the CLI and from the web app's start, and `reader check` says what to do.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess

import pytest

from reader.errors import LibraryError
from reader.model import Gallery, Item
from reader.store import LIBRARY_FILE, Library
from reader.web import create_app
from tests.conftest import served
from tests.http_client import Browser
from tests.test_serve import BIN


def a_gallery(n: int = 40) -> Gallery:
    return Gallery(title="Harbour at dawn", standfirst="Boats come home.", lang="en", items=[
        Item(position=i, caption=f"Boat number {i} ties up at the quay. " * 20,
             credit=f"Photographer {i}/Agency") for i in range(1, n + 1)])


def run(instance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "reader"), "--instance", str(instance), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "READER_SPEECH_WARM": "false"})


def one_line_error(out: subprocess.CompletedProcess) -> str:
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_an_empty_library_file_is_refused_never_replaced(instance):
    path = instance / LIBRARY_FILE
    path.write_bytes(b"")
    line = one_line_error(run(instance, "list"))
    assert str(path) in line and "empty" in line
    with pytest.raises(LibraryError, match="empty"):
        create_app({"TESTING": True}, instance=instance)  # the sample is not loaded over it
    assert path.stat().st_size == 0  # untouched
    line = one_line_error(run(instance, "check"))
    assert str(path) in line and "backup" in line


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_garbage_or_truncated_library_is_one_line_not_a_traceback(instance, damage):
    path = instance / LIBRARY_FILE
    if damage == "garbage":
        path.write_bytes(os.urandom(8192))
    else:
        lib = Library.in_instance(instance)
        lib.save(a_gallery())
        with sqlite3.connect(path) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 3])
    for args in (["list"], ["show", "harbour-at-dawn"], ["search", "boat"]):
        line = one_line_error(run(instance, *args))
        assert str(path) in line, line
    served = run(instance, "serve", "--port", "0")  # refuses at start, one line
    assert str(path) in one_line_error(served)


def damage_a_page_mid_file(path):
    """Overwrite one page in the middle of the file (a b-tree page of the items)."""
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    assert pages > 6
    with open(path, "r+b") as f:
        f.seek(page_size * (pages // 2))
        f.write(b"\xa5" * page_size)


def test_a_damaged_page_is_found_at_start_and_by_reader_check(instance):
    lib = Library.in_instance(instance)
    lib.save(a_gallery())
    damage_a_page_mid_file(lib.path)
    with pytest.raises(LibraryError, match="damaged.*reader check"):
        create_app({"TESTING": True}, instance=instance)
    out = run(instance, "check")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "DAMAGED" in out.stderr and "backup" in out.stderr and ".recover" in out.stderr


def test_reader_check_on_a_whole_library(instance, reader):
    Library.in_instance(instance).save(a_gallery(3))
    out = run(instance, "check")
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


def test_a_new_library_and_key_are_private(instance):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    for name in (LIBRARY_FILE, "secret_key"):
        mode = stat.S_IMODE((instance / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    app.extensions["library"].save(a_gallery(2))  # the WAL's files follow the library
    for extra in ("-wal", "-shm"):
        p = instance / (LIBRARY_FILE + extra)
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, extra


@pytest.fixture
def read_only_instance(tmp_path):
    """An instance folder holding a library, then made read-only: by its mode for a normal
    user; as root (who writes through modes) by a small tmpfs remounted read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        Library.in_instance(folder).save(a_gallery(2))
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"root cannot mount a tmpfs here to make a read-only folder: "
                    f"{mount.stderr.strip()}")
    try:
        library = Library.in_instance(folder)
        library.save(a_gallery(2))
        library.close()  # its idle connection would keep the mount busy
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_instance_folder_is_one_line(read_only_instance):
    for args in (["list"], ["serve", "--port", "0"], ["import", "--json", "/dev/null"]):
        line = one_line_error(run(read_only_instance, *args))
        assert str(read_only_instance) in line, (args, line)


def test_damage_while_serving_is_the_readers_own_page_not_a_500(instance):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    slug = app.extensions["library"].save(a_gallery(3)).slug
    with served(app) as base:  # a real server, over real HTTP
        client = Browser(base)
        assert client.get(f"/g/{slug}/")[0] == 200
        path = instance / LIBRARY_FILE
        for extra in ("-wal", "-shm"):
            (instance / (LIBRARY_FILE + extra)).unlink(missing_ok=True)
        path.write_bytes(os.urandom(path.stat().st_size))
        for url in (f"/g/{slug}/", "/search?q=boat", "/api/galleries"):
            status, _, body = client.get(url)
            assert status == 503, (url, status)
            text = body.decode()
            assert "library cannot be read" in text and str(path) not in text
            assert "Traceback" not in text
