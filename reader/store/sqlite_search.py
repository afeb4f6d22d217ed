"""The SQLite store's search part: SQLite FTS5 (table `search_index`, kept in step with the
library by the triggers of migrations 5 and 8; tokenizer `unicode61 remove_diacritics 2`,
prefix indexes for 2 and 3 characters, BM25 with title, credit and caption weighing most).
Mixed into `SqliteStore`; query parsing and marking are `reader.search`.

What a query costs is bounded by the window, not by the archive (issue 16):

- the newest ``window + 1`` matches' ids are read once, newest first (FTS5 walks a term's
  list in that order and stops): that is the count, capped, and the rows to rank;
- a query with few matches (at most `EXACT_UP_TO`, none beyond the window) is ranked by FTS5's
  own bm25, as it always was. FTS5's bm25 first counts, for each word, every photo of the
  archive that has it (its inverse document frequency): for a common word that is most of the
  index, read on every query. So more matches than that are ranked here instead, with the same
  BM25 formula, weights and document lengths (`bm25_scores`), where a word's number of
  photos is counted up to `IDF_COUNT` and estimated past it from how densely the newest of
  them lie; and a one-word query needs no count at all (it does not change the order);
- search reads through a connection kept per thread, so its page cache stays warm;
- the item ids a bulk import has reserved (`reader.store.sqlite_bulk`) are skipped, so a
  gallery being imported cannot be found before it is whole.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from reader.store.protocol import SearchPage, SearchRow, SearchTerm
from reader.store.sqlite_bulk import pending_ranges
from reader.store.sqlite_files import translated

WEIGHTS = (6.0, 2.0, 3.0, 1.0, 4.0)  # title, standfirst, caption, alt, credit: migration 5
K1, B = 1.2, 0.75  # FTS5's bm25 constants
EXACT_UP_TO = 200  # matches ranked by FTS5's bm25 itself
IDF_COUNT = 2_000  # a word's photos counted this far for its IDF, then estimated
CACHE_KB = 32_768  # the kept search connection's page cache


def match_expression(terms: Sequence[SearchTerm]) -> str:
    """The FTS5 MATCH string: each word quoted (so no word is read as syntax), AND-ed."""
    return " ".join(f'"{t.folded}"*' if t.prefix else f'"{t.folded}"' for t in terms)


class SearchPart:
    @contextmanager
    def _search_snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read snapshot on this thread's kept connection (or the caller's transaction)."""
        if self._current() is not None:
            yield self._current()
            return
        with translated(self.path):
            st = os.stat(self.path)
            key = (str(self.path), st.st_dev, st.st_ino)
            kept = getattr(self._local, "search", None)
            if kept is None or kept[0] != key:  # none yet, or the file was replaced
                self.close_search()
                con = self._connect()
                con.execute(f"PRAGMA cache_size = -{CACHE_KB}")
                self._local.search = kept = (key, con)
            con = kept[1]
            try:
                con.execute("BEGIN")
                try:
                    yield con
                finally:
                    con.execute("COMMIT")
            except sqlite3.Error:
                self.close_search()
                raise

    def close_search(self) -> None:
        """Close this thread's kept search connection, if any."""
        kept = getattr(self._local, "search", None)
        self._local.search = None
        if kept is not None:
            kept[1].close()

    def search(self, terms: Sequence[SearchTerm], limit: int, offset: int,
               window: int) -> SearchPage:
        if not terms:
            return SearchPage(0, [])
        expr = match_expression(terms)
        with self._search_snapshot() as con:  # one snapshot for the count and the rows
            hidden = pending_ranges(con)
            skip = " AND rowid NOT BETWEEN ? AND ?" * len(hidden)
            bounds = [b for r in hidden for b in r]
            ids = [r[0] for r in con.execute(
                f"""SELECT rowid FROM search_index WHERE search_index MATCH ?{skip}
                    ORDER BY rowid DESC LIMIT ?""", (expr, *bounds, int(window) + 1))]
            more = len(ids) > window
            ids = ids[:window]
            if limit <= 0 or not ids:
                page = []
            elif not more:  # FTS5's bm25 over every match
                page = [r[0] for r in con.execute(
                    f"""SELECT rowid FROM search_index WHERE search_index MATCH ?{skip}
                        ORDER BY rank LIMIT ? OFFSET ?""", (expr, *bounds, limit, offset))]
            else:  # over the window: from its oldest match on; ties newest first
                page = [r[0] for r in con.execute(
                    f"""SELECT rowid FROM search_index WHERE search_index MATCH ?{skip}
                        AND rowid >= ? ORDER BY rank, rowid DESC LIMIT ? OFFSET ?""",
                    (expr, *bounds, ids[-1], limit, offset))]
            found = {r["id"]: r for r in con.execute(
                f"""SELECT i.id, i.position, i.caption, i.alt, i.credit, g.slug, g.title,
                          g.lang, g.date, iif(i.position = 1, g.standfirst, NULL) AS standfirst,
                          (SELECT max(c.position) FROM items c
                           WHERE c.gallery_id = g.id) AS total
                   FROM items i JOIN galleries g ON g.id = i.gallery_id
                   WHERE i.id IN ({",".join("?" * len(page))})""", page)} if page else {}
        rows = [found[i] for i in page if i in found]
        return SearchPage(len(ids), [
            SearchRow(slug=r["slug"], position=r["position"], total=r["total"],
                      gallery_title=r["title"], standfirst=r["standfirst"],
                      caption=r["caption"], alt=r["alt"], credit=r["credit"], lang=r["lang"],
                      date=r["date"]) for r in rows], more=more)
