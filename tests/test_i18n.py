"""The reader's own words in the gallery's language: every message in every catalog, and
the pages and speech using them (Greek and Arabic galleries of tests/fixtures)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from reader.i18n import LANGUAGES, LOCALE_DIR, gettext, ngettext, text_direction, translations
from reader.importers import load_path
from reader.speech.listening import parts
from reader.web import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
METHODS = [("reader/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": (2,), "ngettext": (1, 2)}


def messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def test_every_message_is_translated_in_every_catalog():
    found = messages()
    assert "Photo %(n)s of %(total)s" in found and "Next photo" in found
    assert len(found) >= 30
    for lang in LANGUAGES:
        if lang == "en":
            continue
        assert (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").is_file()
        t = translations(lang)
        for message in found:
            if isinstance(message, tuple):
                for n in (1, 2, 5, 11):
                    said = t.ngettext(*message, n)
                    assert said.strip(), (lang, message, n)
                    assert _placeholders(said) <= _placeholders(message[1]), (lang, message)
            else:
                said = t.gettext(message)
                # (a few words are the same in French: "Photo: …", "Description: …")
                assert said != message or message in {
                    "Introduction", "Photos", "Site", "via", "Photo: %(credit)s",
                    "Description: %(text)s"}, (lang, message)
                assert _placeholders(said) == _placeholders(message), (lang, message)


def test_fallback_is_english():
    assert gettext("nl", "Next photo") == "Next photo"
    assert gettext(None, "Photo %(n)s of %(total)s", n=2, total=3) == "Photo 2 of 3"
    assert ngettext("ru", "%(num)s photo", "%(num)s photos", 21) == "21 фотография"
    assert text_direction("ar-EG") == "rtl" and text_direction("el") == "ltr"


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _first(html: str, tag: str, cls: str | None = None) -> dict:
    p = _Attrs()
    p.feed(html)
    return next(a for t, a in p.found if t == tag and (cls is None or a.get("class") == cls))


@pytest.fixture
def app(instance, library):
    for name in ("gallery_el.txt", "gallery_ar.txt"):
        library.save(next(iter(load_path(FIXTURES / name))).gallery)
    from reader.model import Gallery, Item

    library.save(Gallery(title="Een dag in de haven", lang="nl", source="test:nl",
                         items=[Item(1, "Boten keren terug.", "Ann de Vries/ANP")]))
    return create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                       "SPEECH_LIBRARY": "/nonexistent/libespeak-ng.so.1"}, instance=instance)


def _slug(library, lang):
    return next(g.slug for g in library.list_page(1, 50).galleries if g.lang == lang)


@pytest.mark.parametrize("lang, words", [
    ("el", ["Μετάβαση στο κύριο περιεχόμενο", "Φωτογραφία 1 από 3", "Επόμενη φωτογραφία",
            "Πηγή:", "Αναζήτηση στη βιβλιοθήκη"]),
    ("ar", ["انتقل إلى المحتوى الرئيسي", "الصورة 1 من 3", "الصورة التالية", "تصوير:"]),
])
def test_pages_of_a_greek_and_an_arabic_gallery_speak_their_language(app, library, lang,
                                                                    words):
    client = app.test_client()
    slug = _slug(library, lang)
    html = client.get(f"/g/{slug}/1").get_data(as_text=True)
    for w in words:
        assert w in html, w
    for english in ("Skip to main content", "Next photo", "Credit:"):
        assert english not in html
    # Its words are in the page's language: no lang="en" on the banner any more.
    assert "lang" not in _first(html, "header", "banner")
    assert "lang" not in _first(html, "a", "skip-link")


def test_a_language_without_a_catalog_gets_english_marked_as_english(app, library):
    client = app.test_client()
    html = client.get(f"/g/{_slug(library, 'nl')}/1").get_data(as_text=True)
    assert "All photos in this gallery" in html and "Skip to main content" in html
    assert _first(html, "header", "banner").get("lang") == "en"
    assert _first(html, "a", "skip-link").get("lang") == "en"


def test_the_library_and_english_galleries_stay_english(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Skip to main content" in html and "Search the library" in html


@pytest.mark.parametrize("name, lang, intro, credit_word", [
    ("gallery_el.txt", "el", "Εισαγωγή", "Φωτογραφία:"),
    ("gallery_ar.txt", "ar", "مقدمة", "تصوير:"),
])
def test_spoken_frame_words_and_chapter_titles_are_in_the_gallerys_language(
        name, lang, intro, credit_word):
    gallery = next(iter(load_path(FIXTURES / name))).gallery
    ps = parts(gallery)
    assert ps[0].title == intro
    assert ps[1].title == gettext(lang, "Photo %(n)s of %(total)s", n=1, total=3)
    assert all(credit_word in p.text for p in ps[1:])
    assert not any(re.search(r"\b(Photo|Description|of)\b", p.text) for p in ps)
