"""The magnifier, shortcuts-off and JavaScript-off journeys (3, 4 and 5 of
tests/browser/test_journeys.py, which says what each proves)."""

from __future__ import annotations

import pytest

from tests.browser.journeys import (
    GALLERY_PLAYING,
    LONG,
    THEMES,
    open_context,
    swap_to_photo_2,
)
from tests.browser.probes import press_all

# ---- 3. Magnifier -------------------------------------------------------------------------

IN_VIEW = """() => {
  const r = document.activeElement.getBoundingClientRect();
  const bar = document.querySelector('.listen-player.is-active');
  const barTop = bar ? bar.getBoundingClientRect().top : innerHeight;
  const inBar = bar && bar.contains(document.activeElement);
  return {top: r.top, left: r.left, right: r.right, barTop, inBar,
          id: document.activeElement.id, tag: document.activeElement.tagName,
          // the focused element's first line is on screen and not under the bar
          ok: r.top >= 0 && r.left >= 0 && r.right <= innerWidth + 1 &&
              (inBar ? r.top < innerHeight : r.top + 20 <= barTop)};
}"""
BAR_IN_VIEW = """() => { const b = document.querySelector('.listen-player.is-active');
  if (!b) return false; const r = b.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight + 1 && r.height > 0; }"""
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= innerWidth"

VIEWS = {"zoom-400": dict(width=320, height=256),
         "text-200": dict(width=640, height=480, text_size="200")}


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize(("theme", "scheme"), THEMES)
def test_journey_3_magnifier(browser, site, artifacts, view, theme, scheme):
    ctx = open_context(browser, site, theme=theme, scheme=scheme, **VIEWS[view])
    page = ctx.new_page()
    shot = f"journey-3-{view}-{theme}-{scheme}"
    try:
        page.goto(site.url(f"/g/{site.seed}/"))
        for n in (1, 2):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => document.activeElement.id === 'photo-{n}-heading'")
            assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
            assert page.evaluate(NO_SIDEWAYS)
        page.screenshot(path=artifacts / f"{shot}-gallery-photo-2.png")

        swap_to_photo_2(page, site)
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
        page.screenshot(path=artifacts / f"{shot}-after-swap.png")
        # Back and Forward swap back to the right photo, its heading focused and on screen.
        page.go_back()
        page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo"
                               " === '1' && document.activeElement.id === 'photo-heading'")
        assert page.url.endswith("/1")
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
        page.go_forward()
        page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo"
                               " === '2' && document.activeElement.id === 'photo-heading'")
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))

        # Play all from here: the bar is on screen, the focus stays visible, and after the
        # player moves on (]) and the reader moves (→), both still are.
        page.keyboard.press("k")
        page.wait_for_function(GALLERY_PLAYING, timeout=LONG)
        page.wait_for_function(BAR_IN_VIEW)
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
        page.keyboard.press("]")
        page.wait_for_function("() => Reader.listening.part() === 3 && document.querySelector("
                               "'.photo-page').dataset.photo === '3'", timeout=LONG)
        page.wait_for_function(BAR_IN_VIEW)
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo"
                               " === '4' && document.activeElement.id === 'photo-heading'")
        page.wait_for_function("() => Reader.listening.part() === 4", timeout=LONG)
        page.wait_for_function(BAR_IN_VIEW)
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
        assert page.evaluate(NO_SIDEWAYS)
        page.wait_for_function("() => document.querySelector('.listen-now-text').textContent",
                               timeout=LONG)
        page.screenshot(path=artifacts / f"{shot}-playing.png")
        # The bar's own buttons, reached by Tab, show inside it.
        page.get_by_role("button", name="Pause", exact=True).focus()
        assert page.evaluate(IN_VIEW)["ok"], str(page.evaluate(IN_VIEW))
    finally:
        ctx.close()


# ---- 4. Shortcuts off ------------------------------------------------------------------

def test_journey_4_shortcuts_off(browser, site):
    ctx = open_context(browser, site, shortcuts="off")
    page = ctx.new_page()
    try:
        page.goto(site.url("/help"))
        declared = page.evaluate("Object.values(JSON.parse(document.documentElement"
                                 ".dataset.keys)).join(' ').split(' ')")
        assert {"ArrowRight", "p", "k", "+", "0", "?"} <= set(declared)
        paths = ["/", f"/g/{site.seed}/", f"/g/{site.seed}/3", f"/g/{site.sample}/3/view",
                 "/help"]
        for path in paths:
            page.goto(site.url(path))
            if path.endswith("/view"):
                page.locator("[data-photo-viewer]").focus()
            else:
                page.locator("h1").click()
            assert press_all(page, declared + ["Escape"]) == [], path
            assert page.url == site.url(path)
            assert page.evaluate("() => !window.Reader.listening && [...document"
                                 ".querySelectorAll('audio')].every(a => a.paused)"), path
            if path.endswith("/view"):
                assert page.locator("#zoom-status").inner_text() == ""
        # after an in-page move (by the link: the keys are off), still nothing
        page.goto(site.url(f"/g/{site.seed}/3"))
        page.get_by_role("link", name="Next photo").click()
        page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo"
                               " === '4'")
        assert press_all(page, declared) == []
    finally:
        ctx.close()


def test_journey_4_the_full_size_view_keys_work_when_on(browser, site):
    """The counterpart: the same keys in the full-size view act when shortcuts are on."""
    ctx = open_context(browser, site)
    page = ctx.new_page()
    try:
        page.goto(site.url(f"/g/{site.sample}/3/view"))
        page.locator("[data-photo-viewer]").focus()
        assert press_all(page, ["+"]) == ["+"]
        assert page.locator("#zoom-status").inner_text() == "Zoom 150%"
        assert press_all(page, ["0"]) == ["0"]
        assert page.locator("#zoom-status").inner_text() == "Zoom 100%"
    finally:
        ctx.close()


# ---- 5. JavaScript off -----------------------------------------------------------------

DEAD_CONTROLS = """() => [...document.querySelectorAll('button, [role=button]')]
  .filter(b => b.getClientRects().length > 0)
  .filter(b => !(b.form && (b.type === 'submit' || b.type === 'reset')))
  .map(b => b.outerHTML.slice(0, 100))"""


def test_journey_5_javascript_off(browser, site):
    ctx = open_context(browser, site, js=False)
    page = ctx.new_page()
    checked = set()
    try:
        for path in ("/", f"/g/{site.seed}/", f"/g/{site.seed}/5", f"/g/{site.sample}/3/view",
                     "/help", "/settings"):
            page.goto(site.url(path))
            assert page.evaluate(DEAD_CONTROLS) == [], path  # buttons only where they submit
            players = page.locator("audio")
            for i in range(players.count()):  # the native player, visible with its controls
                assert players.nth(i).is_visible() and \
                    players.nth(i).get_attribute("controls") is not None, path
            hrefs = page.evaluate("[...document.querySelectorAll('a[href]')]"
                                  ".filter(a => a.getClientRects().length)"
                                  ".map(a => a.href.split('#')[0])")
            for href in set(hrefs) - checked:
                if not href.startswith(site.base) or "/listen/" in href or \
                        href.endswith((".epub", ".zip")):
                    continue  # the downloads are tested by the listen and export tests
                checked.add(href)
                response = page.request.get(href)
                assert response.status < 400, (path, href, response.status)
    finally:
        ctx.close()
    assert len(checked) > 20
