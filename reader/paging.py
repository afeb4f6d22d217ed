"""Page numbers for long lists (the library, search results): which rows a page holds and
which page links to offer. Plain arithmetic; no Flask, no SQL."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pager:
    """Page ``page`` (from 1) of ``total`` rows shown ``per_page`` at a time."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def exists(self) -> bool:
        """False for a page past the last one (page 1 always exists, even when empty)."""
        return 1 <= self.page <= self.pages

    @property
    def first_row(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_row(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: first, last, and ``around`` either side of the current
        one; ``None`` marks a gap ("…")."""
        keep = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        out: list[int | None] = []
        for n in sorted(k for k in keep if 1 <= k <= self.pages):
            if out and out[-1] is not None and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out
