"""The exported static site, opened from disk (file://) in Debian's chromium: axe-core with
the live app's tags, links and files, keyboard shortcuts, the photo page's fetch-swap falling
back to plain links, and the spoken audio playing from disk."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
axe = Axe()


def violations(page) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
            for v in results.response["violations"]]


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    yield ctx
    ctx.close()


def url(folder: Path, path: str) -> str:
    return (folder / path).as_uri()


def pages_of(exports) -> list[tuple[str, str, str]]:
    seed, sample = exports.seed.slug, exports.sample.slug
    return [
        ("sample", "index.html", "library"),
        ("sample", f"g/{sample}/index.html", "gallery with photos"),
        ("sample", f"g/{sample}/3.html", "photo"),
        ("sample", f"g/{sample}/3/view.html", "full-size view"),
        ("sample", f"g/{sample}/3/view-contrast.html", "enhanced contrast view"),
        ("sample", "help.html", "help"),
        ("seed", f"g/{seed}/index.html", "gallery without photos"),
        ("seed", f"g/{seed}/2.html", "photo without image"),
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_in_the_site_opened_from_disk(browser, exports, scheme):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        found = {}
        for which, path, _what in pages_of(exports):
            page.goto(url(exports.site[which], path))
            page.wait_for_load_state("load")
            assert page.url.startswith("file://")
            found[path] = violations(page)
        assert found == {path: [] for path in found}
    finally:
        ctx.close()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.refs.append(value)
            elif name == "srcset" and value:
                self.refs += [part.split()[0] for part in value.split(",")]


@pytest.mark.parametrize("which", ["seed", "sample"])
def test_every_link_is_relative_and_reaches_a_file_of_the_export(exports, which):
    folder = exports.site[which]
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) >= len(exports.gallery(which).items) + 3
    checked = 0
    for page in pages:
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            parts = urlsplit(ref)
            assert not parts.scheme and not parts.netloc, f"{page}: {ref}"
            if not parts.path:
                continue  # "#main"
            assert not parts.path.startswith("/"), f"{page}: absolute link {ref}"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page}: {ref} -> missing {target}"
            assert folder.resolve() in target.parents
            checked += 1
    assert checked > 50
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert "Settings" not in text  # no settings form without a server
    gallery = (folder / "g" / exports.gallery(which).slug / "index.html").read_text()
    assert "book.epub" not in gallery  # the downloads are the live app's


def test_arrow_keys_and_links_move_between_photos_from_disk(context, exports):
    folder, slug = exports.site["sample"], exports.sample.slug
    total = len(exports.sample.items)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url(folder, f"g/{slug}/1.html"))
    page.locator("h1").click()
    # fetch() of a file:// page fails; reader.js then follows the plain link.
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/g/{slug}/2.html")
    assert page.locator("h1").inner_text().startswith(f"Photo 2 of {total}: ")
    page.keyboard.press("End")
    page.wait_for_url(f"**/g/{slug}/{total}.html")
    page.keyboard.press("Home")
    page.wait_for_url(f"**/g/{slug}/1.html")
    page.get_by_role("link", name="Next photo").click()
    page.wait_for_url(f"**/g/{slug}/2.html")
    page.evaluate("Reader.goToPhoto(4)")  # the helper other scripts (play-all) use
    page.wait_for_url(f"**/g/{slug}/4.html")
    page.keyboard.press("?")
    page.wait_for_url("**/help.html")
    assert "Keyboard shortcuts" in page.content()

    page.goto(url(folder, f"g/{slug}/index.html"))
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.activeElement && document.activeElement.id === "
                           "'photo-1-heading'")
    page.keyboard.press("End")
    page.wait_for_function(f"document.activeElement.id === 'photo-{total}-heading'")
    assert errors == []


def test_a_photos_audio_plays_from_disk(context, exports):
    folder, slug = exports.site["sample"], exports.sample.slug
    page = context.new_page()
    page.goto(url(folder, f"g/{slug}/2.html"))
    assert page.evaluate("document.getElementById('audio-2').paused")
    page.get_by_role("button", name="Play caption and credit, photo 2", exact=True).click()
    page.wait_for_function("document.getElementById('audio-2').currentTime > 0.3",
                           timeout=15000)
    src = page.evaluate("document.getElementById('audio-2').currentSrc")
    assert src.startswith("file://") and src.endswith(f"/audio/{slug}/2.mp3")
    page.locator("h1").click()
    page.keyboard.press("p")
    page.wait_for_function("document.getElementById('audio-2').paused")


def test_play_all_works_from_disk(context, exports):
    """Play-all (issue 5) from the exported site opened from disk: static/listen-loader.js
    loads static/listen.js on the first press, and the player moves through the parts."""
    folder, slug = exports.site["sample"], exports.sample.slug
    page = context.new_page()
    page.goto(url(folder, f"g/{slug}/index.html"))
    assert page.evaluate("() => !window.Reader.listening")  # nothing loaded before a press
    play = page.locator('#listen-player [data-action="play"]')
    play.click()
    page.wait_for_function("() => window.Reader.listening && Reader.listening.part() >= 1"
                           " && !Reader.listening.audio.paused", timeout=20000)
    page.evaluate("Reader.listening.audio.playbackRate = 3")
    page.wait_for_function("() => Reader.listening.part() >= 2", timeout=30000)


def test_axe_harness_reports_a_real_violation_from_disk(context, exports):
    page = context.new_page()
    page.goto(url(exports.site["sample"], "help.html"))
    page.evaluate("document.querySelector('main').appendChild(document.createElement('img'))"
                  ".src = '../static/none.png'")
    assert any(v.startswith("image-alt") for v in violations(page))
