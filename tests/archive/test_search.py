"""Full-text search: the store-level module, its index kept in step, and its safety."""

from __future__ import annotations

import sqlite3

import pytest

from reader.importers import load_path
from reader.search import fold, mark, parse_query, search, segments
from reader.store import MIGRATIONS, Library
from tests.archive.texts import HARBOUR, MARKET, gallery_text, write

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


@pytest.fixture
def stocked(library: Library, tmp_path):
    for name, text in (("market.txt", MARKET), ("harbour.txt", HARBOUR)):
        [loaded] = load_path(write(tmp_path, name, text))
        library.save(loaded.gallery)
    return library


def positions(results):
    return [(h.slug, h.position) for h in results.hits]


@pytest.mark.parametrize("query", ["Besançon", "besancon", "BESANCON", "besançon", "Besan"])
def test_a_caption_is_found_with_and_without_its_diacritics(stocked, query):
    results = search(stocked, query)
    assert positions(results) == [("winter-market-in-the-old-town", 1)]
    hit = results.hits[0]
    assert hit.segments("caption") == [("Crème brûlée stalls line the square in ", False),
                                       ("Besançon", True), (" before dawn.", False)]


def test_credits_are_found_folded_and_by_prefix(stocked):
    for query in ("Dufrêne", "dufrene", "dufr", "Ségolène"):
        assert positions(search(stocked, query)) in (
            [("winter-market-in-the-old-town", 1), ("winter-market-in-the-old-town", 2)],
            [("winter-market-in-the-old-town", 2), ("winter-market-in-the-old-town", 1)],
        ), query


def test_prefix_matching_and_every_word_must_match(stocked):
    assert {h.slug for h in search(stocked, "lampl").hits} == {"lamplighters-on-the-sea-wall"}
    # "lamplighters" is in photo 2's caption and the title (which rides on photo 1).
    assert {h.position for h in search(stocked, "lamplighters").hits} == {1, 2}
    assert positions(search(stocked, "lamplighters ferry")) == [
        ("lamplighters-on-the-sea-wall", 2)]
    assert search(stocked, "lamplighters chestnut").total == 0
    # A single letter is a whole word, not a prefix of every word starting with it.
    assert search(stocked, "k").total == 0


def test_gallery_titles_and_standfirsts_are_searched_once_per_gallery(stocked):
    results = search(stocked, "winter market")
    assert positions(results) == [("winter-market-in-the-old-town", 1)]
    assert results.hits[0].marks["gallery_title"] == [(8, 14), (15, 21)]


def test_ranking_puts_a_credit_match_above_a_description_match(library, tmp_path):
    text = gallery_text("Photos: Ranking", [
        ("A heron standing in reeds", "Reeds at the lake shore.", "Ada Lund/Reader Desk"),
        ("Boats at rest", "Fishing boats drawn up on the shingle.", "Tom Heron/Reader Desk"),
    ])
    [loaded] = load_path(write(tmp_path, "rank.txt", text))
    library.save(loaded.gallery)
    assert [h.position for h in search(library, "heron").hits] == [2, 1]


def test_the_index_follows_every_save_and_delete(stocked, tmp_path):
    changed = MARKET.replace("Besançon", "Dijon")
    [loaded] = load_path(write(tmp_path, "market.txt", changed))
    stocked.save(loaded.gallery)  # re-import of the same source: updated in place
    assert search(stocked, "besancon").total == 0
    assert positions(search(stocked, "dijon")) == [("winter-market-in-the-old-town", 1)]
    retitled = changed.replace("Winter market", "Night market")
    [loaded] = load_path(write(tmp_path, "market.txt", retitled))
    stocked.save(loaded.gallery)
    assert search(stocked, "winter").total == 0
    assert search(stocked, "night market").total == 1
    stocked.delete("winter-market-in-the-old-town")
    assert search(stocked, "dijon").total == 0
    assert search(stocked, "dufrene").total == 0
    assert search(stocked, "lamplighters").total == 2
    if not hasattr(stocked, "path"):  # PostgreSQL: every photo's row has its vectors
        import psycopg

        with psycopg.connect(stocked.url) as con:
            assert con.execute("SELECT count(*), count(search), count(stems) FROM items"
                               ).fetchone() == (2, 2, 2)
        return
    with sqlite3.connect(stocked.path) as con:
        con.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
        assert con.execute("SELECT count(*) FROM search_index").fetchone()[0] == \
            con.execute("SELECT count(*) FROM items").fetchone()[0]


