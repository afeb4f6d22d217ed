"""The reading and listening journeys, as a keyboard, screen-reader and magnifier user makes
them, in Debian's chromium: each on the first load and after an in-page swap (the photo
page's fetch-and-swap), where scripts bound only at load would be dead.

1. Keyboard only: a photo's caption and credit, another's, then the whole gallery; pause,
   resume, stop, within a ceiling of key presses.
2. Screen reader, through Chromium's accessibility tree (CDP Accessibility.getFullAXTree):
   headings tell photos apart, control names are unique and say what they do, nothing
   focusable is inert, and a move is announced once.
3. Magnifier: at 320×256 CSS px (400% zoom) and at 200% text, after every move the focused
   element and the now-playing bar are on screen, and nothing scrolls sideways.
4. Shortcuts off: no single key does anything, on any page.
5. JavaScript off: every control on the page does something.
(3 to 5 are in test_journeys_views.py; 6, the exported site, in
tests/export/test_site_journeys.py.)

Screenshots of the key moments, in every theme, go to test-artifacts/journey-*.png.
"""

from __future__ import annotations

import pytest

from tests.browser.journeys import (
    GALLERY_PLAYING,
    LONG,
    PLAYING,
    WATCH_ANNOUNCER,
    Keyboard,
    ax_tree,
    check_screen_reader_view,
    focused_heading,
    name,
    open_context,
    prop,
    role,
    swap_to_photo_2,
)

# ---- 1. Keyboard only -------------------------------------------------------------------

@pytest.mark.parametrize("start", ["first-load", "after-swap"])
def test_journey_1_keyboard_only(browser, site, artifacts, start):
    total = site.seed_total
    ctx = open_context(browser, site)
    page = ctx.new_page()
    try:
        keys = Keyboard(page)
        if start == "first-load":
            page.goto(site.url(f"/g/{site.seed}/"))
            keys.press("ArrowRight", 5)  # to photo 5's heading
            at = 0
        else:
            swap_to_photo_2(page, site)
            keys.press("ArrowRight", 3)  # photo 2 → 5, each an in-page swap
            page.wait_for_function("() => document.querySelector('.photo-page')"
                                   ".dataset.photo === '5'")
            at = 2
        assert focused_heading(page).startswith(f"Photo 5 of {total}: ")
        keys.press("p")
        page.wait_for_function(PLAYING, arg=5, timeout=LONG)
        assert keys.count <= 5 - at + 1  # photo n in at most n + 1 keys
        page.get_by_role("button", name="Pause caption and credit, photo 5",
                         exact=True).wait_for()
        page.screenshot(path=artifacts / f"journey-1-{start}-photo-5-playing.png")
        if start == "after-swap":
            # The photo's own button, swapped in with it, works too (Tab from the heading).
            keys.press("p")
            page.wait_for_function("() => document.getElementById('audio-5').paused")
            keys.press("Tab")
            assert page.evaluate("document.activeElement.getAttribute('aria-label')") == \
                "Play caption and credit, photo 5"
            keys.press("Enter")
            page.wait_for_function(PLAYING, arg=5, timeout=LONG)

        keys.count = 0
        keys.press("End")
        keys.press("p")
        page.wait_for_function(PLAYING, arg=total, timeout=LONG)
        assert keys.count <= 2
        if start == "first-load":  # both on the page: one voice at a time
            assert page.evaluate("document.getElementById('audio-5').paused")

        # The whole gallery: fresh from the gallery page (from the introduction), or from
        # the photo page after a swap (from that photo).
        keys.count = 0
        if start == "first-load":
            page.goto(site.url(f"/g/{site.seed}/"))
            keys.press("k")
            want = 0
        else:
            keys.press("Home")
            page.wait_for_function("() => document.querySelector('.photo-page')"
                                   ".dataset.photo === '1'")
            keys.press("k")
            want = 1
        page.wait_for_function(GALLERY_PLAYING, timeout=LONG)
        assert keys.count <= 2
        assert page.evaluate("Reader.listening.part()") == want
        page.screenshot(path=artifacts / f"journey-1-{start}-gallery-playing.png")

        keys.press("k")  # pause
        page.wait_for_function("() => Reader.listening.audio.paused")
        held = page.evaluate("Reader.listening.audio.currentTime")
        page.get_by_role("button", name="Resume", exact=True).wait_for()
        keys.press("k")  # resume, from where it was
        page.wait_for_function(f"() => !Reader.listening.audio.paused && "
                               f"Reader.listening.audio.currentTime > {held}", timeout=LONG)
        assert page.evaluate("Reader.listening.part()") == want
        keys.press("Escape")  # stop
        page.wait_for_function("() => Reader.listening.audio.paused && "
                               "Reader.listening.part() === -1")
        assert not page.locator("#listen-player").evaluate(
            "p => p.classList.contains('is-active')")
        assert page.get_by_role("button", name="Stop playing").count() == 0
    finally:
        ctx.close()


