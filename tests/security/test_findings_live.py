"""Issue 15's findings that other tests reproduce through Flask's test client or the
in-process CLI, here again against a real server (waitress on loopback, `served`), over real
HTTP, with real files: the cache-fill attack from several client addresses (finding 1), the
JSON documents that crashed imports (findings 5 and 6) uploaded by an editor, the longest
slug and title through book.epub and site.zip (finding 6), and a web-uploaded zip's title
(finding 8).

Oracles outside the code under test: the files the media store really holds (listed on
disk), the library file dumped with Python's sqlite3, Python's zipfile and XML parser on the
exports.
"""

from __future__ import annotations

import io
import json
import time
import urllib.parse
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reader.importers import parse_source
from reader.store import Library
from reader.users import Users
from reader.web import create_app
from tests.conftest import SEED, served
from tests.http_client import Browser, cookie
from tests.security.conftest import EDITOR, PASSWORD, snapshot
from tests.security.test_leftovers_and_leaks import photo_zip


def make_app(instance: Path, **config):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, **config},
                     instance=instance)
    Users(app.extensions["library"]).add(EDITOR, PASSWORD)
    return app


def cache_bytes(instance: Path) -> dict[str, int]:
    """Every re-creatable file on disk (audio, exports), with its size."""
    return {str(p.relative_to(instance)): p.stat().st_size
            for sub in ("audio", "exports") for p in (instance / sub).rglob("*")
            if p.is_file()}


def test_a_cache_fill_from_several_addresses_stays_under_the_quota(instance):
    """Finding 1 over HTTP: clients from four addresses (127.0.0.2…5) each ask for new
    speech settings. Each address is held to its render rate (429 + Retry-After), another
    address has its own allowance, and what they make together stays under the quota,
    the least recently used evicted, the configured default kept."""
    slug = Library.in_instance(instance).save(parse_source(SEED.read_bytes(), str(SEED))).slug
    quota = 2_500_000  # a caption's render is ~0.8 MB (WAV, MP3, cues)
    app = make_app(instance, MEDIA_QUOTA_BYTES=quota, MEDIA_RENDER_RATE="3/minute")
    with served(app) as base:
        status, _, default = Browser(base).get(f"/audio/{slug}/1.mp3")
        assert status == 200
        pinned = cache_bytes(instance)  # the default voice and rate: outside the quota
        rate = 100
        for address in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"):
            client = Browser(base, source=address)
            for _ in range(3):
                rate += 10
                client.jar.set_cookie(cookie(base, "reader_settings", f"speech_rate={rate}"))
                status, headers, body = client.get(f"/audio/{slug}/1.mp3")
                assert status == 200 and headers["X-Speech-Cache"] == "miss", (address, status)
                held = cache_bytes(instance)
                assert sum(s for n, s in held.items() if n not in pinned) <= quota, held
            rate += 10
            client.jar.set_cookie(cookie(base, "reader_settings", f"speech_rate={rate}"))
            status, headers, body = client.get(f"/audio/{slug}/1.mp3")
            assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60, (address, status)
            assert b"try again" in body
        held = cache_bytes(instance)
        assert set(pinned) <= set(held)  # the default was never evicted
        assert app.extensions["media"].evicted > 0  # 12 renders of ~0.8 MB: the quota bit
        status, headers, again = Browser(base).get(f"/audio/{slug}/1.mp3")
        assert status == 200 and again == default and headers["X-Speech-Cache"] == "hit"


@pytest.fixture
def live_editor(instance):
    app = make_app(instance)
    with served(app) as base:
        editor = Browser(base)
        assert editor.sign_in()[0] == 302
        yield app, editor


