"""Full-text search over the library: every photo's caption, description and credit, and each
gallery's title and standfirst (SQLite FTS5, table `search_index`, kept in step with the
library by the triggers of migration 2).

A query is a few words; each must match (AND). Words of two letters or more also match as
prefixes ("kher" finds "Kherson"); case and diacritics are folded on both sides, so "bulent"
finds "Bülent" and "Bülent" finds "bulent".

Marking the matched words is done here, in Python, on the stored text, and returned as
(start, end) spans; FTS5's own snippet()/highlight() output is never used, so nothing in a
result is markup: the web layer escapes every piece of text as usual and wraps the spans in
<mark>. No Flask here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from reader.paging import Pager
from reader.store import Library

MAX_TERMS = 8
MAX_TERM_CHARS = 64
MAX_QUERY_CHARS = 500
PER_PAGE = 20
# Ranking costs time per matching photo (BM25 over all of them), so a query that matches
# more photos than this (a common word) is ranked among the most recently
# stored RANK_WINDOW of its matches only; the page says so. Keeps a search of a 130,000-photo
# archive in tens of milliseconds whatever the words (see bench/archive.py).
RANK_WINDOW = 2_000

# A word, as FTS5's unicode61 tokenizer sees one: letters and digits; everything else,
# underscore included, separates words.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One query word, folded; ``prefix`` if it also matches longer words."""

    folded: str
    prefix: bool

    def matches(self, folded_word: str) -> bool:
        return folded_word.startswith(self.folded) if self.prefix else folded_word == self.folded


@dataclass(frozen=True)
class Hit:
    """One photo that matched, with what to show of it and where the matches are."""

    slug: str
    position: int
    total: int  # photos in its gallery
    gallery_title: str
    standfirst: str | None  # only for a gallery's first photo, which carries the gallery text
    caption: str
    alt: str | None
    credit: str | None
    lang: str
    date: str | None
    marks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def segments(self, name: str) -> list[tuple[str, bool]]:
        """The field's text cut into (text, matched) pieces, for the caller to escape."""
        return segments(getattr(self, name) or "", self.marks.get(name, []))


@dataclass(frozen=True)
class Results:
    query: str
    terms: list[Term]
    hits: list[Hit]
    pager: Pager  # over the results one can page through (at most RANK_WINDOW)
    total: int  # every photo that matches
    window: int | None = None  # set when only the newest `window` matches were ranked


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without diacritics, as `unicode61 remove_diacritics 2` compares words."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parse_query(query: str) -> list[Term]:
    """The words of a query, folded; punctuation and FTS5 syntax count as spaces."""
    terms: list[Term] = []
    for word in _WORD.findall(query[:MAX_QUERY_CHARS]):
        folded = fold(word)[:MAX_TERM_CHARS]
        term = Term(folded, prefix=len(folded) >= 2)
        if folded and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def match_expression(terms: list[Term]) -> str:
    """The FTS5 MATCH string: each word quoted (so no word is read as syntax), AND-ed."""
    return " ".join(f'"{t.folded}"*' if t.prefix else f'"{t.folded}"' for t in terms)


def mark(text: str | None, terms: list[Term]) -> list[tuple[int, int]]:
    """Spans of ``text`` whose words match a term."""
    if not text or not terms:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text)
            if any(t.matches(fold(m.group())) for t in terms)]


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def search(library: Library, query: str, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """The photos matching ``query``, best first (bm25: title, credit and caption weigh most)."""
    terms = parse_query(query)
    if not terms:
        return Results(query, terms, [], Pager(page, per_page, 0), 0)
    expr = match_expression(terms)
    with library.read() as con:
        con.execute("BEGIN")  # one snapshot for the count and the rows
        total = con.execute("SELECT count(*) FROM search_index WHERE search_index MATCH ?",
                            (expr,)).fetchone()[0]
        window = RANK_WINDOW if total > RANK_WINDOW else None
        pager = Pager(page, per_page, min(total, RANK_WINDOW))
        pool = ("search_index WHERE search_index MATCH ?" if window is None else
                f"""(SELECT rowid, rank FROM search_index WHERE search_index MATCH ?
                     ORDER BY rowid DESC LIMIT {RANK_WINDOW})""")
        rows = con.execute(
            f"""SELECT i.position, i.caption, i.alt, i.credit, g.slug, g.title, g.lang, g.date,
                      iif(i.position = 1, g.standfirst, NULL) AS standfirst,
                      (SELECT count(*) FROM items c WHERE c.gallery_id = g.id) AS total
               FROM (SELECT rowid, rank FROM {pool}
                     ORDER BY rank LIMIT ? OFFSET ?) AS s
               JOIN items i ON i.id = s.rowid
               JOIN galleries g ON g.id = i.gallery_id
               ORDER BY s.rank""",
            (expr, per_page, pager.offset),
        ).fetchall() if pager.exists else []
        con.execute("COMMIT")
    hits = []
    for r in rows:
        texts = {"gallery_title": r["title"], "standfirst": r["standfirst"],
                 "caption": r["caption"], "alt": r["alt"], "credit": r["credit"]}
        hits.append(Hit(
            slug=r["slug"], position=r["position"], total=r["total"],
            gallery_title=r["title"], standfirst=r["standfirst"], caption=r["caption"],
            alt=r["alt"], credit=r["credit"], lang=r["lang"], date=r["date"],
            marks={k: spans for k, v in texts.items() if (spans := mark(v, terms))},
        ))
    return Results(query, terms, hits, pager, total, window)


def hit_document(hit: Hit) -> dict:
    """A hit as JSON: its texts, and for each field the matched spans as [start, end)
    offsets in code points."""
    return {
        "slug": hit.slug, "position": hit.position, "item_count": hit.total,
        "gallery_title": hit.gallery_title, "standfirst": hit.standfirst,
        "caption": hit.caption, "alt": hit.alt, "credit": hit.credit,
        "lang": hit.lang, "date": hit.date,
        "marks": {k: [list(s) for s in v] for k, v in hit.marks.items()},
    }
