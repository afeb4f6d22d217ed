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
(6, the exported site, is tests/export/test_site_journeys.py.)

Screenshots of the key moments, in every theme, go to test-artifacts/journey-*.png.
"""

from __future__ import annotations

import pytest

from reader.web.settings import COOKIE
from tests.browser.probes import press_all

LONG = 60_000  # ms: the first request of a part renders its audio
THEMES = (("auto", "light"), ("dark", "dark"), ("light", "light"), ("yellow", "dark"))

PLAYING = """n => { const a = document.getElementById('audio-' + n);
  return !!a && !a.paused && a.currentTime > 0; }"""
GALLERY_PLAYING = """() => !!window.Reader.listening && !Reader.listening.audio.paused
  && Reader.listening.audio.currentTime > 0"""
# Every non-empty text the polite announcer is given.
WATCH_ANNOUNCER = """() => { window.__announced = [];
  new MutationObserver(() => { const t = document.getElementById('announcer').textContent;
    if (t) window.__announced.push(t); })
  .observe(document.getElementById('announcer'), {childList: true, characterData: true,
                                                  subtree: true}); }"""


def open_context(browser, site, *, width=1280, height=900, theme=None, scheme="light",
                 text_size=None, shortcuts=None, js=True):
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              color_scheme=scheme, reduced_motion="reduce",
                              java_script_enabled=js)
    values = {k: v for k, v in (("theme", theme), ("text_size", text_size),
                                ("shortcuts", shortcuts)) if v}
    if values:
        ctx.add_cookies([{"name": COOKIE, "url": site.base,
                          "value": "&".join(f"{k}={v}" for k, v in values.items())}])
    return ctx


class Keyboard:
    """Presses keys and counts them."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1


def focused_heading(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return /^H[1-6]$/.test(e.tagName) ? e.innerText.trim() : ''; }""")


def swap_to_photo_2(page, site):
    """Load photo 1, then move to photo 2 in the page (fetch-and-swap, no page load)."""
    page.goto(site.url(f"/g/{site.seed}/1"))
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo === '2'"
                           " && document.activeElement.id === 'photo-heading'")
    assert loads == [], "the move was a page load, not the in-page swap"


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

def ax_tree(page) -> list[dict]:
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [n for n in nodes if not n.get("ignored")]


def role(node) -> str:
    return (node.get("role") or {}).get("value", "")


def name(node) -> str:
    return ((node.get("name") or {}).get("value") or "").strip()


def prop(node, key):
    for p in node.get("properties", []):
        if p["name"] == key:
            return p["value"].get("value")
    return None


# Takes the focus and yet is not shown (no box, or invisible): a stop a reader lands on and
# cannot see or use. (display: none and [hidden] elements cannot take the focus at all.)
INERT_FOCUSABLE = """() => { const back = document.activeElement;
  const out = [...document.querySelectorAll(
      'a[href], button, input, select, textarea, audio[controls], [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled)
    .filter(e => { e.focus({preventScroll: true}); return document.activeElement === e; })
    .filter(e => e.getClientRects().length === 0 || getComputedStyle(e).visibility === 'hidden'
                 || e.getBoundingClientRect().width < 2)
    .filter(e => !e.classList.contains('skip-link'))
    .map(e => e.outerHTML.slice(0, 120));
  if (back && back.focus) back.focus({preventScroll: true});
  return out; }"""


def check_screen_reader_view(page, what: str) -> list[dict]:
    nodes = ax_tree(page)
    headings = [name(n) for n in nodes if role(n) == "heading"]
    photos = [h for h in headings if h.startswith("Photo ") and " of " in h]
    assert photos, what
    assert len(set(photos)) == len(photos), (what, photos)  # they tell photos apart
    assert all(": " in h and len(h) <= 70 for h in photos), photos  # number + gist, short
    controls = [(role(n), name(n)) for n in nodes if role(n) in ("button", "link")]
    assert all(label for _, label in controls), (what, controls)
    buttons = [label for r, label in controls if r == "button"]
    links = [label for r, label in controls if r == "link"]
    assert len(set(buttons)) == len(buttons), (what, buttons)
    assert not set(buttons) & set(links), what  # a button is never named like a link
    dupes = sorted({label for label in links if links.count(label) > 1})
    assert dupes == [], (what, dupes)
    assert page.evaluate(INERT_FOCUSABLE) == [], what
    return nodes


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
