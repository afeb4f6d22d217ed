"""A free slug for a new gallery, found in one query whatever the number of galleries that
share its title (the SQLite store's; the rules for slugs themselves are `slugs.py`)."""

from __future__ import annotations

import sqlite3

from reader.store.slugs import SLUG_MAX


def free_slug(con: sqlite3.Connection, base: str) -> str:
    """``base``, or ``base-N`` one past the highest N taken: one query, a range of the
    slug index (``base-`` ≤ slug < ``base.``), whatever the number sharing the title.
    A number that would pass SLUG_MAX makes the base give way (then its own range)."""
    row = con.execute(
        """SELECT EXISTS (SELECT 1 FROM galleries WHERE slug = :base) AS taken,
                  (SELECT max(CAST(substr(slug, :cut) AS INTEGER)) FROM galleries
                   WHERE slug > :base || '-' AND slug < :base || '.'
                     AND substr(slug, :cut) NOT GLOB '*[^0-9]*') AS top""",
        {"base": base, "cut": len(base) + 2}).fetchone()
    if not row["taken"]:
        return base
    n = max(row["top"] or 1, 1) + 1
    if len(base) + 1 + len(str(n)) <= SLUG_MAX:
        return f"{base}-{n}"
    return free_slug(con, base[:SLUG_MAX - len(str(n)) - 1].rstrip("-"))
