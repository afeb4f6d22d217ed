"""Script and markup in a gallery's text is shown as text: pages, editor pages, the API.

Each page is rendered twice: for a gallery whose every text field carries payloads
(tests/payloads.py) and for a twin of the same shape with plain words. The two must have the
same element structure (every tag and attribute name, in order): any payload that became
markup would add or break an element or an attribute. And every payload must be in the page's
text exactly as written.
"""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest

from tests.payloads import PAYLOADS, payload_gallery
from tests.security.conftest import form_token, sign_in


class Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple] = []
        self.text: list[str] = []
        self.attr_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(("start", tag, tuple(sorted(name for name, _ in attrs))))
        self.attr_values += [v for _, v in attrs if v]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tags.append(("end", tag))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("comment",))

    def handle_decl(self, decl):
        self.tags.append(("decl", decl.lower()))


def parse(html: str) -> Structure:
    s = Structure()
    s.feed(html)
    s.close()
    return s


def twin(gallery):
    """The same gallery shape with plain words everywhere."""
    g = copy.deepcopy(gallery)
    g.title, g.standfirst, g.section, g.published = "Plain title", "Plain", "Plain", "Plain"
    g.body = [f"Plain paragraph {i}" for i, _ in enumerate(g.body)]
    for item in g.items:
        item.caption, item.credit, item.alt = "Plain caption", "Plain credit", "Plain alt"
    return g


@pytest.fixture
def galleries(app):
    library = app.extensions["library"]
    hostile = library.save(payload_gallery())
    plain = library.save(twin(payload_gallery()))
    return hostile, plain


def page_pairs(hostile, plain):
    n = len(hostile.items)
    for path in ["/g/{}/", "/g/{}/1", "/g/{}/9", f"/g/{{}}/{n}", "/edit/g/{}/",
                 "/edit/g/{}/1", f"/edit/g/{{}}/{n // 2}", "/edit/g/{}/3/delete",
                 "/edit/g/{}/delete"]:
        yield path.format(hostile.slug), path.format(plain.slug)


def norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_there_are_at_least_30_payloads_of_every_family():
    assert len(PAYLOADS) >= 30
    joined = "\n".join(PAYLOADS).lower()
    for family in ["<script", "onerror", "onload", 'onmouseover="', "javascript:", "</script>",
                   "<svg", "-->\n00:00.000 --> 00:01.000\n<c.x>", "{{", "\u2028"]:
        assert family in joined, family


def test_payloads_render_as_text_in_every_page(app, signed_in, galleries):
    hostile, plain = galleries
    for bad_url, good_url in page_pairs(hostile, plain):
        bad = signed_in.get(bad_url)
        good = signed_in.get(good_url)
        assert bad.status_code == good.status_code == 200, bad_url
        b, g = parse(bad.get_data(as_text=True)), parse(good.get_data(as_text=True))
        assert b.tags == g.tags, f"{bad_url}: the payloads changed the page's structure"
        assert not any(v.lower().lstrip().startswith("javascript:") for v in b.attr_values
                       if v not in PAYLOADS), bad_url
    # every payload is shown, as written, on the gallery page and across the photo pages
    text = norm("".join(parse(signed_in.get(f"/g/{hostile.slug}/").get_data(
        as_text=True)).text))
    for p in PAYLOADS:
        assert norm(p).strip() in text, p


def test_the_library_and_editor_lists_show_the_title_as_text(app, signed_in, galleries):
    hostile, _ = galleries
    for url in ["/", "/edit/"]:
        html = signed_in.get(url).get_data(as_text=True)
        s = parse(html)
        assert hostile.title in "".join(s.text), url
        starts = [t for t in s.tags if t[0] == "start"]
        assert not [t for t in starts if t[1] in ("svg", "iframe", "base", "object", "embed",
                                                  "math", "details", "marquee")], url
        assert not [t for t in starts if any(a.startswith("on") for a in t[2])], url
        # the only scripts are the app's own files
        scripts = [t for t in starts if t[1] == "script"]
        assert all("src" in t[2] for t in scripts), scripts
        assert html.count("<script") == len(scripts), url


def test_payloads_in_forms_are_echoed_as_values_not_markup(app, client, editor):
    """Text typed into a form comes back (after an error) inside the field, as text."""
    app.extensions["sign_in_throttle"].clock = lambda: 0.0
    plain = parse(sign_in(client, name="plain", password="x" * 12).get_data(as_text=True))
    for p in PAYLOADS[:12]:
        r = client.post("/sign-in", data={"name": p, "password": "x" * 12,
                                          "csrf_token": form_token(client)},
                        environ_base={"REMOTE_ADDR": f"10.1.{PAYLOADS.index(p)}.1"})
        s = parse(r.get_data(as_text=True))
        assert s.tags == plain.tags, p
        assert p.strip() in s.attr_values


def test_payloads_in_the_import_form_come_back_inside_the_textarea(signed_in):
    token = form_token(signed_in, "/edit/import")
    plain = parse(signed_in.post("/edit/import", data={"text": "plain", "csrf_token": token},
                                 content_type="multipart/form-data").get_data(as_text=True))
    for p in PAYLOADS:
        r = signed_in.post("/edit/import", data={"text": p, "csrf_token": token},
                           content_type="multipart/form-data")
        assert r.status_code == 400
        s = parse(r.get_data(as_text=True))
        assert s.tags == plain.tags, p


def test_payloads_in_the_lexicon_page(app, signed_in):
    library = app.extensions["library"]
    app.extensions["lexicon"].set("plain", "plain")
    plain = parse(signed_in.get("/edit/lexicon/").get_data(as_text=True))
    library.remove_pronunciation("plain")
    # Straight into the table: the lexicon's own checks would refuse this entry, but the page
    # must still show whatever the table holds as text.
    library.set_pronunciation(PAYLOADS[9], PAYLOADS[3])
    s = parse(signed_in.get("/edit/lexicon/").get_data(as_text=True))
    assert s.tags == plain.tags
    assert PAYLOADS[3] in "".join(s.text)


def test_the_api_returns_payloads_exactly_as_json(client, galleries):
    hostile, _ = galleries
    r = client.get(f"/api/galleries/{hostile.slug}")
    assert r.mimetype == "application/json"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    doc = r.get_json()
    expected = payload_gallery()
    assert doc["title"] == expected.title and doc["standfirst"] == expected.standfirst
    assert doc["body"] == expected.body
    for got, want in zip(doc["items"], expected.items, strict=True):
        assert (got["caption"], got["credit"], got["alt"]) == (want.caption, want.credit,
                                                               want.alt)
    listing = client.get("/api/galleries").get_json()
    assert expected.title in [g["title"] for g in listing]
