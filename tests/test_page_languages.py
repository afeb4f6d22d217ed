"""A Greek and an Arabic gallery (tests/fixtures, written for these tests) keep their
language and direction on every page type: the library entry, the gallery, a photo, the
full-size view, a search result, the static-site export and the EPUB."""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader.i18n import gettext
from reader.importers import load_path
from reader.web import create_app
from tests.conftest import downloaded
from tests.photofiles import jpeg, scene

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [("gallery_el.txt", "el", "ltr", "λιμάνι"), ("gallery_ar.txt", "ar", "rtl", "السمك")]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(html)
    return p.tags


def root(html: str) -> dict:
    return next(a for t, a in tags(html) if t == "html")


@pytest.fixture
def loaded(instance, library, reader, request, tmp_path):
    name, lang, direction, word = request.param
    gallery = next(iter(load_path(FIXTURES / name))).gallery
    assert gallery.lang == lang
    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(len(gallery.items)):  # a photo each, so the full-size view exists
        (photos / f"{n + 1}.jpg").write_bytes(jpeg(scene((640, 480), (40 * n, 90, 160))))
    r = reader("import", str(FIXTURES / name), "--images", str(photos))
    assert r.exit_code == 0, r.output
    gallery = next(g for g in library.list_page(1, 50).galleries if g.lang == lang)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    return app, library.get(gallery.slug), lang, direction, word


@pytest.mark.parametrize("loaded", CASES, indirect=True, ids=["el", "ar"])
def test_every_page_type_keeps_the_gallerys_language_and_direction(loaded, instance,
                                                                   tmp_path):
    app, gallery, lang, direction, word = loaded
    client = app.test_client()
    slug = gallery.slug

    # The library entry: the title link carries the gallery's language and direction.
    html = client.get("/").get_data(as_text=True)
    entry = [a for t, a in tags(html) if t == "a" and a.get("href", "").endswith(f"/{slug}/")]
    assert entry and all((a.get("lang"), a.get("dir")) == (lang, direction) for a in entry)

    # The gallery, a photo, the full-size view: the whole page.
    for url in (f"/g/{slug}/", f"/g/{slug}/1", f"/g/{slug}/1/view"):
        r = client.get(url)
        assert r.status_code == 200, url
        attrs = root(r.get_data(as_text=True))
        assert (attrs.get("lang"), attrs.get("dir")) == (lang, direction), url

    # A search result: the result carries the gallery's language and direction.
    html = client.get("/search", query_string={"q": word}).get_data(as_text=True)
    hits = [a for t, a in tags(html) if t == "li" and a.get("lang") == lang]
    assert hits and all(a.get("dir") == direction for a in hits)

    # The static-site export: its gallery and photo pages.
    from reader.web.export_site import export_app, export_site

    out = tmp_path / "site"
    export_site(export_app(instance), slug, out)
    pages = [p for p in out.rglob("*.html") if slug in p.as_posix()]
    assert len(pages) >= 1 + len(gallery.items)
    for page in pages:
        attrs = root(page.read_text(encoding="utf-8"))
        assert (attrs.get("lang"), attrs.get("dir")) == (lang, direction), page

    # The EPUB: the package's language, and every XHTML page's.
    r = downloaded(client, f"/g/{slug}/book.epub")
    assert r.status_code == 200
    book = tmp_path / "book.epub"
    book.write_bytes(r.data)
    with zipfile.ZipFile(book) as z:
        opf = next(n for n in z.namelist() if n.endswith(".opf"))
        assert f"<dc:language>{lang}</dc:language>" in z.read(opf).decode()
        xhtml = [n for n in z.namelist() if n.endswith(".xhtml") and "nav" not in n]
        assert len(xhtml) >= len(gallery.items)
        for name in xhtml:
            attrs = root(z.read(name).decode("utf-8"))
            assert (attrs.get("lang"), attrs.get("xml:lang"), attrs.get("dir")) == \
                (lang, lang, direction), name
        # The book's own words are the gallery's language's too.
        heading = gettext(lang, "Photo %(n)s of %(total)s", n=1, total=len(gallery.items))
        assert heading != "Photo 1 of 3"
        assert any(heading in z.read(n).decode("utf-8") for n in xhtml)