def test_query_syntax_is_words_only(stocked):
    for query in ['"', 'NEAR(besancon', "besancon OR kraków", "title:besancon", "*", "-", "^a",
                  "bes*an", "", "   ", "'; DROP TABLE items; --"]:
        search(stocked, query)  # never an FTS5 syntax error
    assert search(stocked, "besancon OR krakow").total == 0  # OR is a word, not an operator
    assert search(stocked, "kraków, rye!").total == 1
    assert search(stocked, "").hits == []


def test_marks_are_spans_of_the_stored_text_not_markup():
    terms = parse_query("open warm")
    text = "A sign reading <b>OPEN</b> & warm hangs"
    spans = mark(text, terms)
    assert [text[a:b] for a, b in spans] == ["OPEN", "warm"]
    assert "".join(t for t, _ in segments(text, spans)) == text
    assert fold("Ségolène KRAKÓW") == "segolene krakow"


@pytest.mark.sqlite_only
def test_a_library_made_before_search_is_indexed_when_migrated(instance):
    path = instance / "library.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    con.execute("""INSERT INTO galleries (id, slug, title, lang, created_at, updated_at)
                   VALUES (1, 'old', 'An old gallery', 'en', 'x', 'x')""")
    con.execute("""INSERT INTO items (gallery_id, position, caption, credit)
                   VALUES (1, 1, 'Snow on the Zürich tram lines.', 'Old Hand/Reader Desk')""")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    library = Library.in_instance(instance)
    assert positions(search(library, "zurich")) == [("old", 1)]
    assert positions(search(library, "old gallery")) == [("old", 1)]


def test_results_come_a_page_at_a_time(library, tmp_path):
    photos = [(None, f"Gull number {n} on the pier.", "Ada Lund/Reader Desk")
              for n in range(1, 26)]
    [loaded] = load_path(write(tmp_path, "gulls.txt", gallery_text("Photos: Gulls", photos)))
    library.save(loaded.gallery)
    first, second = search(library, "gull", page=1), search(library, "gull", page=2)
    assert (first.total, len(first.hits), len(second.hits)) == (25, 20, 5)
    assert {h.position for h in first.hits} | {h.position for h in second.hits} == \
        set(range(1, 26))


def test_a_query_matching_too_many_photos_is_ranked_among_the_newest(library, tmp_path,
                                                                     monkeypatch, client):
    import reader.search

    photos = [(None, f"Gull number {n} on the pier.", "Ada Lund/Reader Desk")
              for n in range(1, 26)]
    [loaded] = load_path(write(tmp_path, "gulls.txt", gallery_text("Photos: Gulls", photos)))
    library.save(loaded.gallery)
    monkeypatch.setattr(reader.search, "RANK_WINDOW", 4)
    results = search(library, "gull")
    assert (results.total, results.window, results.pager.pages) == (4, 4, 1)
    assert sorted(h.position for h in results.hits) == [22, 23, 24, 25]  # the newest rows
    html = client.get("/search?q=gull").get_data(as_text=True)
    assert "<h1>More than 4 results for “gull”</h1>" in html
    assert client.get("/api/search?q=gull").get_json()["more"] is True
    assert client.get("/api/search?q=gull+7").get_json()["more"] is False
    assert "best matches among the 4 most recently added" in html
    assert search(library, "gull number 7").window is None
