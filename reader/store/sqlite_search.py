"""The SQLite store's search part: SQLite FTS5 (table `search_index`, kept in step with the
library by the triggers of migration 5; tokenizer `unicode61 remove_diacritics 2`, prefix
indexes for 2 and 3 characters, BM25 with title, credit and caption weighing most).
Mixed into `SqliteStore`; query parsing and marking are `reader.search`."""

from __future__ import annotations

from collections.abc import Sequence

from reader.store.protocol import SearchPage, SearchRow, SearchTerm


def match_expression(terms: Sequence[SearchTerm]) -> str:
    """The FTS5 MATCH string: each word quoted (so no word is read as syntax), AND-ed."""
    return " ".join(f'"{t.folded}"*' if t.prefix else f'"{t.folded}"' for t in terms)


class SearchPart:
    def search(self, terms: Sequence[SearchTerm], limit: int, offset: int,
               window: int) -> SearchPage:
        if not terms:
            return SearchPage(0, [])
        expr = match_expression(terms)
        with self._snapshot() as con:  # one snapshot for the count and the rows
            # Count no further than one past the window (newest first, which FTS5 walks
            # without sorting): a common word costs what a rare one does.
            total = con.execute(
                """SELECT count(*) FROM (SELECT rowid FROM search_index
                   WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?)""",
                (expr, int(window) + 1)).fetchone()[0]
            more = total > window
            pool = ("search_index WHERE search_index MATCH ?" if not more else
                    f"""(SELECT rowid, rank FROM search_index WHERE search_index MATCH ?
                         ORDER BY rowid DESC LIMIT {int(window)})""")
            rows = con.execute(
                f"""SELECT i.position, i.caption, i.alt, i.credit, g.slug, g.title, g.lang,
                          g.date, iif(i.position = 1, g.standfirst, NULL) AS standfirst,
                          (SELECT max(c.position) FROM items c
                           WHERE c.gallery_id = g.id) AS total
                   FROM (SELECT rowid, rank FROM {pool}
                         ORDER BY rank LIMIT ? OFFSET ?) AS s
                   JOIN items i ON i.id = s.rowid
                   JOIN galleries g ON g.id = i.gallery_id
                   ORDER BY s.rank""",
                (expr, limit, offset),
            ).fetchall() if limit > 0 else []
        return SearchPage(min(total, window), [
            SearchRow(slug=r["slug"], position=r["position"], total=r["total"],
                      gallery_title=r["title"], standfirst=r["standfirst"],
                      caption=r["caption"], alt=r["alt"], credit=r["credit"], lang=r["lang"],
                      date=r["date"]) for r in rows], more=more)
