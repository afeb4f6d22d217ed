"""The player in a real browser (Debian chromium via Playwright): nothing plays by itself,
the Listen button and the `p` shortcut play and pause the current photo's audio."""

from __future__ import annotations

import pytest

from reader.web import create_app
from tests.browser.probes import press_all
from tests.conftest import served


@pytest.fixture
def live(speech_app):
    with served(speech_app) as base:
        yield base


@pytest.fixture
def page(browser):
    # The shared chromium of tests/conftest.py (started with --mute-audio).
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _paused(page, n=1) -> bool:
    return page.evaluate(f"document.getElementById('audio-{n}').paused")


def test_listen_button_and_p_shortcut(live, page, seed_gallery):
    audio_requests = []
    page.on("request", lambda r: "/audio/" in r.url and audio_requests.append(r.url))
    page.goto(f"{live}/g/{seed_gallery.slug}/2")
    page.wait_for_load_state("networkidle")
    assert _paused(page, 2) and audio_requests == []  # nothing plays or loads by itself

    listen = page.get_by_role("button", name="Play caption and credit, photo 2", exact=True)
    assert listen.is_visible()
    listen.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.getElementById('audio-2').paused", timeout=15000)
    page.get_by_role("button", name="Pause caption and credit, photo 2", exact=True).wait_for()
    assert any(".mp3" in u for u in audio_requests)
    page.wait_for_function("() => document.getElementById('audio-2').currentTime > 0.2",
                           timeout=15000)

    page.locator("h1").click()  # focus away from the button; `p` works anywhere
    page.keyboard.press("p")
    page.wait_for_function("() => document.getElementById('audio-2').paused")
    listen.wait_for()  # says "Play" again
    page.keyboard.press("p")
    page.wait_for_function("() => !document.getElementById('audio-2').paused")

    # Shortcuts switched off: `p` does nothing.
    page.keyboard.press("p")
    page.wait_for_function("() => document.getElementById('audio-2').paused")
    page.evaluate("document.documentElement.dataset.shortcuts = 'off'")
    assert press_all(page, ["p"]) == []
    assert _paused(page, 2)


def test_p_on_the_gallery_page_plays_the_focused_photo_only(live, page, seed_gallery):
    page.goto(f"{live}/g/{seed_gallery.slug}/")
    page.locator("#photo-3-heading a").focus()
    page.keyboard.press("p")
    page.wait_for_function("() => !document.getElementById('audio-3').paused", timeout=15000)
    states = page.evaluate("[...document.querySelectorAll('audio.speech')].map(a => a.paused)")
    assert states.count(False) == 1 and states[2] is False


def test_no_engine_the_page_says_so(instance, seed_gallery, page):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                      "SPEECH_LIBRARY": "/nonexistent/libespeak-ng.so.1"}, instance=instance)
    with served(app, threads=2) as base:
        page.goto(f"{base}/g/{seed_gallery.slug}/1")
        note = page.get_by_role("note")
        assert "Audio is unavailable" in note.inner_text()
        assert page.locator("audio").count() == 0
        assert page.get_by_role("button", name="Play caption and credit").count() == 0
