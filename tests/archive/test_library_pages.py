"""The library page at scale: newest first, a page at a time, filtered by section and year."""

from __future__ import annotations

import re

import pytest

from reader.model import Gallery, Item
from reader.paging import Pager

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


@pytest.fixture
def big(library):
    """45 galleries: 2021-2023, two sections, newest first is g44 … g0, then 2 undated."""
    for n in range(45):
        year = 2021 + n // 15
        library.save(Gallery(
            title=f"Gallery {n}", slug=f"g{n}", lang="en",
            section="Features" if n % 3 == 0 else "In Pictures",
            date=f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            items=[Item(1, f"Caption {n}.")]))
    for n in (1, 2):
        library.save(Gallery(title=f"Undated {n}", slug=f"undated-{n}", lang="en",
                             items=[Item(1, "No date.")]))
    return library


def slugs(html: str) -> list[str]:
    return re.findall(r'<a href="/g/([^/"]+)/"[^>]*>', html)


def nav(html: str) -> str:
    m = re.search(r'<nav class="pagination" aria-label="Library pages">.*?</nav>', html, re.S)
    assert m, "no labelled pagination nav"
    return m.group()


def test_newest_first_twenty_to_a_page(big, client):
    expected = [s.slug for s in big.list()]
    assert expected[-2:] == ["undated-2", "undated-1"]  # undated galleries come last
    pages = [slugs(client.get(f"/?page={p}").get_data(as_text=True)) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [20, 20, 7]
    assert pages[0] + pages[1] + pages[2] == expected
    dates = [s.date for s in big.list() if s.date]
    assert dates == sorted(dates, reverse=True)
    assert client.get("/?page=4").status_code == 404
    assert client.get("/?page=0").status_code == 404


def test_pagination_marks_the_current_page(big, client):
    html = client.get("/?page=2").get_data(as_text=True)
    links = nav(html)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', links)
    assert current == ["/?page=2"]
    assert 'href="/" rel="prev"' in links
    assert 'href="/?page=3" rel="next"' in links
    assert "page 2 of 3" in html
    first = nav(client.get("/").get_data(as_text=True))
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', first) == ["/"]
    assert 'rel="prev"' not in first


def test_a_single_page_has_no_pagination(library, client):
    library.save(Gallery(title="Only one", lang="en", items=[Item(1, "Alone.")]))
    assert 'class="pagination"' not in client.get("/").get_data(as_text=True)


def test_filter_by_section_and_year(big, client):
    html = client.get("/?section=Features").get_data(as_text=True)
    assert set(slugs(html)) == {f"g{n}" for n in range(0, 45, 3)}
    assert "15 galleries in Features" in html
    html = client.get("/?year=2022").get_data(as_text=True)
    assert set(slugs(html)) == {f"g{n}" for n in range(15, 30)}
    html = client.get("/?year=2022&section=Features").get_data(as_text=True)
    assert set(slugs(html)) == {"g15", "g18", "g21", "g24", "g27"}
    assert "No galleries match" in client.get("/?year=1999").get_data(as_text=True)
    # the filter form offers what the library holds, and keeps the choice
    assert '<option selected>Features</option>' in html
    assert '<option selected>2022</option>' in html
    assert big.years() == [2023, 2022, 2021]
    assert big.sections() == ["Features", "In Pictures"]


def test_page_links_keep_the_filters(big, client):
    html = client.get("/?section=In+Pictures").get_data(as_text=True)
    assert 'href="/?section=In+Pictures&amp;page=2" rel="next"' in nav(html)


@pytest.mark.sqlite_only
def test_listing_queries_walk_an_index(big):
    """No listing query sorts: each is answered from an index (EXPLAIN QUERY PLAN)."""
    import sqlite3

    con = sqlite3.connect(big.path)
    for where, params in (("", []), ("WHERE section = ?", ["Features"]),
                          ("WHERE ifnull(date, '') >= ? AND ifnull(date, '') < ?",
                           ["2022", "2023"])):
        plan = con.execute(f"EXPLAIN QUERY PLAN SELECT id FROM galleries {where} "
                           "ORDER BY ifnull(date, '') DESC, id DESC LIMIT 20 OFFSET 9980",
                           params).fetchall()
        text = " ".join(row[-1] for row in plan)
        assert "TEMP B-TREE" not in text and "INDEX galleries_" in text, text


def test_pager_window():
    assert Pager(1, 20, 0).pages == 1
    assert Pager(250, 20, 10_000).window() == [1, None, 248, 249, 250, 251, 252, None, 500]
    assert Pager(2, 20, 100).window() == [1, 2, 3, 4, 5]
    assert not Pager(6, 20, 100).exists
