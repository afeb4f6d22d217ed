"""A one-word query matching more photos than the ranking window (SQLite): ranked by the
fields the word is in (the sum of their BM25 weights: title 6, credit 4, caption 3), newest
first among equals, and paged in that order (issue 16: BM25 would count every photo of the archive
holding the word first)."""

from __future__ import annotations

import reader.search
from reader.model import Gallery, Item
from reader.search import search


def test_the_window_is_ranked_by_where_the_word_is_then_newest_first(library, monkeypatch):
    library.save(Gallery(title="Harbour birds", lang="en", items=[
        Item(n, f"Gull number {n} on the wall.",
             credit="Gull Studio/Reader Desk" if n == 25 else "Ada Lund/Reader Desk")
        for n in range(1, 31)]))
    library.save(Gallery(title="Gulls at dawn", lang="en", standfirst="Birds.",
                         items=[Item(1, "A quiet quay."), Item(2, "A boat.")]))
    monkeypatch.setattr(reader.search, "RANK_WINDOW", 10)
    first = search(library, "gull", per_page=4)
    assert (first.total, first.window) == (10, 10)
    order = [(h.slug, h.position) for h in first.hits]
    # The newest ten matches: the second gallery's title, photos 22–30 of the first.
    assert order == [("harbour-birds", 25),       # in the credit (4) and the caption (3)
                     ("gulls-at-dawn", 1),        # in the title (6)
                     ("harbour-birds", 30),       # in the caption only (3): newest first
                     ("harbour-birds", 29)]
    second = search(library, "gull", page=2, per_page=4)
    assert [h.position for h in second.hits] == [28, 27, 26, 24]
    third = search(library, "gull", page=3, per_page=4)
    assert [h.position for h in third.hits] == [23, 22]
