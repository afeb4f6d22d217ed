"""The PostgreSQL store's search part: `tsvector` columns on each photo's row, a GIN index,
`unaccent` and a text-search configuration per gallery language (schema: entry 5 of
`reader.store.postgres_schema`, which explains the two vectors). Mixed into `PostgresStore`;
query parsing and marking stay `reader.search`, as for SQLite.

Words are cut here, in Python, the way SQLite's unicode61 tokenizer cuts them (runs of letters
and digits), before PostgreSQL sees them: its own parser would read ``REUTERS/Jane`` as one
file path and ``2022-05-01`` as signed numbers, and find other words than SQLite does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.store.postgres_schema import LANGUAGES
from reader.store.protocol import SearchPage, SearchRow, SearchTerm

# As reader.search._WORD and FTS5's unicode61: letters and digits; anything else separates.
_WORD = re.compile(r"[^\W_]+")
# ts_rank's weights for the classes {D, C, B, A}: description and standfirst, caption, credit,
# title; in the proportions of the SQLite index's BM25 weights (1–2, 3, 4, 6).
RANK_WEIGHTS = [0.25, 0.5, 0.67, 1.0]
STEMS_SHARE = 0.5  # how much a match of the stems (inflected forms) adds to the rank

# One photo's search vectors, from its fields' words (%(...)s are the item's parameters).
VECTORS_SQL = """
    setweight(to_tsvector('reader_simple', %(w_title)s), 'A') ||
    setweight(to_tsvector('reader_simple', %(w_credit)s), 'B') ||
    setweight(to_tsvector('reader_simple', %(w_caption)s), 'C') ||
    setweight(to_tsvector('reader_simple', %(w_standfirst)s || ' ' || %(w_alt)s), 'D'),
    to_tsvector(%(config)s::regconfig, concat_ws(' ', %(w_title)s, %(w_standfirst)s,
                %(w_caption)s, %(w_alt)s, %(w_credit)s)),
    %(config)s::regconfig"""


def words(text: str | None) -> str:
    """The words of a text, one space between each: what the vectors are made of."""
    return " ".join(_WORD.findall(text or ""))


def search_fields(title: str | None, standfirst: str | None, caption: str, alt: str | None,
                  credit: str | None, config: str) -> dict[str, str]:
    return {"w_title": words(title), "w_standfirst": words(standfirst),
            "w_caption": words(caption), "w_alt": words(alt), "w_credit": words(credit),
            "config": config}


def query_text(terms: Sequence[SearchTerm]) -> str:
    """The `to_tsquery` input: every word (letters and digits only, so never syntax), AND-ed,
    with ``:*`` on the prefix ones."""
    parts = []
    for t in terms:
        for word in _WORD.findall(t.folded):
            parts.append(f"'{word}':*" if t.prefix else f"'{word}'")
    return " & ".join(parts)


class SearchPart:
    _configs: set[str] | None = None

    def _language_config(self, con, lang: str | None) -> str:
        """The text-search configuration for a gallery language (reader_simple if none)."""
        if self._configs is None:
            self._configs = {r["cfgname"] for r in con.execute(
                "SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'reader\\_%'")}
        name = "reader_" + LANGUAGES.get((lang or "").split("-")[0].lower(), "simple")
        return name if name in self._configs else "reader_simple"

    def search(self, terms: Sequence[SearchTerm], limit: int, offset: int,
               window: int) -> SearchPage:
        text = query_text(terms)
        if not text:
            return SearchPage(0, [])
        with self._snapshot() as con:  # one snapshot for the count and the rows
            # Count no further than one past the window, newest first (as SQLite's): a
            # common word costs what a rare one does.
            total = con.execute(
                """SELECT count(*) AS n FROM (SELECT id FROM items
                   WHERE search @@ to_tsquery('reader_simple', %s)
                   ORDER BY id DESC LIMIT %s) AS c""",
                (text, int(window) + 1)).fetchone()["n"]
            more = total > window
            pool = ("items WHERE search @@ q" if not more else
                    f"""LATERAL (SELECT id, search, stems, stems_config FROM items
                         WHERE search @@ q ORDER BY id DESC LIMIT {int(window)}) AS w""")
            rows = con.execute(
                f"""WITH query AS (SELECT to_tsquery('reader_simple', %(q)s) AS q)
                   SELECT i.position, i.caption, i.alt, i.credit, g.slug, g.title, g.lang,
                          g.date, CASE WHEN i.position = 1 THEN g.standfirst END AS standfirst,
                          (SELECT max(c.position) FROM items c WHERE c.gallery_id = g.id) AS total
                   FROM (SELECT id, ts_rank(%(weights)s::real[], search, q)
                                + %(share)s * ts_rank(stems, to_tsquery(stems_config, %(q)s))
                                AS rank
                         FROM query, {pool}
                         ORDER BY rank DESC, id LIMIT %(limit)s OFFSET %(offset)s) AS s
                   JOIN items i ON i.id = s.id
                   JOIN galleries g ON g.id = i.gallery_id
                   ORDER BY s.rank DESC, s.id""",
                {"q": text, "weights": RANK_WEIGHTS, "share": STEMS_SHARE, "limit": limit,
                 "offset": offset},
            ).fetchall() if limit > 0 else []
        return SearchPage(min(total, window), [
            SearchRow(slug=r["slug"], position=r["position"], total=r["total"],
                      gallery_title=r["title"], standfirst=r["standfirst"],
                      caption=r["caption"], alt=r["alt"], credit=r["credit"], lang=r["lang"],
                      date=r["date"]) for r in rows], more=more)
