"""The JSON API against a real library file."""

from __future__ import annotations

import re

import pytest

from reader.importers import parse_source
from reader.web import create_app
from tests.conftest import SEED

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


def test_galleries_list_and_document(app, client):
    lib = app.extensions["library"]
    g = lib.save(parse_source(SEED.read_bytes(), str(SEED)))

    r = client.get("/api/galleries")
    assert r.status_code == 200 and r.is_json
    assert r.json == [{"slug": g.slug, "title": g.title, "date": "2022-11-09",
                       "item_count": 13, "lang": "en"}]

    r = client.get(f"/api/galleries/{g.slug}")
    doc = r.json
    assert doc["slug"] == g.slug and doc["title"] == g.title
    assert doc["published"] == "9 Nov 2022" and len(doc["body"]) == 5
    assert [i["caption"] for i in doc["items"]] == [i.caption for i in g.items]
    assert [i["credit"] for i in doc["items"]] == [i.credit for i in g.items]
    assert doc["items"][1]["alt"] is None
    # Curly quotes travel as characters, not escapes.
    assert "’" in r.get_data(as_text=True)


def test_unknown_gallery_is_a_json_404(client):
    r = client.get("/api/galleries/no-such-thing")
    assert r.status_code == 404 and "no-such-thing" in r.json["error"]


def test_an_empty_library_gets_the_sample_gallery(instance):
    app = create_app({"TESTING": True}, instance=instance)
    [summary] = app.extensions["library"].list()
    assert summary.item_count >= 5
    page = app.test_client().get(f"/g/{summary.slug}/")
    assert page.status_code == 200 and summary.title.encode() in page.data


def test_pages_for_a_gallery_and_a_photo(app, client):
    g = app.extensions["library"].save(parse_source(SEED.read_bytes(), str(SEED)))
    assert client.get("/").status_code == 200
    r = client.get(f"/g/{g.slug}/13")
    assert r.status_code == 200
    assert b"Photo 13 of 13" in r.data
    assert client.get(f"/g/{g.slug}/14").status_code == 404
    assert client.get(f"/g/{g.slug}/0").status_code == 404


def test_galleries_come_a_page_at_a_time_with_links(app, client):
    from reader.model import Gallery, Item

    lib = app.extensions["library"]
    stored = list(lib.save_many(
        Gallery(title=f"Harbour day {n}", date=f"2020-01-{n:02d}", lang="en",
                items=[Item(position=1, caption="Boats.")]) for n in range(1, 8)))
    assert all(error is None for _, error in stored)
    whole = client.get("/api/galleries").json  # small library: the whole list, as before
    assert [g["title"] for g in whole] == [f"Harbour day {n}" for n in range(7, 0, -1)]

    pages, url = [], "/api/galleries?per_page=3"
    while url:
        r = client.get(url)
        assert r.status_code == 200 and r.headers["X-Total-Count"] == "7"
        pages.append([g["title"] for g in r.json])
        links = {rel: target for target, rel in
                 re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers["Link"])}
        assert links["first"].endswith("page=1&per_page=3") or "page=1" in links["first"]
        assert "page=3" in links["last"]
        url = links.get("next")
    assert [t for page in pages for t in page] == [g["title"] for g in whole]
    assert [len(p) for p in pages] == [3, 3, 1]
    r = client.get("/api/galleries?per_page=3&page=4")
    assert r.status_code == 404 and "3 pages" in r.json["error"]
    assert client.get("/api/galleries?per_page=0").status_code == 400
    assert "Link" not in client.get("/api/galleries").headers
