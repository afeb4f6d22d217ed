"""Issue 15, finding 8: leftovers of crashed imports, server paths in public answers, an
upload's title, and who may read the library. Real processes killed with SIGKILL, a real
server, real files.
"""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.parse
import zipfile

from reader.images.spool import spool_dir
from reader.model import Gallery, GalleryWarning, Item
from reader.users import Users
from reader.web import create_app
from tests.conftest import ROOT, served
from tests.photofiles import jpeg, scene, xmp_packet
from tests.security.conftest import EDITOR, PASSWORD, form_token, sign_in

CRASHING_IMPORT = """
import sys, time
from reader.importers.photos import load_photo_gallery

def stop_here(done, total):  # after the first photo: hold everything, wait to be killed
    print("importing", flush=True)
    time.sleep(3600)

load_photo_gallery(sys.argv[1], instance=sys.argv[2], jobs=1, progress=stop_here)
"""


def photo_zip(path, n: int = 3, garbage: bool = False):
    with zipfile.ZipFile(path, "w") as z:
        for i in range(1, n + 1):
            z.writestr(f"{i:02d}.jpg", jpeg(scene((320, 240), (40 * i, 80, 120)),
                                            xmp=xmp_packet(description=f"Study {i}.")))
        if garbage:
            z.writestr("99.jpg", b"not a photo at all")
    return path


def test_a_crashed_import_leaves_nothing_after_the_next_start(instance, tmp_path):
    """kill -9 in the middle of a real import; the next start sweeps what it left, and
    keeps what a live import holds."""
    zipped = photo_zip(tmp_path / "harbour.zip")
    crash = subprocess.Popen([sys.executable, "-c", CRASHING_IMPORT, str(zipped),
                              str(instance)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert crash.stdout.readline().strip() == "importing"  # a state, not a time
    os.kill(crash.pid, signal.SIGKILL)
    crash.wait(30)
    spool = instance / "images" / "tmp"
    left = [p for p in spool.iterdir()]
    assert left, "the crashed import left its spool (the finding)"
    # A store write that crashed between write and rename, an hour ago.
    stale = spool / "0123abcd.jpg.x1y2z3"
    stale.write_bytes(b"half a photo")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    with spool_dir(instance) as live:  # another process's import, still running
        (live / "01.jpg").write_bytes(b"being imported")
        create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
        assert sorted(p.name for p in spool.iterdir()) == [live.name]
        assert (live / "01.jpg").exists()


def test_no_server_path_in_the_anonymous_api(instance):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    library = app.extensions["library"]
    secret = str(instance / "private" / "desk")
    slug = library.save(Gallery(
        title="Harbour", lang="en", source=f"{secret}/harbour.txt",
        warnings=[GalleryWarning(3, f"{secret}/photos/04.jpg: cannot be read"),
                  GalleryWarning(5, "credit (Ana Lima/Reuters) kept")],
        items=[Item(position=1, caption="A boat.")])).slug
    Users(library).add(EDITOR, PASSWORD)
    with served(app) as base:
        import urllib.request

        with urllib.request.urlopen(f"{base}/api/galleries/{slug}") as r:
            text = r.read().decode()
        doc = json.loads(text)
        assert str(instance) not in text and "/private/" not in text
        assert doc["source"] == "harbour.txt"
        assert [w["message"] for w in doc["warnings"]] == [
            "04.jpg: cannot be read", "credit (Ana Lima/Reuters) kept"]
    editor = app.test_client()
    sign_in(editor)
    assert editor.get(f"/api/galleries/{slug}").get_json()["source"] == f"{secret}/harbour.txt"


def test_an_uploaded_zip_is_titled_by_its_name_not_its_temporary_file(instance, tmp_path):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    Users(app.extensions["library"]).add(EDITOR, PASSWORD)
    client = app.test_client()
    sign_in(client)
    data = photo_zip(tmp_path / "x.zip", n=2, garbage=True).read_bytes()
    r = client.post("/edit/import", data={
        "csrf_token": form_token(client, "/edit/import"),
        "file": (io.BytesIO(data), "harbour-at-dawn.zip")}, content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    slug = urllib.parse.urlsplit(r.headers["Location"]).path.rstrip("/").split("/")[-1]
    g = app.extensions["library"].get(slug)
    assert g.title == "Harbour at dawn"
    warnings = " ".join(w.message for w in g.warnings)
    assert "99.jpg" in warnings  # the refused member is named …
    assert "images/tmp" not in warnings and "upload-" not in warnings  # … not the spool
    assert list((instance / "images" / "tmp").iterdir()) == []


def test_library_and_key_are_not_readable_by_others(instance):
    create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": True}, instance=instance)
    for name in ("library.sqlite3", "secret_key"):
        assert stat.S_IMODE((instance / name).stat().st_mode) & 0o077 == 0, name
