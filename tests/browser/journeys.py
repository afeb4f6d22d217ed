"""What the journey tests share (tests/browser/test_journeys*.py): a browser context with a
reader's settings, a key counter, the in-page move to photo 2, and readings of Chromium's
accessibility tree."""

from __future__ import annotations

from reader.web.settings import COOKIE

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