@pytest.mark.parametrize("name,body,words", [
    ("escape.json", json.dumps({"title": "Harbour", "items": [
        {"caption": "Boats \u001b[2J come home."}]}).encode(), "U+001B"),
    ("surrogate.json", b'{"title": "Harbour \\ud800", "items": [{"caption": "A boat."}]}',
     "surrogate"),
    ("deep.json", b'{"title": "x", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "nested too deeply"),
    ("slug.json", json.dumps({"title": "Harbour", "slug": "a" * 300, "items": [
        {"caption": "A boat."}]}).encode(), "at most 80"),
], ids=["control-character", "lone-surrogate", "100000-levels", "300-character-slug"])
def test_a_hostile_json_upload_is_the_readers_own_400(live_editor, name, body, words):
    app, editor = live_editor
    library = app.extensions["library"]
    before = snapshot(library)
    status, _, page = editor.upload("/edit/import", name, body)
    text = page.decode()
    assert status == 400, (status, text[:300])
    assert words in text, text[:2000]
    assert "Traceback" not in text and "<title>" in text  # the reader's own page
    assert snapshot(library) == before


def built(browser: Browser, path: str, deadline: float = 300.0):
    """A download, polled while it is built in the background (202)."""
    end = time.monotonic() + deadline
    while True:
        status, headers, body = browser.get(path)
        if status != 202:
            return status, headers, body
        assert time.monotonic() < end, f"{path} still being made after {deadline} s"
        time.sleep(0.1)  # polling a state, with an overall deadline


@pytest.mark.parametrize("source", ["json-slug", "long-title"])
def test_the_longest_slug_goes_through_book_epub_and_site_zip(instance, source):
    """Finding 6: a 300-character slug broke book.epub and site.zip. A slug is now at most
    80 characters wherever it comes from (a JSON document's own, or one made from a
    500-character title), and both downloads work with the longest."""
    words = ("harbour lights " * 40)[:500].strip()
    doc = {"title": words if source == "long-title" else "Harbour", "lang": "en",
           "items": [{"caption": "Boats come home at dawn.", "credit": "Ana Lima/Reuters"}]}
    if source == "json-slug":
        doc["slug"] = "h" * 80
    library = Library.in_instance(instance)
    slug = library.save(parse_source(json.dumps(doc).encode(), "doc.json", kind="json")).slug
    assert 1 <= len(slug) <= 80, slug
    with served(make_app(instance)) as base:
        reader = Browser(base)
        status, headers, epub = built(reader, f"/g/{slug}/book.epub")
        assert status == 200, (status, epub[:300])
        with zipfile.ZipFile(io.BytesIO(epub)) as z:
            assert z.read("mimetype") == b"application/epub+zip"
            for name in z.namelist():
                if name.endswith((".xhtml", ".opf", ".smil")):
                    ElementTree.fromstring(z.read(name))  # well-formed XML
        status, headers, site = built(reader, f"/g/{slug}/site.zip")
        assert status == 200, (status, site[:300])
        with zipfile.ZipFile(io.BytesIO(site)) as z:
            assert z.testzip() is None
            assert any(n.endswith("index.html") for n in z.namelist())


def test_a_web_uploaded_zip_is_titled_by_its_own_name(live_editor, tmp_path, instance):
    """Finding 8: the title came from the upload's temporary file name."""
    app, editor = live_editor
    data = photo_zip(tmp_path / "x.zip", n=2).read_bytes()
    status, headers, page = editor.upload("/edit/import", "harbour-at-dawn.zip", data)
    assert status == 303, page[:500]
    slug = urllib.parse.urlsplit(headers["Location"]).path.rstrip("/").split("/")[-1]
    status, _, body = Browser(editor.base).get(f"/api/galleries/{slug}")
    doc = json.loads(body)
    assert doc["title"] == "Harbour at dawn"
    assert "tmp" not in json.dumps(doc) and "upload-" not in json.dumps(doc)
    assert list((instance / "images" / "tmp").iterdir()) == []


def test_the_serving_settings_reach_waitress(instance, app):
    """What to build, "Serving": the connection limit, threads, channel timeout and trusted
    proxy come from the one configuration (here INSTANCE/config.toml and READER_*), read
    back from the waitress server's own parsed settings."""
    import waitress

    from reader.config import Config
    from reader.web.serving import waitress_options

    (instance / "config.toml").write_text(
        "[serve]\nconnection_limit = 321\nchannel_timeout = 17\n[proxy]\ncount = 1\n")
    config = Config.load(instance, environ={"READER_SERVE_THREADS": "6"})
    server = waitress.create_server(app, host="127.0.0.1", port=0, **waitress_options(config))
    try:
        adj = server.adj
        assert (adj.connection_limit, adj.channel_timeout, adj.threads) == (321, 17, 6)
        assert adj.trusted_proxy == "127.0.0.1" and adj.trusted_proxy_count == 1
        assert {"x-forwarded-for", "x-forwarded-proto"} <= set(adj.trusted_proxy_headers)
        assert adj.clear_untrusted_proxy_headers is True
    finally:
        server.close()
