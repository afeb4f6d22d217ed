"""The reading pages in a real browser: axe-core, keyboard, JavaScript off, forced colours.

Debian's chromium, driven by Playwright, against the app served on a loopback port with the
seed gallery and the sample gallery loaded (see conftest.py). Screenshots go to
test-artifacts/ (gitignored) for a person to look at; the tests check them for contrast too.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from reader.web.settings import COOKIE
from tests.browser.probes import press_all, settled
from tests.contrast import contrast_ratio, parse_css_color

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
WIDTHS = (320, 1280)
# (theme setting, emulated prefers-color-scheme): "auto" follows the system, so both.
THEMES = (("auto", "light"), ("auto", "dark"), ("dark", "light"), ("light", "dark"),
          ("yellow", "light"))

axe = Axe()


def page_paths(site) -> dict[str, str]:
    """One URL of each page type (two galleries: the seed and the project's sample)."""
    return {
        "library": "/",
        "gallery-seed": f"/g/{site.seed}/",
        "gallery-sample": f"/g/{site.sample}/",
        "photo-no-description": f"/g/{site.seed}/2",
        "photo-last": f"/g/{site.seed}/{site.seed_total}",
        "settings": "/settings",
        "help": "/help",
        "not-found": "/g/no-such-gallery/",
    }


def new_context(browser, site, *, width=1280, theme=None, scheme="light", js=True,
                forced=None, text_size=None, shortcuts=None):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                              java_script_enabled=js, forced_colors=forced or "none",
                              reduced_motion="reduce")
    values = {k: v for k, v in (("theme", theme), ("text_size", text_size),
                                ("shortcuts", shortcuts)) if v}
    if values:
        ctx.add_cookies([{"name": COOKIE, "url": site.base,
                          "value": "&".join(f"{k}={v}" for k, v in values.items())}])
    return ctx


def axe_violations(page) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    out = []
    for v in results.response["violations"]:
        targets = [", ".join(n["target"]) + ": " + n.get("failureSummary", "").replace("\n", " ")
                   for n in v["nodes"][:3]]
        out.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return out


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# ---- axe on every page type, in every theme, at both widths ----------------------------
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("theme", "scheme"), THEMES, ids=[f"{t}-{s}" for t, s in THEMES])
def test_axe_finds_no_violations(browser, site, artifacts, theme, scheme, width):
    ctx = new_context(browser, site, width=width, theme=theme, scheme=scheme)
    page = ctx.new_page()
    problems = {}
    try:
        for name, path in page_paths(site).items():
            response = page.goto(site.url(path))
            assert response.status == (404 if name == "not-found" else 200), name
            assert page.evaluate("document.documentElement.className").startswith(
                f"theme-{theme}")
            found = axe_violations(page)
            if found:
                problems[name] = found
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.setdefault(name, []).append(f"scrolls sideways by {overflow}px")
            page.screenshot(path=artifacts / f"{name}-{theme}-{scheme}-{width}.png",
                            full_page=True)
    finally:
        ctx.close()
    assert problems == {}


# ---- reflow: 200% text at 320 px, with the WCAG 1.4.12 text-spacing override -------------
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
                     word-spacing: 0.16em !important; }
                  p { margin-bottom: 2em !important; }"""


def test_reflows_at_320px_with_200_percent_text_and_text_spacing(browser, site, artifacts):
    ctx = new_context(browser, site, width=320, theme="dark", text_size="200")
    page = ctx.new_page()
    problems = {}
    try:
        for name, path in page_paths(site).items():
            page.goto(site.url(path))
            # A reader's own style sheet (an extension, as WCAG 1.4.12 assumes) is not bound by
            # the site's CSP; a constructed style sheet is the page-side equivalent.
            page.evaluate("""css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
                document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }""",
                          TEXT_SPACING)
            overflow = horizontal_overflow(page)
            # Text cut off inside a box would show as an element whose content is wider or
            # taller than the box while it hides its overflow.
            clipped = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => { const s = getComputedStyle(e);
                  return e.offsetParent !== null && !e.closest('.visually-hidden')
                    && (s.overflowX === 'hidden' || s.overflowY === 'hidden')
                    && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
                }).map(e => e.tagName + '.' + e.className)""")
            if overflow > 0 or clipped:
                problems[name] = {"overflow": overflow, "clipped": clipped}
            if name in ("photo-no-description", "gallery-sample"):
                page.screenshot(path=artifacts / f"reflow-200pct-320-{name}.png")
        size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert size == pytest.approx(40.0)  # 200% of the reader's 20 px base: really applied
    finally:
        ctx.close()
    assert problems == {}


