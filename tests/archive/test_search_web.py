"""The search page, `GET /api/search`, `reader search`, and the banner's search field."""

from __future__ import annotations

import re

import pytest

from reader.importers import load_path
from tests.archive.texts import HARBOUR, MARKET, gallery_text, write

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


@pytest.fixture
def stocked(library, tmp_path):
    for name, text in (("market.txt", MARKET), ("harbour.txt", HARBOUR)):
        [loaded] = load_path(write(tmp_path, name, text))
        library.save(loaded.gallery)
    return library


def test_results_page_announces_the_count_and_links_to_each_photo(stocked, client):
    html = client.get("/search?q=dufrene").get_data(as_text=True)
    assert re.search(r"<h1>2 results for “dufrene”</h1>", html)
    links = re.findall(r'<h2 class="result-title"><a href="([^"]+)">', html)
    assert sorted(links) == ["/g/winter-market-in-the-old-town/1",
                             "/g/winter-market-in-the-old-town/2"]
    assert html.count("<mark>Dufrêne</mark>") == 2
    assert "<title>Search: dufrene (2 results) – Gallery reader</title>" in html


def test_matched_words_are_marked_inside_escaped_text(stocked, client):
    html = client.get("/search?q=open+warm").get_data(as_text=True)
    assert ("A sign reading &lt;b&gt;<mark>OPEN</mark>&lt;/b&gt; &amp; <mark>warm</mark> "
            "hangs over the chestnut roaster.") in html
    assert "<b>OPEN" not in html


def test_a_query_with_markup_is_shown_as_text(stocked, client):
    html = client.get("/search", query_string={"q": '<img src=x onerror=alert(1)>'}
                      ).get_data(as_text=True)
    assert "<img" not in html
    assert "No results for “&lt;img src=x onerror=alert(1)&gt;”" in html


def test_no_query_and_no_results(stocked, client):
    assert "<h1>Search</h1>" in client.get("/search").get_data(as_text=True)
    assert "<h1>No results for “zebra”</h1>" in client.get("/search?q=zebra").get_data(
        as_text=True)
    assert client.get("/search?q=dufrene&page=2").status_code == 404


def test_every_page_has_the_search_landmark(stocked, client):
    for url in ("/", "/g/winter-market-in-the-old-town/", "/g/winter-market-in-the-old-town/1",
                "/search?q=krakow"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(r'<form class="site-search" role="search" action="/search"', html), url
        assert '<label for="site-search-q">Search the library</label>' in html
    assert 'value="krakow"' in client.get("/search?q=krakow").get_data(as_text=True)


def test_search_results_are_paginated_accessibly(library, tmp_path, client):
    photos = [(None, f"Gull number {n} on the pier.", "Ada Lund/Reader Desk")
              for n in range(1, 46)]
    [loaded] = load_path(write(tmp_path, "gulls.txt", gallery_text("Photos: Gulls", photos)))
    library.save(loaded.gallery)
    html = client.get("/search?q=gull&page=2").get_data(as_text=True)
    nav = re.search(r'<nav class="pagination" aria-label="Result pages">.*?</nav>', html, re.S)
    assert nav
    assert re.search(r'<a href="/search\?q=gull&amp;page=2" aria-current="page">'
                     r'<span class="visually-hidden">Page </span>2</a>', nav.group())
    assert 'href="/search?q=gull" rel="prev"' in nav.group()
    assert 'href="/search?q=gull&amp;page=3" rel="next"' in nav.group()
    assert '<ol class="search-results" start="21">' in html


def test_api_search(stocked, client):
    doc = client.get("/api/search?q=Besançon").get_json()
    assert doc["total"] == 1 and doc["pages"] == 1 and doc["query"] == "Besançon"
    [hit] = doc["results"]
    assert hit["url"] == "/g/winter-market-in-the-old-town/1"
    assert (hit["slug"], hit["position"], hit["item_count"]) == (
        "winter-market-in-the-old-town", 1, 3)
    start, end = hit["marks"]["caption"][0]
    assert hit["caption"][start:end] == "Besançon"
    assert hit["credit"] == "Ségolène Dufrêne/Reader Desk"
    assert client.get("/api/search?q=zebra").get_json()["results"] == []


def test_reader_search_command(stocked, reader):
    result = reader("search", "krakow")
    assert result.exit_code == 0
    assert result.stdout.startswith("winter-market-in-the-old-town/3\tPhotos: Winter market")
    assert "Bakers from Kraków carry rye loaves" in result.stdout
    assert reader("search", "zebra").stdout == "No results for “zebra”.\n"
    lines = reader("search", "--json", "dufr").stdout.splitlines()
    assert len(lines) == 2
