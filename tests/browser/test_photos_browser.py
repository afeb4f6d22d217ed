"""Pages with photos in a real browser (Debian's chromium through Playwright): axe-core finds no
violations, the images really load (WebP chosen, no layout shift), and the full-size view
zooms and pans with the keyboard."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from reader.sample import load_sample
from reader.store import Library
from reader.web import create_app


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, str]]:
    instance = tmp_path_factory.mktemp("photos-browser")
    sample = load_sample(Library.in_instance(instance), instance)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sample.slug
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(browser):
    return browser.new_page(viewport={"width": 1024, "height": 800})


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


@pytest.mark.parametrize("path", ["/g/{slug}/", "/g/{slug}/1", "/g/{slug}/1/view",
                                  "/g/{slug}/4/view?contrast=1"])
def test_axe_finds_no_violations_on_pages_with_photos(site, page, path):
    base, slug = site
    page.goto(base + path.format(slug=slug))
    page.wait_for_load_state("networkidle")
    assert page.locator("img").count() >= 1
    assert violations(page) == []


def test_images_load_as_webp_at_their_declared_aspect(site, page):
    base, slug = site
    page.goto(f"{base}/g/{slug}/")
    page.wait_for_load_state("networkidle")
    first = page.locator("img").first
    info = first.evaluate("i => ({src: i.currentSrc, w: i.naturalWidth, h: i.naturalHeight,"
                          " bw: i.getBoundingClientRect().width,"
                          " bh: i.getBoundingClientRect().height})")
    assert ".webp" in info["src"] and info["w"] > 0
    assert abs(info["bw"] / info["bh"] - 1.6) < 0.02  # the box has the photo's shape


def test_full_size_view_zooms_and_pans_with_the_keyboard(site, page):
    base, slug = site
    page.goto(f"{base}/g/{slug}/1/view")
    page.wait_for_load_state("networkidle")
    viewer = page.locator("[data-photo-viewer]")
    img = viewer.locator("img")
    assert page.locator("[data-zoom-controls]").is_visible()
    fitted = img.evaluate("i => i.getBoundingClientRect().width")
    viewer.focus()
    page.keyboard.press("+")
    assert page.locator("#zoom-status").inner_text() == "Zoom 150%"
    page.keyboard.press("+")
    assert abs(img.evaluate("i => i.getBoundingClientRect().width") - fitted * 2.25) < 3
    before = viewer.evaluate("v => v.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    after = viewer.evaluate("v => [v.scrollLeft, v.scrollTop]")
    assert after[0] > before and after[1] > 0
    page.keyboard.press("-")
    assert page.locator("#zoom-status").inner_text() == "Zoom 150%"
    page.keyboard.press("0")
    assert abs(img.evaluate("i => i.getBoundingClientRect().width") - fitted) < 2
    page.get_by_role("button", name="Zoom in").click()
    assert page.locator("#zoom-status").inner_text() == "Zoom 150%"


def test_full_size_view_works_without_javascript(site, browser):
    base, slug = site
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base}/g/{slug}/1/view")
        page.wait_for_load_state("networkidle")
        assert not page.locator("[data-zoom-controls]").is_visible()
        # no JS: the photo at full size in a box that scrolls (and takes focus to scroll)
        img = page.locator("[data-photo-viewer] img")
        assert img.evaluate("i => [i.naturalWidth, i.getBoundingClientRect().width]") == [
            1600, 1600]
        assert page.locator("[data-photo-viewer]").get_attribute("tabindex") == "0"
        page.get_by_role("link", name="Switch on enhanced contrast").click()
        assert "contrast=1" in page.url
    finally:
        context.close()
