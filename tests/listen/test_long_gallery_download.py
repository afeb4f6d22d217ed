"""A 260-photo gallery (more chapters than one table can list: 255) end to end with the real
engine: its MP3 over real HTTP, several readers at once sharing one build, a later request
served from the cache, the WAV URL made from the cached FLAC, a listen part that does not
work out the others; then `reader export site` and the gallery page's site.zip of it.

Read back by mutagen and ffprobe (Debian's ffmpeg, scripts/setup), and decoded by
libsndfile: none of them is the code under test.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
import wave
import zipfile

import pytest
import soundfile
from mutagen.id3 import ID3, CTOCFlags

from reader.model import Gallery, Item
from reader.store import Library
from reader.web import create_app
from tests.conftest import Reader, downloaded, served

PHOTOS = 260
BOATS = ["ferry", "trawler", "dinghy", "yacht", "tug", "barge", "kayak"]


@pytest.fixture(scope="module")
def long_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("long")
    library = Library.in_instance(instance)
    items = [Item(i, f"A {BOATS[i % 7]} at berth {i}.", "Test Press" if i % 2 else None)
             for i in range(1, PHOTOS + 1)]
    gallery = library.save(Gallery("Every boat in the harbour", items, lang="en",
                                   standfirst="One morning, counted."))
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    with served(app, threads=6) as base:
        yield app, base, gallery.slug


def _get(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=900) as r:
        return r.status, dict(r.headers), r.read()


@pytest.fixture(scope="module")
def downloads(long_app):
    """Three readers asking for the gallery file at once, while nothing of it exists."""
    app, base, slug = long_app
    results: list = [None] * 3

    def fetch(i):
        results[i] = _get(f"{base}/listen/{slug}/gallery.mp3")

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_readers_at_once_share_one_build_and_a_retry_is_a_cache_hit(long_app, downloads):
    app, base, slug = long_app
    speech = app.extensions["speech"]
    assert all(status == 200 for status, _, _ in downloads)
    bodies = {body for _, _, body in downloads}
    assert len(bodies) == 1
    body = bodies.pop()
    for _, headers, _ in downloads:
        assert int(headers["Content-Length"]) == len(body)
    assert speech.gallery_files.started == 1
    # The file is put into the media store after the last reader got its bytes: a retry
    # before then follows the finished build, after it is a cache hit; never a second build.
    deadline = time.monotonic() + 120
    while True:
        status, headers, again = _get(f"{base}/listen/{slug}/gallery.mp3")
        assert status == 200 and again == body
        if headers["X-Speech-Cache"] == "hit" or time.monotonic() > deadline:
            break
    assert headers["X-Speech-Cache"] == "hit"
    assert speech.gallery_files.started == 1


def test_every_chapter_reads_back_with_mutagen(downloads):
    body = downloads[0][2]
    tags = ID3(io.BytesIO(body))
    chapters = {c.element_id: c for c in tags.getall("CHAP")}
    assert len(chapters) == PHOTOS + 1
    tables = {t.element_id: t for t in tags.getall("CTOC")}
    (top,) = [t for t in tables.values() if t.flags & CTOCFlags.TOP_LEVEL]
    assert all(len(t.child_element_ids) <= 255 for t in tables.values())
    order = [c for sub in top.child_element_ids for c in tables[sub].child_element_ids]
    titles = [chapters[c].sub_frames["TIT2"].text[0] for c in order]
    assert titles == ["Introduction"] + [f"Photo {i} of {PHOTOS}" for i in
                                         range(1, PHOTOS + 1)]
    x, rate = soundfile.read(io.BytesIO(body))
    end = chapters[order[-1]].end_time
    assert abs(len(x) * 1000 / rate - end) <= 1


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="Debian's ffmpeg is not installed")
def test_ffprobe_lists_every_chapter(downloads, tmp_path):
    path = tmp_path / "long.mp3"
    path.write_bytes(downloads[0][2])
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True)
    chapters = json.loads(out.stdout)["chapters"]
    assert len(chapters) == PHOTOS + 1
    assert chapters[-1]["tags"]["title"] == f"Photo {PHOTOS} of {PHOTOS}"


def test_the_wav_url_is_the_flac_the_cache_keeps_and_the_quota_counts_it(long_app, downloads):
    app, base, slug = long_app
    status, headers, wav = _get(f"{base}/listen/{slug}/7.wav")
    assert status == 200 and headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(wav)) as w:
        frames = w.readframes(w.getnframes())
    media = app.extensions["media"]
    stored = dict(media.names("audio/"))
    assert not [n for n in stored if n.endswith(".wav")]  # never stored
    flacs = [n for n in stored if n.endswith(".flac")]
    assert len(flacs) == PHOTOS + 1
    decoded = [soundfile.read(io.BytesIO(media.get(n)), dtype="int16")[0].tobytes()
               for n in flacs]
    assert frames in decoded  # bit for bit one of the stored masters
    # The lossless master costs well under the WAV it replaces (about half, for speech).
    assert stored[flacs[0]] < 0.7 * 2 * soundfile.info(io.BytesIO(media.get(flacs[0]))).frames
    # The quota's index knows every file; the default settings' clips are pinned (never
    # evicted), the whole-gallery file is not (it is made again from them if evicted).
    with sqlite3.connect(app.instance_path + "/library.sqlite3") as db:  # table of migration 8
        rows = dict(db.execute("SELECT name, pinned FROM media_cache WHERE name LIKE 'audio/%'"))
    assert all(rows[n] == 1 for n in flacs)
    mp3s = [n for n in stored if n.endswith(".mp3")]
    assert [n for n in mp3s if rows[n] == 0] != [] and len(mp3s) == PHOTOS + 2


def test_one_part_is_worked_out_alone(long_app, monkeypatch):
    """Serving part 5 makes the script of part 5 only (counted at the one function every
    part's words go through)."""
    import reader.speech.listening as listening

    app, base, slug = long_app
    calls = []
    real = listening.speech_script
    monkeypatch.setattr(listening, "speech_script",
                        lambda item, *a, **k: calls.append(item.position) or real(item, *a, **k))
    client = app.test_client()
    assert client.get(f"/listen/{slug}/5.vtt").status_code == 200
    assert calls == [5]


@pytest.fixture(scope="module")
def site(long_app, downloads, tmp_path_factory):
    """`reader export site` of the long gallery (after the downloads: its audio is cached)."""
    app, base, slug = long_app
    folder = tmp_path_factory.mktemp("long-site") / "site"
    result = Reader(app.instance_path)("export", "site", slug, folder)
    assert result.exit_code == 0, result.output
    assert f"({PHOTOS} of {PHOTOS} photos with spoken audio)" in result.output
    return folder


def _site_mp3_chapters(data: bytes) -> int:
    return len(ID3(io.BytesIO(data)).getall("CHAP"))


def test_reader_export_site_of_more_than_255_photos_opens(long_app, site, downloads):
    _app, _base, slug = long_app
    page = (site / f"g/{slug}/{PHOTOS}.html").read_text(encoding="utf-8")
    assert f"Photo {PHOTOS} of {PHOTOS}" in page or "berth 260" in page
    mp3 = site / f"listen/{slug}/gallery.mp3"
    assert mp3.read_bytes() == downloads[0][2]
    assert _site_mp3_chapters(mp3.read_bytes()) == PHOTOS + 1


def test_site_zip_of_more_than_255_photos_opens(long_app, site):
    app, _base, slug = long_app
    r = downloaded(app.test_client(), f"/g/{slug}/site.zip", deadline=900)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert f"{slug}/g/{slug}/{PHOTOS}.html" in names
        assert _site_mp3_chapters(z.read(f"{slug}/listen/{slug}/gallery.mp3")) == PHOTOS + 1
