"""`site.zip` and `book.epub` are built in the background, once per content, however many
readers ask: until the file is there a request gets 202, Retry-After and a page saying how
far it is, with a link to try again (issue 16)."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path

from reader.builds import FAILED, ThreadBuilder
from tests.conftest import downloaded
from tests.security.conftest import sample_gallery


def hold_the_worker(builder: ThreadBuilder) -> threading.Event:
    """Occupy the builder's one worker until the returned event is set, so what is asked
    next waits in its queue: a state the test controls, not a race."""
    release, started = threading.Event(), threading.Event()

    def work(build):
        started.set()
        assert release.wait(timeout=120)

    builder.start("test: hold the worker", work)
    assert started.wait(timeout=60)
    return release


def test_every_request_shares_one_build_and_gets_202_until_it_is_there(app, client):
    gallery = app.extensions["library"].save(sample_gallery(n=3))
    builder = app.extensions["builds"]
    url = f"/g/{gallery.slug}/site.zip"
    release = hold_the_worker(builder)
    try:
        waiting = [client.get(url) for _ in range(3)]
    finally:
        release.set()
    for r in waiting:
        assert r.status_code == 202 and r.headers["Retry-After"] == "2"
        assert "no-store" in r.headers["Cache-Control"]
        html = r.get_data(as_text=True)
        assert re.search(r"<h1>Making the website \(zip\) of “[^”]+”</h1>", html)
        assert f'<a class="button" href="{url}">Check again' in html
        assert "Waiting for another download" in html
        assert "http-equiv" not in html  # no automatic reload
    assert builder.runs == 2  # the worker's holder, and one build for all three requests
    r = downloaded(client, url)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        assert f"{gallery.slug}/g/{gallery.slug}/3.html" in z.namelist()
    assert client.get(url).status_code == 200 and builder.runs == 2  # sent, not rebuilt
    assert len(list(Path(app.instance_path).glob("exports/*.zip"))) == 1


def test_the_progress_page_counts_the_steps(app, client):
    gallery = app.extensions["library"].save(sample_gallery(n=2))
    builder = app.extensions["builds"]
    url = f"/g/{gallery.slug}/book.epub"
    release = hold_the_worker(builder)
    try:
        first = client.get(url)
        [key] = [k for k in builder._builds if k.endswith(".epub")]
        builder.get(key).progress(1, 2)  # as the build reports after its first photo
        html = client.get(url).get_data(as_text=True)
    finally:
        release.set()
    assert first.status_code == 202
    assert '<label for="build-progress">1 of 2 steps done</label>' in html
    assert '<progress id="build-progress" max="2" value="1">' in html
    assert downloaded(client, url).mimetype == "application/epub+zip"


def test_a_failed_build_is_reported_and_not_repeated_by_a_retry(app, client, monkeypatch):
    import reader.web.export_site as export_site
    from reader.errors import ExportError

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise ExportError("the disk is full (made up by the test)")

    monkeypatch.setattr(export_site, "export_site", broken)
    gallery = app.extensions["library"].save(sample_gallery(n=2))
    url = f"/g/{gallery.slug}/site.zip"
    r = downloaded(client, url)
    assert r.status_code == 500
    assert "the disk is full (made up by the test)" in r.get_data(as_text=True)
    assert client.get(url).status_code == 500 and calls == [1]  # reported, not rebuilt
    [build] = [b for b in app.extensions["builds"]._builds.values() if b.state == FAILED]
    assert build.error == "the disk is full (made up by the test)"