# ---- keyboard -------------------------------------------------------------------------
def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, text: (e.innerText || '').trim(),
                cls: e.className}; }""")


def test_skip_link_is_first_and_moves_focus_to_main(browser, site):
    ctx = new_context(browser, site)
    page = ctx.new_page()
    try:
        for path in page_paths(site).values():
            page.goto(site.url(path))
            page.keyboard.press("Tab")
            first = focused(page)
            assert first["text"] == "Skip to main content", path
            box = page.locator(".skip-link").bounding_box()
            assert box["y"] >= 0 and box["height"] >= 24  # shown, not off-screen, on focus
            page.keyboard.press("Enter")
            assert focused(page)["id"] == "main"
            page.keyboard.press("Tab")  # the next stop is inside main, not back in the header
            assert page.evaluate("document.activeElement.closest('main') !== null"), path
    finally:
        ctx.close()


def test_arrow_keys_move_between_photos_on_the_photo_page(browser, site, artifacts):
    ctx = new_context(browser, site)
    page = ctx.new_page()
    base = site.url(f"/g/{site.seed}/")
    total = site.seed_total
    try:
        page.goto(base + "2")
        loads = []
        page.on("load", lambda: loads.append(page.url))
        page.keyboard.press("ArrowRight")
        page.wait_for_url(base + "3")
        page.wait_for_function("() => document.activeElement.id === 'photo-heading'")
        assert focused(page)["text"].startswith(f"Photo 3 of {total}: ")
        assert page.title().startswith(f"Photo 3 of {total} – ")
        # One announcement per move: the focused heading, which a screen reader reads; the
        # live region does not repeat it.
        assert page.evaluate("document.getElementById('announcer').textContent") == ""
        assert axe_violations(page) == []  # the swapped-in photo is as sound as a loaded one
        page.screenshot(path=artifacts / "keyboard-photo-3-heading-focused.png")
        page.keyboard.press("End")
        page.wait_for_url(base + str(total))
        page.wait_for_function(f"() => document.activeElement.innerText.trim().startsWith("
                               f"'Photo {total} of {total}: ')")
        page.keyboard.press("ArrowRight")  # already at the last photo: nothing happens
        page.keyboard.press("Home")
        page.wait_for_url(base + "1")
        page.wait_for_function("() => document.activeElement.id === 'photo-heading'")
        assert press_all(page, ["ArrowLeft"]) == []  # already at the first: not acted on
        assert page.url == base + "1"
        assert loads == []  # all without a page load
        page.go_back()  # history holds each photo: back to the last one
        page.wait_for_function(f"() => document.querySelector('h1').innerText.trim().startsWith("
                               f"'Photo {total} of {total}: ')")
        assert page.url == base + str(total)
        # The previous/next links do the same without a page load when clicked.
        page.get_by_role("link", name="First photo").click()
        page.wait_for_url(base + "1")
        assert loads == []
    finally:
        ctx.close()


def test_arrow_keys_move_between_photo_headings_on_the_gallery_page(browser, site, artifacts):
    ctx = new_context(browser, site)
    page = ctx.new_page()
    total = site.seed_total
    try:
        page.goto(site.url(f"/g/{site.seed}/"))
        page.keyboard.press("ArrowRight")
        assert focused(page)["id"] == "photo-1-heading"
        page.keyboard.press("ArrowRight")
        assert focused(page)["id"] == "photo-2-heading"
        assert page.url.endswith("#photo-2")
        page.screenshot(path=artifacts / "keyboard-gallery-photo-2-heading-focused.png")
        page.keyboard.press("End")
        assert focused(page)["id"] == f"photo-{total}-heading"
        page.keyboard.press("ArrowLeft")
        assert focused(page)["id"] == f"photo-{total - 1}-heading"
        page.keyboard.press("Home")
        assert focused(page)["id"] == "photo-1-heading"
        in_view = page.evaluate("document.activeElement.getBoundingClientRect().top")
        assert 0 <= in_view < 900
    finally:
        ctx.close()


# A feature's key, registered the way static/speech.js registers `p` (`z` here, so that the
# real `p`, which plays audio, does not answer first).
REGISTER_P = """() => { window.pressed = 0;
    const keys = JSON.parse(document.documentElement.dataset.keys);
    keys['test-z'] = 'z';
    document.documentElement.dataset.keys = JSON.stringify(keys);
    Reader.shortcuts.register({id: 'test-z', run: () => { window.pressed += 1; }}); }"""


def test_shortcuts_respect_the_setting_fields_and_modifier_keys(browser, site):
    photo = site.url(f"/g/{site.seed}/5")
    ctx = new_context(browser, site, shortcuts="off")
    page = ctx.new_page()
    try:
        page.goto(photo)
        page.evaluate(REGISTER_P)  # a feature's key, as the speech feature adds `p`
        assert press_all(page, ["ArrowRight", "End", "Home", "z", "?", "p", "k"]) == []
        assert page.url == photo  # turned off: no key did anything
        assert page.evaluate("window.pressed") == 0
    finally:
        ctx.close()

    ctx = new_context(browser, site)
    page = ctx.new_page()
    try:
        page.goto(photo)
        # Typing in a field never triggers a shortcut.
        page.evaluate("""() => { const i = document.createElement('input');
            i.id = 'probe'; i.setAttribute('aria-label', 'probe');
            document.querySelector('main').prepend(i); }""")
        page.focus("#probe")
        assert press_all(page, ["?", "ArrowRight", "End"]) == []
        assert page.url == photo
        assert page.input_value("#probe") == "?"
        page.evaluate(REGISTER_P)
        page.keyboard.press("z")  # typed into the field: not a shortcut
        assert page.evaluate("window.pressed") == 0
        page.focus("#photo-heading")
        assert press_all(page, ["Control+ArrowRight", "Alt+End", "Meta+ArrowRight",
                                "Control+z"]) == []
        assert page.url == photo
        assert page.evaluate("window.pressed") == 0
        page.keyboard.press("z")  # a registered key works when nothing stops it
        assert page.evaluate("window.pressed") == 1
        page.keyboard.press("?")  # and with nothing held, it works
        page.wait_for_url(site.url("/help"))
        assert page.locator("h1").inner_text() == "Help"
    finally:
        ctx.close()


def parse_rgb(value: str) -> tuple[int, int, int]:
    return parse_css_color(value)


def page_background(page) -> tuple[int, int, int]:
    return parse_rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))


FOCUS_STYLE = """() => { const e = document.activeElement; const s = getComputedStyle(e);
    return {tag: e.tagName, text: (e.innerText || e.value || e.id || '').trim().slice(0, 40),
            style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
            offset: parseFloat(s.outlineOffset)}; }"""


@pytest.mark.parametrize("theme", ["light", "dark", "yellow"])
def test_every_focusable_element_shows_a_thick_focus_ring(browser, site, theme):
    ctx = new_context(browser, site, theme=theme, scheme="light")
    page = ctx.new_page()
    problems = []
    seen = 0
    try:
        for name, path in page_paths(site).items():
            if name == "gallery-sample":
                continue
            page.goto(site.url(path))
            bg = page_background(page)
            first = None
            for _ in range(200):
                page.keyboard.press("Tab")
                info = page.evaluate(FOCUS_STYLE)
                key = (info["tag"], info["text"])
                if info["tag"] == "BODY" or key == first:
                    break
                first = first or key
                seen += 1
                ratio = contrast_ratio(parse_rgb(info["color"]), bg)
                if info["style"] == "none" or info["width"] < 2 or ratio < 3:
                    problems.append((name, info, round(ratio, 2)))
    finally:
        ctx.close()
    assert seen > 40  # the walk really went through the pages' controls
    assert problems == []


# ---- JavaScript off ---------------------------------------------------------------------
def test_without_javascript_a_reader_reaches_photo_13_and_changes_the_theme(browser, site,
                                                                           artifacts):
    ctx = new_context(browser, site, js=False)
    page = ctx.new_page()
    try:
        page.goto(site.url("/"))
        page.locator(".gallery-list a", has_text="Kherson").click()
        page.get_by_role("link", name=f"Photo {site.seed_total} of {site.seed_total}:").click()
        assert page.url == site.url(f"/g/{site.seed}/{site.seed_total}")
        assert page.locator("h1").inner_text().startswith(
            f"Photo {site.seed_total} of {site.seed_total}: ")
        # Previous/next are plain links too.
        page.get_by_role("link", name="Previous photo").click()
        assert page.url == site.url(f"/g/{site.seed}/{site.seed_total - 1}")
        page.get_by_role("link", name="Next photo").click()
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Settings").click()
        page.get_by_label("Yellow on black").check()
        page.get_by_label("150%").check()
        page.get_by_role("button", name="Save settings").click()
        assert page.locator(".notice").inner_text().startswith("Your settings are saved.")
        page.get_by_role("link", name="Go back to the page you were reading").click()
        assert page.url == site.url(f"/g/{site.seed}/{site.seed_total}")
        assert page.evaluate("document.documentElement.className") == "theme-yellow text-150"
        bg = page_background(page)
        fg = parse_rgb(page.evaluate("getComputedStyle(document.body).color"))
        assert (bg, fg) == ((0, 0, 0), (255, 255, 0))
        page.screenshot(path=artifacts / "no-js-photo-13-yellow-150.png")
    finally:
        ctx.close()


# ---- forced colours and colour-scheme emulation, checked on the screenshots ---------------
def pixels(png: bytes) -> Image.Image:
    return Image.open(BytesIO(png)).convert("RGB")


def rgb_values(img: Image.Image) -> list[tuple[int, int, int]]:
    raw = img.tobytes()
    return [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]


def text_contrast(png: bytes) -> float:
    """Contrast between a text box's background (its commonest colour) and its text (the
    colour furthest from it, weighted so a few stray anti-aliasing pixels cannot count)."""
    img = pixels(png)
    counts = sorted(img.getcolors(img.width * img.height), reverse=True)
    bg = counts[0][1]
    total = sum(c for c, _ in counts)
    best = 1.0
    for count, colour in counts[1:]:
        if count / total >= 0.01:
            best = max(best, contrast_ratio(colour, bg))
    return best


def focus_change(page, locator) -> tuple[int, float]:
    """(pixels whose colour changes by at least 3:1 when ``locator`` takes focus, the
    element's perimeter): WCAG 2.4.13's minimum area is a 2 px band around it."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    pad = 12
    clip = {"x": max(0, box["x"] - pad), "y": max(0, box["y"] - pad),
            "width": box["width"] + 2 * pad, "height": box["height"] + 2 * pad}
    page.evaluate("document.activeElement && document.activeElement.blur()")
    before = pixels(page.screenshot(clip=clip))
    locator.focus()
    after = pixels(page.screenshot(clip=clip))
    changed = sum(1 for a, b in zip(rgb_values(before), rgb_values(after), strict=True)
                  if a != b and contrast_ratio(a, b) >= 3)
    return changed, 2 * (box["width"] + box["height"])


@pytest.mark.parametrize(("forced", "scheme"), [("active", "dark"), ("active", "light"),
                                                ("none", "dark"), ("none", "light")])
def test_emulated_forced_colours_and_colour_schemes_keep_text_and_focus_visible(
        browser, site, artifacts, forced, scheme):
    ctx = new_context(browser, site, scheme=scheme, forced=forced)
    page = ctx.new_page()
    label = f"{'forced' if forced == 'active' else 'scheme'}-{scheme}"
    problems = []
    try:
        for name, path in page_paths(site).items():
            page.goto(site.url(path))
            assert page.evaluate(f"matchMedia('(forced-colors: {forced})').matches")
            page.screenshot(path=artifacts / f"{label}-{name}.png", full_page=True)
            for selector in ("h1", "main p"):
                shot = page.locator(selector).first.screenshot()
                ratio = text_contrast(shot)
                if ratio < 7:
                    problems.append((name, selector, round(ratio, 2)))
            link = page.locator("main a").first if page.locator("main a").count() else \
                page.locator("header a").first
            changed, perimeter = focus_change(page, link)
            if changed < 2 * perimeter:
                problems.append((name, "focus", changed, perimeter))
        page.goto(site.url(f"/g/{site.seed}/2"))
        page.locator(".photo-nav a").first.focus()
        page.screenshot(path=artifacts / f"{label}-photo-focused-link.png")
    finally:
        ctx.close()
    assert problems == []


def test_the_page_background_and_text_follow_the_system_scheme_by_default(browser, site):
    seen = {}
    for scheme in ("light", "dark"):
        ctx = new_context(browser, site, scheme=scheme)
        page = ctx.new_page()
        page.goto(site.url("/"))
        seen[scheme] = (page_background(page),
                        parse_rgb(page.evaluate("getComputedStyle(document.body).color")))
        ctx.close()
    assert seen["light"][0] == (255, 255, 255)
    assert seen["dark"][0] == (0, 0, 0)
    for bg, fg in seen.values():
        assert contrast_ratio(fg, bg) >= 7


def test_prefers_contrast_more_turns_secondary_text_to_full_contrast(browser, site):
    colours = {}
    for contrast in ("no-preference", "more"):
        ctx = browser.new_context(contrast=contrast)
        page = ctx.new_page()
        page.goto(site.url("/"))
        colours[contrast] = page.evaluate("""() => [document.body, document.querySelector(
            '.meta')].map(e => getComputedStyle(e).color)""")
        ctx.close()
    body, meta = colours["more"]
    assert meta == body  # dates and counts in the text colour itself
    assert colours["no-preference"][1] != colours["no-preference"][0]


def test_axe_harness_reports_a_real_violation(browser):
    """The harness can fail: thin grey text, as galleries so often have, is caught."""
    ctx = browser.new_context()
    page = ctx.new_page()
    try:
        page.set_content("""<!doctype html><html lang="en"><title>t</title><main>
            <p id="thin">Grey caption text</p></main></html>""")
        page.evaluate("document.getElementById('thin').style.color = '#767676'")
        found = axe_violations(page)
    finally:
        ctx.close()
    assert [v.split(" ")[0] for v in found] == ["color-contrast-enhanced"]


def test_no_inline_scripts_or_styles(browser, site):
    ctx = new_context(browser, site)
    page = ctx.new_page()
    try:
        for path in page_paths(site).values():
            page.goto(site.url(path))
            inline = page.evaluate("""() => ({
                scripts: [...document.scripts].filter(s => !s.src).length,
                styles: document.querySelectorAll('style, [style]').length,
                handlers: [...document.querySelectorAll('*')].filter(e =>
                    [...e.attributes].some(a => /^on/i.test(a.name))).length})""")
            assert inline == {"scripts": 0, "styles": 0, "handlers": 0}, path
    finally:
        ctx.close()


def test_pages_report_no_console_errors(browser, site):
    ctx = new_context(browser, site)
    page = ctx.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and
            not re.search(r"404 \(NOT FOUND\)|status of 404", m.text) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for path in page_paths(site).values():
            page.goto(site.url(path))
            page.evaluate("""() => { window.__moved = false; document.addEventListener(
                'reader:photochange', () => { window.__moved = true; }); }""")
            if press_all(page, ["ArrowRight"]):  # a move: wait for it to finish
                page.wait_for_function("() => window.__moved")
    finally:
        ctx.close()
    assert errors == []


@pytest.mark.parametrize("theme", ["light", "dark", "yellow"])
def test_settings_error_and_saved_states_pass_axe(browser, site, artifacts, theme):
    ctx = new_context(browser, site, theme=theme)
    page = ctx.new_page()
    try:
        page.goto(site.url(f"/settings?next=/g/{site.seed}/"))
        # A value the form does not offer (as a stale or forged form would send).
        page.evaluate("document.querySelector('input[name=text_size]:checked').value = '900'")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Save settings").click()
        assert posted.value.status == 400
        settled(page, "Error: ")  # measured once reader.css applies, not before
        assert page.get_by_role("alert").inner_text().startswith("Nothing was saved")
        assert axe_violations(page) == []
        page.screenshot(path=artifacts / f"settings-error-{theme}.png", full_page=True)
        page.get_by_role("link", name="Text size: choose one of the options.").click()
        assert page.evaluate("location.hash") == "#field-text_size"
        page.get_by_label("125%").check()
        page.get_by_role("button", name="Save settings").click()
        settled(page, "Saved: ")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Go back to the page you were reading").click()
        assert page.url == site.url(f"/g/{site.seed}/")
    finally:
        ctx.close()
