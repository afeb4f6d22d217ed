"""The SQLite store's search part: SQLite FTS5 (table `search_index`, kept in step with the
library by the triggers of migrations 5 and 8; tokenizer `unicode61 remove_diacritics 2`,
prefix indexes for 2 to 8 characters, BM25 with title, credit and caption weighing most).
Mixed into `SqliteStore`; query parsing and marking are `reader.search`.

What a query costs is bounded by the window, not by the archive (issue 16):

- the newest ``window + 1`` matches' ids are read once, newest first (FTS5 walks a word's
  list, or a prefix index's, in that order and stops): that is the count, capped;
- when no more match than the window, FTS5's bm25 ranks them all, as it always did;
- when more match, the window is ranked: a query of several words by bm25 over the window's
  ids (from its oldest on); a one-word query by the columns the word is in (`_by_column`),
  because FTS5's bm25 first counts every photo of the archive that has each word (its IDF,
  which for one word does not change the order), and for a word such as "the" that is most
  of the index, read on every query;
- search reads through a connection kept per thread, so its page cache stays warm;
- the item ids a bulk import has reserved (`reader.store.sqlite_bulk`) are skipped, so a
  gallery being imported cannot be found before it is whole.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from reader.store.protocol import SearchPage, SearchRow, SearchTerm
from reader.store.sqlite_bulk import pending_ranges
from reader.store.sqlite_files import translated
from reader.store.sqlite_room import readable

COLUMNS = ("title", "standfirst", "caption", "alt", "credit")
WEIGHTS = (6.0, 2.0, 3.0, 1.0, 4.0)  # bm25's, migration 5
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
                opened = self._open()
                con = self._configure(readable(opened, self.path))
                if con is not opened:  # a full disk's read-only snapshot: never kept
                    with contextlib.closing(con):
                        yield from self._in_snapshot(con)
                    return
                con.execute(f"PRAGMA cache_size = -{CACHE_KB}")
                self._local.search = kept = (key, con)
            yield from self._in_snapshot(kept[1])

    def _in_snapshot(self, con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
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
            elif len(terms) == 1:
                page = self._by_column(con, expr, ids, skip, bounds)[offset:offset + limit]
            else:  # over the window: from its oldest match on; ties newest first
                page = [r[0] for r in con.execute(
                    f"""SELECT rowid FROM search_index WHERE search_index MATCH ?
                        AND rowid >= ?{skip} ORDER BY rank, rowid DESC LIMIT ? OFFSET ?""",
                    (expr, ids[-1], *bounds, limit, offset))]
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

    @staticmethod
    def _by_column(con: sqlite3.Connection, expr: str, ids: list[int], skip: str,
                   bounds: list[int]) -> list[int]:
        """A one-word query's window, best first by the columns the word is in (the sum of
        their bm25 weights), newest first among equals: one pass over the window per column,
        where FTS5's bm25 would first count every photo of the archive that has the word."""
        score = dict.fromkeys(ids, 0.0)
        for column, weight in zip(COLUMNS, WEIGHTS, strict=True):
            for (rowid,) in con.execute(
                    f"""SELECT rowid FROM search_index WHERE search_index MATCH ?
                        AND rowid >= ?{skip}""", (f"{{{column}}} : {expr}", ids[-1], *bounds)):
                if rowid in score:
                    score[rowid] += weight
        return sorted(ids, key=lambda i: (-score[i], -i))
