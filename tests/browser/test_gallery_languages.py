"""A Greek and an Arabic gallery in a real browser: the pages, the in-page move to the next
photo (→), the photo's play control, the player bar while it plays and stops, and the
full-size view's zoom say no English (every text's closest [lang] is the gallery's and holds
no Latin-script word: tests/interface_words.py), the Arabic pages stay right-to-left, and axe
finds nothing. The expected words are the catalogs' (reader.i18n), the check of the rest is
the script the words are written in."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.i18n import gettext
from reader.web import create_app
from tests.browser.journeys import GALLERY_PLAYING, LONG, PLAYING
from tests.browser.test_accessibility import axe_violations
from tests.conftest import served
from tests.interface_words import DOM_TEXTS, SPOKEN_ATTRS, gallery_words, stray_english
from tests.photofiles import jpeg, scene

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = {"el": ("gallery_el.txt", "ltr"), "ar": ("gallery_ar.txt", "rtl")}


@pytest.fixture(params=sorted(CASES))
def gallery_site(request, instance, library, reader, tmp_path):
    lang = request.param
    name, direction = CASES[lang]
    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(3):
        (photos / f"{n + 1}.jpg").write_bytes(jpeg(scene((640, 480), (40 * n, 90, 160))))
    r = reader("import", str(FIXTURES / name), "--images", str(photos))
    assert r.exit_code == 0, r.output
    summary = next(g for g in library.list_page(1, 50).galleries if g.lang == lang)
    gallery = library.get(summary.slug)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    with served(app) as base:
        yield base, gallery, lang, direction


def no_english(page, gallery, lang) -> list:
    return stray_english(page.evaluate(DOM_TEXTS, list(SPOKEN_ATTRS)), lang,
                         gallery_words(gallery))


def root(page) -> tuple[str, str]:
    return tuple(page.evaluate("[document.documentElement.lang, document.documentElement.dir]"))


def test_pages_player_and_swap_speak_the_gallerys_language(browser, gallery_site):
    base, gallery, lang, direction = gallery_site
    total = len(gallery.items)
    t = lambda message, **v: gettext(lang, message, **v)  # noqa: E731
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = ctx.new_page()
    try:
        page.goto(f"{base}/g/{gallery.slug}/")
        assert root(page) == (lang, direction)
        assert no_english(page, gallery, lang) == []
        assert axe_violations(page) == []

        # A photo, then → : the in-page swap to photo 2.
        page.goto(f"{base}/g/{gallery.slug}/1")
        page.wait_for_function("() => document.documentElement.classList.contains('js')")
        assert no_english(page, gallery, lang) == []
        loads = []
        page.on("load", lambda: loads.append(page.url))
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.photo-page').dataset.photo"
                               " === '2' && document.activeElement.id === 'photo-heading'")
        assert loads == [], "the move was a page load, not the in-page swap"
        heading = page.locator("#photo-heading").inner_text()
        assert heading.startswith(t("Photo %(n)s of %(total)s", n=2, total=total) + ":")
        assert root(page) == (lang, direction)
        play = page.get_by_role("button", name=t("Play caption and credit, photo %(n)s", n=2),
                                exact=True)
        assert play.count() == 1
        assert no_english(page, gallery, lang) == []
        assert axe_violations(page) == []

        # The photo's play control: its paused name and its time, in the page's words.
        play.click()
        page.wait_for_function(PLAYING, arg=2, timeout=LONG)
        pause = page.get_by_role("button", name=t("Pause caption and credit, photo %(n)s", n=2),
                                 exact=True)
        pause.click()
        page.wait_for_function("() => document.getElementById('audio-2').paused")
        of = t("%(now)s of %(length)s", now="", length="").strip()
        page.wait_for_function("w => document.getElementById('audio-2-time').textContent"
                               ".includes(w)", arg=of)
        assert no_english(page, gallery, lang) == []

        # The player bar: its words come from parts.json, in the gallery's language.
        page.get_by_role("button", name=t("Play all"), exact=True).click()
        page.wait_for_function(GALLERY_PLAYING, timeout=LONG)
        page.wait_for_function("w => document.querySelector('.listen-play-verb').textContent"
                               " === w", arg=t("Pause"))
        assert no_english(page, gallery, lang) == []
        page.get_by_role("button", name=t("Stop playing"), exact=True).click()
        stopped = t("Stopped. Play all starts again from the beginning or the photo you are on.")
        page.wait_for_function("w => document.querySelector('.listen-status').textContent"
                               " === w", arg=stopped)
        assert root(page) == (lang, direction)
        assert no_english(page, gallery, lang) == []
        assert axe_violations(page) == []

        # The full-size view: its zoom status is written in the page's words too.
        page.goto(f"{base}/g/{gallery.slug}/2/view")
        page.wait_for_function("() => !document.querySelector('[data-zoom-controls]').hidden")
        assert root(page) == (lang, direction)
        page.get_by_role("button", name=t("Zoom in") + " +").click()
        page.wait_for_function("w => document.getElementById('zoom-status').textContent === w",
                               arg=t("Zoom %(percent)s%%", percent="150"))
        assert no_english(page, gallery, lang) == []
        assert axe_violations(page) == []
    finally:
        ctx.close()
