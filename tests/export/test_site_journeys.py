"""Journey 6: the exported static site, opened from disk (file://) and served by a plain
static HTTP server (no Python app behind it): play all with the spoken sentence highlighted,
each photo's play control working on first load and after an in-page move, and no search box
(there is no server to search).

Over file:// a page can fetch neither a JSON route nor a <track> file, so the export carries
the parts inline with their cues as data: URLs (reader/web/listen.py); these tests would see
no highlight otherwise.
"""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT

LONG = 60_000
ARTIFACTS = ROOT / "test-artifacts"


@contextmanager
def static_server(folder):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(params=["file", "http"])
def site_root(request, exports):
    folder = exports.site["sample"]
    if request.param == "file":
        yield folder.as_uri() + "/"
        return
    with static_server(folder) as base:
        yield base


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    yield ctx.new_page()
    ctx.close()


def test_journey_6_play_all_with_highlighting_and_no_search_box(page, exports, site_root):
    slug = exports.sample.slug
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_root}g/{slug}/index.html")
    assert page.get_by_role("search").count() == 0  # no server to search: no box
    assert page.locator("input[type=search]").count() == 0
    page.get_by_role("button", name="Play all", exact=True).click()
    page.wait_for_function("() => window.Reader.listening && !Reader.listening.audio.paused",
                           timeout=LONG)
    page.get_by_role("button", name="Show transcript").click()
    page.wait_for_selector(".listen-cue[aria-current='true']", timeout=LONG)
    page.wait_for_function("() => document.querySelector('.listen-now-text').textContent",
                           timeout=LONG)
    now = page.locator(".listen-now-text").inner_text()
    assert now == page.locator(".listen-cue[aria-current='true']").inner_text()
    assert "&lt;" not in now and "&amp;" not in now
    page.evaluate("Reader.listening.audio.playbackRate = 3")
    page.wait_for_function("() => Reader.listening.part() >= 1", timeout=LONG)
    page.wait_for_selector(".listen-cue[aria-current='true']", timeout=LONG)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"journey-6-{site_root.split(':')[0]}-playing.png")
    assert errors == []


def test_journey_6_a_photos_play_control_after_a_move(page, exports, site_root):
    slug = exports.sample.slug
    page.goto(f"{site_root}g/{slug}/1.html")
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")  # a swap over HTTP, a plain link from disk
    page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo === '2'"
                           " && document.readyState === 'complete'")
    page.get_by_role("button", name="Play caption and credit, photo 2", exact=True).click()
    page.wait_for_function("() => { const a = document.getElementById('audio-2');"
                           " return !a.paused && a.currentTime > 0; }", timeout=LONG)
    page.get_by_role("button", name="Pause caption and credit, photo 2", exact=True).click()
    page.wait_for_function("() => document.getElementById('audio-2').paused")