# ---- 2. Screen reader ---------------------------------------------------------------------

@pytest.mark.parametrize("start", ["first-load", "after-swap"])
def test_journey_2_screen_reader(browser, site, start):
    total = site.seed_total
    ctx = open_context(browser, site)
    page = ctx.new_page()
    try:
        if start == "first-load":
            page.goto(site.url(f"/g/{site.seed}/"))
            nodes = check_screen_reader_view(page, "gallery page")
            photo_buttons = [name(n) for n in nodes if role(n) == "button"
                             and name(n).startswith("Play caption and credit, photo ")]
            assert len(photo_buttons) == total  # one play control per photo
            assert not [n for n in nodes if name(n) in ("Play previous photo",
                                                        "Play next photo", "Stop playing")]
            page.evaluate(WATCH_ANNOUNCER)
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.activeElement.id === 'photo-2-heading'")
        else:
            swap_to_photo_2(page, site)
            page.evaluate(WATCH_ANNOUNCER)
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.querySelector('.photo-page')"
                                   ".dataset.photo === '3'")
            nodes = check_screen_reader_view(page, "photo page after a swap")
            assert [name(n) for n in nodes if role(n) == "button"
                    and name(n).startswith("Play caption and credit")] == \
                ["Play caption and credit, photo 3"]
        # The move's one announcement is the focused heading (its name says which photo):
        # no live-region message repeats it.
        focused = [n for n in ax_tree(page) if prop(n, "focused") and role(n) != "RootWebArea"]
        assert [role(n) for n in focused] == ["heading"]
        assert name(focused[0]).startswith("Photo ")
        assert page.evaluate("window.__announced") == []
        if start == "after-swap":  # Back: photo 2 again, its play control alive, one voice
            page.go_back()
            page.wait_for_function("() => document.querySelector('.photo-page')"
                                   ".dataset.photo === '2'")
            focused = [n for n in ax_tree(page) if prop(n, "focused") and
                       role(n) != "RootWebArea"]
            assert [role(n) for n in focused] == ["heading"]
            assert name(focused[0]).startswith("Photo 2 of ")
            page.get_by_role("button", name="Play caption and credit, photo 2",
                             exact=True).click()
            page.wait_for_function(PLAYING, arg=2, timeout=LONG)
            page.get_by_role("button", name="Pause caption and credit, photo 2",
                             exact=True).click()
            assert page.evaluate("window.__announced") == []

        # Playing the whole gallery: the audio speaks, the live region stays quiet, and
        # the player's buttons now exist, named apart from the photo links.
        page.get_by_role("button", name="Play all", exact=True).click()
        page.wait_for_function(GALLERY_PLAYING, timeout=LONG)
        page.evaluate("Reader.listening.audio.playbackRate = 3")
        first = page.evaluate("Reader.listening.part()")
        page.wait_for_function(f"() => Reader.listening.part() > {first}", timeout=LONG)
        check_screen_reader_view(page, "playing")
        assert page.evaluate("window.__announced") == []
        names = [name(n) for n in ax_tree(page) if role(n) == "button"]
        assert {"Play previous photo", "Play next photo", "Stop playing"} <= set(names)
    finally:
        ctx.close()
