"""The reading pages' HTML: structure a screen reader relies on, read from the real app.

(The browser tests in tests/browser/ check the same pages rendered, with axe-core.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from reader.importers import parse_source
from reader.model import Gallery, Item
from tests.conftest import SEED

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(
            c if isinstance(c, str) else c.text() for c in self.children)).strip()

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(response) -> Node:
    assert response.mimetype == "text/html"
    return Tree(response.get_data(as_text=True)).root


@pytest.fixture
def seed(library):
    return library.save(parse_source(SEED.read_bytes(), str(SEED)))


FOCUSABLE = ("a", "button", "input", "select", "textarea")


def check_page_skeleton(doc: Node, title: str) -> None:
    """One h1, the four landmarks, a skip link first, a lang, the given title."""
    assert doc.find("title").text() == title
    assert len(doc.find_all("h1")) == 1
    html = doc.find("html")
    assert html.attrs.get("lang")
    for tag in ("header", "nav", "main", "footer"):
        assert doc.find(tag) is not None, tag
    assert len(doc.find_all("main")) == 1
    first = next(n for n in doc.find("body").iter() if n.tag in FOCUSABLE)
    assert first.attrs.get("href") == "#main" and first.text() == "Skip to main content"
    assert doc.find("main", id="main") is not None
    labels = [n.attrs.get("aria-label") for n in doc.find_all("nav")]
    assert len(labels) == len(set(labels)) and all(labels)  # each nav landmark is named
    assert not doc.find_all("script", src=None)  # no inline scripts
    assert not [n for n in doc.iter() if "style" in n.attrs or n.tag == "style"]


def test_gallery_page_reads_in_order_with_a_heading_per_photo(client, seed):
    doc = parse(client.get(f"/g/{seed.slug}/"))
    check_page_skeleton(doc, f"{seed.title} – Gallery reader")
    assert doc.find("h1").text() == seed.title
    assert doc.find("html").attrs["lang"] == seed.lang
    time = doc.find("time")
    assert time.attrs["datetime"] == seed.date and time.text() == seed.published
    sections = doc.find_all("section")
    assert len(sections) == len(seed.items) == 13
    for n, (section, item) in enumerate(zip(sections, seed.items, strict=True), start=1):
        h2 = section.find("h2")
        assert_heading_tells_apart(h2.text(), n, item.caption)
        # A plain section, not a named region: a screen reader would say the name on entering
        # the region and again as the heading.
        assert "aria-labelledby" not in section.attrs and "aria-label" not in section.attrs
        assert h2.find("a").attrs["href"] == f"/g/{seed.slug}/{n}"
        figure = section.find("figure")
        caption = figure.find("figcaption")
        assert caption.find("p", class_="caption").text() == item.caption
        if item.credit:
            credit = caption.find("p", class_="credit")
            assert credit.text() == f"Credit: {item.credit}"  # labelled, not run in
            assert item.credit not in caption.find("p", class_="caption").text()
        box = figure.find("div", class_="no-image")
        assert box is not None and doc.find("img") is None  # never a broken image
        if item.alt:
            assert box.find("p", class_="description").text() == item.alt
            assert box.text().startswith("Photo description")
        else:
            assert box.text().startswith("No description")
    # The standfirst and body come before the first photo (reading order).
    text = doc.find("main").text()
    assert text.index(seed.standfirst) < text.index("Photo 1 of 13")
    assert text.index(seed.body[-1]) < text.index("Photo 1 of 13")


def test_each_description_caption_and_credit_is_said_once(client, seed):
    doc = parse(client.get(f"/g/{seed.slug}/"))
    blocks = [n.text() for n in doc.find("main").iter() if n.tag in ("p", "h2", "figcaption")]
    for item in seed.items:
        assert blocks.count(item.caption) == 1
        if item.alt:
            assert blocks.count(item.alt) == 1
    # no hidden copies either: what is visually hidden or aria-labelled in main (the audio
    # player's labels) never repeats a description, caption or credit
    hidden = [n.attrs.get("aria-label", "") + " " + n.text() for n in doc.find("main").iter()
              if "aria-label" in n.attrs or "visually-hidden" in n.attrs.get("class", "")]
    words = [t for i in seed.items for t in (i.caption, i.alt, i.credit) if t]
    assert not [h for h in hidden if any(w in h for w in words)]


def assert_heading_tells_apart(text: str, n: int, caption: str) -> None:
    """A photo's heading: its position, then the first words of its caption (whole words,
    "…" when cut), short."""
    head, _, gist = text.partition(": ")
    assert head == f"Photo {n} of 13", text
    assert 10 <= len(gist) <= 42, text
    assert caption.startswith(gist.removesuffix("…")), (text, caption)
    assert gist.endswith("…") or len(caption) <= 41, (text, caption)


def test_photo_headings_differ_from_each_other(client, seed):
    doc = parse(client.get(f"/g/{seed.slug}/"))
    headings = [h.text() for h in doc.find_all("h2") if h.attrs.get("id", "").startswith("photo-")]
    assert len(headings) == 13 and len({h.partition(": ")[2] for h in headings}) == 13


def test_photo_page_has_position_title_and_navigation(client, seed):
    for n in (1, 7, 13):
        doc = parse(client.get(f"/g/{seed.slug}/{n}"))
        check_page_skeleton(doc, f"Photo {n} of 13 – {seed.title}")
        h1 = doc.find("h1")
        assert_heading_tells_apart(h1.text(), n, seed.items[n - 1].caption)
        assert h1.attrs["id"] == "photo-heading"
        nav = doc.find("nav", **{"aria-label": "Photos"})
        links = {a.attrs.get("data-nav"): a.attrs["href"] for a in nav.find_all("a")}
        expected = {"first": 1, "prev": n - 1, "next": n + 1, "last": 13}
        for key, target in expected.items():
            if 1 <= target <= 13 and target != n:
                assert links[key] == f"/g/{seed.slug}/{target}"
            else:
                assert key not in links
        assert links[None] == f"/g/{seed.slug}/#photo-{n}"  # back to the gallery
        assert doc.find("p", class_="caption").text() == seed.items[n - 1].caption


def test_titles_are_unique_across_a_gallery(client, seed):
    titles = {parse(client.get(f"/g/{seed.slug}/{n}")).find("title").text()
              for n in range(1, 14)}
    titles.add(parse(client.get(f"/g/{seed.slug}/")).find("title").text())
    assert len(titles) == 14


def test_library_lists_galleries_with_dates_and_counts(client, seed):
    doc = parse(client.get("/"))
    check_page_skeleton(doc, "Library – Gallery reader")
    link = doc.find("ul", class_="gallery-list").find("a")
    assert link.text() == seed.title and link.attrs["href"] == f"/g/{seed.slug}/"
    assert link.attrs["lang"] == seed.lang
    assert doc.find("time").attrs["datetime"] == seed.date
    assert "13 photos" in doc.find("main").text()
    current = doc.find("a", **{"aria-current": "page"})
    assert current.text() == "Library"


def test_empty_library_says_how_to_import(client):
    doc = parse(client.get("/"))
    assert "The library is empty" in doc.find("main").text()


def test_help_lists_every_shortcut(client, app):
    from reader.web.shortcuts import Shortcut, register_shortcut

    register_shortcut(app, Shortcut(("p",), "p", "Play or pause this photo’s audio"))
    doc = parse(client.get("/help"))
    check_page_skeleton(doc, "Help – Gallery reader")
    listed = doc.find("dl", class_="shortcut-list").text()
    for action in ("Previous photo", "Next photo", "First photo", "Last photo",
                   "Open this help page", "Play or pause this photo’s audio"):
        assert action in listed
    assert "Left arrow" in listed  # a name for each symbol, for screen readers


def test_not_found_page_is_a_page_and_the_api_stays_json(client, seed):
    r = client.get("/nowhere")
    assert r.status_code == 404
    doc = parse(r)
    check_page_skeleton(doc, "Page not found – Gallery reader")
    r = client.get(f"/g/{seed.slug}/14")
    assert r.status_code == 404
    assert "photos 1 to 13" in parse(r).find("main").text()
    r = client.get("/api/nowhere")
    assert r.status_code == 404 and r.is_json


def test_a_gallery_in_another_language_marks_the_ui_words_as_english(client, library):
    # Hebrew: right to left, and no catalog yet, so the interface words stay English.
    # (Languages with a catalog get their own words: tests/test_i18n.py.)
    gallery = Gallery(title="תמונות: יום בנמל", lang="he", source="test:hebrew", items=[
        Item(position=1, caption="סירות דיג עם שחר.", credit="צלם/סוכנות",
             alt="סירות במים")])
    library.save(gallery)
    doc = parse(client.get(f"/g/{gallery.slug}/1"))
    html = doc.find("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("he", "rtl")
    for node in (doc.find("h1").find("span"), doc.find("header"), doc.find("footer"),
                 doc.find("span", class_="credit-label"), doc.find("nav", class_="photo-nav")):
        assert (node.attrs.get("lang"), node.attrs.get("dir")) == ("en", "ltr"), node.tag
    # ...and the gallery's own words inherit the page's language.
    assert "lang" not in doc.find("p", class_="caption").attrs
    english = parse(client.get("/"))
    assert english.find("html").attrs["dir"] == "ltr"
    assert "lang" not in english.find("header").attrs


def test_pages_vary_on_the_settings_cookie(client, seed):
    assert "Cookie" in client.get(f"/g/{seed.slug}/").headers["Vary"]


def test_pages_with_media_provider_render_through_the_shared_partials(app, client, seed):
    """Another feature's provider (an image) reaches the photo partial, so no description box
    is shown beside it (its description becomes the image's alt there)."""
    from reader.web.media import register_provider

    register_provider(app, lambda g, item: {"image": {"src": f"/x/{item.position}.jpg"}})
    doc = parse(client.get(f"/g/{seed.slug}/1"))
    assert doc.find("div", class_="no-image") is None


def test_features_add_their_scripts_and_styles_after_the_readers_own(app, client):
    from reader.web.assets import register_script, register_stylesheet

    register_script(app, "feature.js")
    register_stylesheet(app, "feature.css")
    doc = parse(client.get("/help"))
    scripts = [n.attrs["src"] for n in doc.find_all("script")]
    assert scripts[0] == "/static/reader.js" and scripts[-1] == "/static/feature.js"
    assert all("defer" in n.attrs for n in doc.find_all("script"))
    sheets = [n.attrs["href"] for n in doc.find_all("link") if n.attrs.get("rel") == "stylesheet"]
    assert sheets[0] == "/static/reader.css" and sheets[-1] == "/static/feature.css"
