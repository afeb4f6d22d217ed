"""The search results page and the paginated library in a real browser (Debian's chromium
through Playwright) checked by axe-core (the copy bundled in the axe-playwright-python
package): zero violations. Also: the banner's search landmark works from the keyboard."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from reader.importers import load_path
from reader.model import Gallery, Item
from reader.web import create_app
from tests.archive.texts import HARBOUR, MARKET, write
from tests.conftest import served


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y")
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=folder / "instance")
    library = app.extensions["library"]
    for name, text in (("market.txt", MARKET), ("harbour.txt", HARBOUR)):
        [loaded] = load_path(write(folder, name, text))
        library.save(loaded.gallery)
    for n in range(45):
        library.save(Gallery(title=f"Gallery {n}", lang="en", date=f"2020-01-{1 + n % 28:02d}",
                             section="Features", items=[Item(1, f"Gull {n} on the pier.")]))
    with served(app) as base:
        yield base


@pytest.fixture(scope="module")
def page(browser):
    # The shared chromium of tests/conftest.py (Playwright's sync API: one driver a thread).
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["/search?q=dufrene", "/search?q=gull&page=2",
                                  "/search?q=zebra", "/search", "/?page=2&section=Features"])
def test_no_axe_violations(site, page, path):
    page.goto(site + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_search_from_the_banner_with_the_keyboard(site, page):
    page.goto(site + "/")
    landmark = page.get_by_role("search")
    assert landmark.count() == 1
    field = landmark.get_by_role("searchbox", name="Search the library")
    field.focus()
    page.keyboard.type("Besancon")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Besancon")
    assert page.get_by_role("heading", level=1).inner_text() == "1 result for “Besancon”"
    assert page.locator("mark").first.inner_text() == "Besançon"
    page.get_by_role("link", name="Photos: Winter market in the old town, photo 1 of 3").click()
    page.wait_for_url("**/g/winter-market-in-the-old-town/1")
