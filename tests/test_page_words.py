"""A Greek and an Arabic gallery's pages say no English: every text and spoken attribute
of the gallery page, a photo page, the full-size view (zoomed out and with enhanced
contrast), the player bar and the photo's audio controls, whose closest [lang] is the
gallery's, is written in the gallery's script (tests/interface_words.py: the oracle is the
letters, not the catalogs). And the player's words in parts.json are the gallery's too, and
the gallery's date is written the gallery's way inside <time datetime=…>."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.i18n import gettext
from reader.web import create_app
from tests.interface_words import gallery_words, latin_words, stray_english, texts_in_html
from tests.photofiles import jpeg, scene

FIXTURES = Path(__file__).parent / "fixtures"
CASES = {"el": ("gallery_el.txt", "12 Μαΐου 2024"), "ar": ("gallery_ar.txt", "12 مايو 2024")}


@pytest.fixture(params=sorted(CASES))
def loaded(request, instance, library, reader, tmp_path):
    lang = request.param
    name, _date = CASES[lang]
    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(3):  # a photo each, so the full-size view exists
        (photos / f"{n + 1}.jpg").write_bytes(jpeg(scene((640, 480), (40 * n, 90, 160))))
    r = reader("import", str(FIXTURES / name), "--images", str(photos))
    assert r.exit_code == 0, r.output
    gallery = next(g for g in library.list_page(1, 50).galleries if g.lang == lang)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    return app, library.get(gallery.slug), lang


def test_the_helper_flags_english_under_greek_and_allows_the_gallerys_own_words():
    html = ('<html lang="el"><body><p>Φωτογραφία 1 από 3</p><p>Next photo</p>'
            '<button aria-label="Play caption">Αναπαραγωγή</button>'
            '<p lang="en">Next photo</p><p>Jane Roe/AP</p>'
            '<img src="x" alt="Ένα πλοίο"></body></html>')
    found = stray_english(texts_in_html(html), "el", allowed={"Jane", "Roe", "AP"})
    assert [(t, w) for t, w, _ in found] == [("Next photo", "p"),
                                              ("Play caption", "button@aria-label")]


def test_every_word_of_the_pages_is_in_the_gallerys_script(loaded):
    app, gallery, lang = loaded
    client = app.test_client()
    slug = gallery.slug
    allowed = gallery_words(gallery)
    pages = {}
    for url in (f"/g/{slug}/", f"/g/{slug}/1", f"/g/{slug}/2", f"/g/{slug}/3",
                f"/g/{slug}/2/view", f"/g/{slug}/2/view?contrast=1"):
        r = client.get(url)
        assert r.status_code == 200, url
        pages[url] = html = r.get_data(as_text=True)
        assert stray_english(texts_in_html(html), lang, allowed) == [], url
    # Not vacuous: the player bar, the downloads and the audio controls are on the pages
    # checked (a real eSpeak NG here), and the full-size view has its zoom controls.
    assert 'id="listen-player"' in pages[f"/g/{slug}/"]
    assert 'class="downloads"' in pages[f"/g/{slug}/"]
    assert 'class="listen"' in pages[f"/g/{slug}/1"]
    assert "data-zoom-controls" in pages[f"/g/{slug}/2/view"]
    # … and the words there are the gallery's language's, under its lang (no lang="en").
    assert ' lang="en"' not in pages[f"/g/{slug}/1"]


def test_the_players_words_are_in_the_gallerys_language(loaded):
    app, gallery, lang = loaded
    data = app.test_client().get(f"/listen/{gallery.slug}/parts.json").get_json()
    words = data["words"]
    assert {"pause", "resume", "play", "stopped", "end", "each", "captions",
            "spokenWords"} <= set(words)
    for key, said in words.items():
        if key in ("title", "now"):
            continue
        assert said.strip() and not latin_words(said), (key, said)
    assert "{n}" in words["each"] and "{next}" in words["each"]  # the script fills them in


def test_the_gallerys_date_is_written_in_its_language(loaded):
    app, gallery, lang = loaded
    html = app.test_client().get(f"/g/{gallery.slug}/").get_data(as_text=True)
    time = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', html)
    assert time and time.group(1) == "2024-05-12"
    assert time.group(2) == CASES[lang][1]


def test_a_static_export_of_the_gallery_says_no_english_either(loaded, instance, tmp_path):
    """The exported pages' player reads its parts and words from the export's parts.js."""
    import json

    from reader.web.export_site import export_app, export_site

    _app, gallery, lang = loaded
    out = tmp_path / "site"
    export_site(export_app(instance), gallery.slug, out)
    pages = [p for p in out.rglob("*.html") if gallery.slug in p.as_posix()]
    assert len(pages) >= 1 + len(gallery.items)
    allowed = gallery_words(gallery)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert stray_english(texts_in_html(html), lang, allowed) == [], page
    # The player's parts and words: one parts.js for the whole export, named by each page.
    player = next(p for p in pages if "data-parts-script=" in p.read_text(encoding="utf-8"))
    src = re.search(r'data-parts-script="([^"]+)"', player.read_text(encoding="utf-8")).group(1)
    script = (player.parent / src).resolve().read_text(encoding="utf-8")
    data = re.fullmatch(r"window\.READER_LISTEN_PARTS = (.*);\n", script, re.S).group(1)
    words = json.loads(data)["words"]
    assert words["play"] == gettext(lang, "Play all") != "Play all"
