"""Full-text search over the library: every photo's caption, description and credit, and each
gallery's title and standfirst. The index and its query are the store's (`Store.search`;
SQLite FTS5 in `reader.store.sqlite_search`); the words, the paging and the marks are here.

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
from dataclasses import dataclass, field

from reader.paging import Pager
from reader.store import SearchTerm as Term
from reader.store import Store
from reader.store.protocol import fold

MAX_TERMS = 8
MAX_TERM_CHARS = 64
MAX_QUERY_CHARS = 500
PER_PAGE = 20
# Counting and ranking cost time per matching photo, so a query that matches more photos
# than this (a common word) is counted only that far ("more than 2,000 results") and ranked
# among the most recently stored RANK_WINDOW of its matches only; the page says so.
RANK_WINDOW = 2_000

# A word, as FTS5's unicode61 tokenizer sees one: letters and digits; everything else,
# underscore included, separates words.
_WORD = re.compile(r"[^\W_]+")


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
    total: int  # the photos that match, counted up to RANK_WINDOW
    window: int | None = None  # set when more match: only the newest `window` were ranked


def parse_query(query: str) -> list[Term]:
    """The words of a query, folded; punctuation and FTS5 syntax count as spaces."""
    terms: list[Term] = []
    for word in _WORD.findall(query[:MAX_QUERY_CHARS]):
        folded = fold(word)[:MAX_TERM_CHARS]
        term = Term(folded, prefix=len(folded) >= 2)
        if folded and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


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


def search(library: Store, query: str, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """The photos matching ``query``, best first (bm25: title, credit and caption weigh most)."""
    terms = parse_query(query)
    if not terms:
        return Results(query, terms, [], Pager(page, per_page, 0), 0)
    first = Pager(page, per_page, RANK_WINDOW)
    found = library.search(terms, per_page if first.exists else 0, first.offset, RANK_WINDOW)
    total = found.total
    window = RANK_WINDOW if found.more else None
    pager = Pager(page, per_page, total)
    rows = found.rows if pager.exists else []
    hits = []
    for r in rows:
        texts = {"gallery_title": r.gallery_title, "standfirst": r.standfirst,
                 "caption": r.caption, "alt": r.alt, "credit": r.credit}
        hits.append(Hit(
            slug=r.slug, position=r.position, total=r.total,
            gallery_title=r.gallery_title, standfirst=r.standfirst, caption=r.caption,
            alt=r.alt, credit=r.credit, lang=r.lang, date=r.date,
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
