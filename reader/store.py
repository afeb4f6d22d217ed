"""The library: galleries in one SQLite file (WAL mode), with schema migrations.

Every write is one transaction: a gallery lands whole or not at all. A gallery is identified
by its source (re-importing the same file updates it in place and keeps its slug) or, where it
has no source, by its slug.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from slugify import slugify

from reader.errors import InputError, NotFound
from reader.model import Gallery, GalleryWarning, Item, StoredImage

LIBRARY_FILE = "library.sqlite3"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80

# Each entry moves the schema one version on; never edit one that has shipped, add another.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE galleries (
        id          INTEGER PRIMARY KEY,
        slug        TEXT NOT NULL UNIQUE,
        title       TEXT NOT NULL,
        section     TEXT,
        date        TEXT,
        published   TEXT,
        standfirst  TEXT,
        body        TEXT NOT NULL DEFAULT '[]',
        lang        TEXT NOT NULL,
        source      TEXT UNIQUE,
        warnings    TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE items (
        id          INTEGER PRIMARY KEY,
        gallery_id  INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        caption     TEXT NOT NULL,
        credit      TEXT,
        alt         TEXT,
        image       TEXT,
        UNIQUE (gallery_id, position)
    );
    CREATE INDEX galleries_by_date ON galleries (date DESC, id DESC);
    """,
    # 2: photo files (reader/images). Keyed by content, shared by every item that shows them.
    """
    CREATE TABLE images (
        key             TEXT PRIMARY KEY CHECK (length(key) = 64),
        format          TEXT NOT NULL CHECK (format IN ('JPEG', 'PNG', 'WEBP')),
        width           INTEGER NOT NULL CHECK (width > 0),
        height          INTEGER NOT NULL CHECK (height > 0),
        size            INTEGER NOT NULL CHECK (size > 0),
        name            TEXT,
        ext_description TEXT,
        created_at      TEXT NOT NULL
    );
    CREATE INDEX items_by_image ON items (image);
    """,
    # 3: the pronunciation lexicon (speech only; see reader/speech/lexicon.py for its rules).
    """
    CREATE TABLE lexicon (
        word        TEXT PRIMARY KEY,
        spoken      TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    """,
    # 4: editors who may sign in (see reader/users.py) and the sign-in throttle's
    # counts of wrong passwords in a row, per account and per client address.
    """
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        session_stamp TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE sign_in_failures (
        key           TEXT PRIMARY KEY,
        failures      INTEGER NOT NULL,
        last_failure  REAL NOT NULL,
        blocked_until REAL NOT NULL
    );
    """,
]


@dataclass(frozen=True)
class Summary:
    """A gallery as the library page lists it."""

    slug: str
    title: str
    date: str | None
    item_count: int
    lang: str
    section: str | None


def make_slug(title: str) -> str:
    """A readable URL slug from a title: "Photos: Russia's Kherson" → "russias-kherson"."""
    title = re.sub(r"^\s*(photos|pictures|in pictures|gallery)\s*:\s*", "", title, flags=re.I)
    slug = slugify(title, max_length=SLUG_MAX, word_boundary=True, replacements=[["'", ""],
                                                                                   ["’", ""]])
    return slug or "gallery"


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into whole statements (triggers included)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


class Library:
    """The galleries in one SQLite file. Cheap to create; connections are opened per call."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @classmethod
    def in_instance(cls, instance: str | Path) -> Library:
        folder = Path(instance)
        folder.mkdir(parents=True, exist_ok=True)
        lib = cls(folder / LIBRARY_FILE)
        lib.migrate()
        return lib

    # -- connections ---------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA busy_timeout = 10000")
        return con

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed if the block ends normally, rolled back otherwise."""
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def migrate(self) -> int:
        """Bring the schema up to date in one transaction; returns the schema version.

        The version is read under the write lock, so two processes starting at once
        cannot both apply the same step.
        """
        with self._read() as con:
            con.execute("PRAGMA journal_mode = WAL")
        with self._write() as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise InputError(f"the library was made by a newer reader (schema {version}, "
                                 f"this one knows {len(MIGRATIONS)})", source=str(self.path))
            for script in MIGRATIONS[version:]:
                for statement in _statements(script):
                    con.execute(statement)
            con.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        return len(MIGRATIONS)

    # -- reading -------------------------------------------------------------------------
    def is_empty(self) -> bool:
        with self._read() as con:
            return con.execute("SELECT 1 FROM galleries LIMIT 1").fetchone() is None

    def list(self) -> list[Summary]:
        with self._read() as con:
            rows = con.execute(
                """SELECT g.slug, g.title, g.date, g.lang, g.section,
                          (SELECT count(*) FROM items i WHERE i.gallery_id = g.id) AS n
                   FROM galleries g ORDER BY g.date IS NULL, g.date DESC, g.id DESC"""
            ).fetchall()
        return [Summary(r["slug"], r["title"], r["date"], r["n"], r["lang"], r["section"])
                for r in rows]

    def get(self, slug: str) -> Gallery:
        with self._read() as con:
            row = con.execute("SELECT * FROM galleries WHERE slug = ?", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            items = con.execute(
                "SELECT * FROM items WHERE gallery_id = ? ORDER BY position", (row["id"],)
            ).fetchall()
        return Gallery(
            slug=row["slug"], title=row["title"], section=row["section"], date=row["date"],
            published=row["published"], standfirst=row["standfirst"],
            body=json.loads(row["body"]), lang=row["lang"], source=row["source"],
            warnings=[GalleryWarning(w["line"], w["message"])
                      for w in json.loads(row["warnings"])],
            items=[Item(position=i["position"], caption=i["caption"], credit=i["credit"],
                        alt=i["alt"], image=i["image"]) for i in items],
        )

    # -- writing -------------------------------------------------------------------------
    def save(self, gallery: Gallery, images: Sequence[StoredImage] = ()) -> Gallery:
        """Store a gallery whole, replacing the one with the same source (or slug).

        ``images`` are the records of the photo files its items refer to; they land in the same
        transaction as the gallery. Sets ``gallery.slug``; returns the gallery.
        """
        if not gallery.title.strip():
            raise InputError("a gallery needs a title", source=gallery.source, field="title")
        if not gallery.items:
            raise InputError("a gallery needs at least one photo", source=gallery.source,
                             field="items")
        if gallery.slug is not None and not SLUG_RE.match(gallery.slug):
            raise InputError(f"{gallery.slug!r} is not a slug (lower-case letters, digits and "
                             "single hyphens)", source=gallery.source, field="slug")
        gallery.renumber()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as con:
            existing = None
            if gallery.source is not None:
                existing = con.execute("SELECT id, slug FROM galleries WHERE source = ?",
                                       (gallery.source,)).fetchone()
            if existing is None and gallery.slug is not None:
                existing = con.execute("SELECT id, slug FROM galleries WHERE slug = ?",
                                       (gallery.slug,)).fetchone()
            if existing is not None:
                gallery.slug = existing["slug"]
                gallery_id = existing["id"]
                con.execute("DELETE FROM items WHERE gallery_id = ?", (gallery_id,))
                con.execute(
                    """UPDATE galleries SET title=?, section=?, date=?, published=?,
                       standfirst=?, body=?, lang=?, source=?, warnings=?, updated_at=?
                       WHERE id=?""",
                    (*self._columns(gallery), now, gallery_id),
                )
            else:
                gallery.slug = gallery.slug or self._free_slug(con, make_slug(gallery.title))
                cur = con.execute(
                    """INSERT INTO galleries (title, section, date, published, standfirst, body,
                       lang, source, warnings, slug, created_at, updated_at)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                    (*self._columns(gallery), gallery.slug, now, now),
                )
                gallery_id = cur.lastrowid
            con.executemany(
                """INSERT INTO items (gallery_id, position, caption, credit, alt, image)
                   VALUES (?,?,?,?,?,?)""",
                [(gallery_id, it.position, it.caption, it.credit, it.alt, it.image)
                 for it in gallery.items],
            )
            con.executemany(
                """INSERT INTO images (key, format, width, height, size, name, ext_description,
                       created_at) VALUES (?,?,?,?,?,?,?,?)
                   ON CONFLICT (key) DO UPDATE SET name=excluded.name,
                       ext_description=excluded.ext_description""",
                [(im.key, im.format, im.width, im.height, im.size, im.name, im.ext_description,
                  now) for im in images],
            )
            missing = [it.image for it in gallery.items if it.image and con.execute(
                "SELECT 1 FROM images WHERE key = ?", (it.image,)).fetchone() is None]
            if missing:
                raise InputError(f"no stored image {missing[0]!r} for a photo of this gallery",
                                 source=gallery.source, field="image")
        return gallery

    def images(self, keys: Iterable[str]) -> dict[str, StoredImage]:
        """The stored images with these keys (missing ones are left out)."""
        keys = list(dict.fromkeys(k for k in keys if k))
        if not keys:
            return {}
        with self._read() as con:
            rows = con.execute(
                f"SELECT * FROM images WHERE key IN ({','.join('?' * len(keys))})", keys
            ).fetchall()
        return {r["key"]: StoredImage(key=r["key"], format=r["format"], width=r["width"],
                                      height=r["height"], size=r["size"], name=r["name"],
                                      ext_description=r["ext_description"]) for r in rows}

    @staticmethod
    def _columns(g: Gallery) -> tuple:
        return (g.title, g.section, g.date, g.published, g.standfirst,
                json.dumps(g.body, ensure_ascii=False), g.lang or "en", g.source,
                json.dumps([{"line": w.line, "message": w.message} for w in g.warnings],
                           ensure_ascii=False))

    @staticmethod
    def _free_slug(con: sqlite3.Connection, base: str) -> str:
        slug, n = base, 1
        while con.execute("SELECT 1 FROM galleries WHERE slug = ?", (slug,)).fetchone():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def delete(self, slug: str) -> None:
        with self._write() as con:
            if con.execute("DELETE FROM galleries WHERE slug = ?", (slug,)).rowcount == 0:
                raise NotFound(slug)

    # -- the pronunciation lexicon (validated by reader.speech.lexicon) ---------------------
    def lexicon(self) -> dict[str, str]:
        """Every entry, word → spoken form, in word order."""
        with self._read() as con:
            rows = con.execute("SELECT word, spoken FROM lexicon ORDER BY word").fetchall()
        return {r["word"]: r["spoken"] for r in rows}

    def set_pronunciation(self, word: str, spoken: str) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as con:
            con.execute("""INSERT INTO lexicon (word, spoken, updated_at) VALUES (?,?,?)
                           ON CONFLICT(word) DO UPDATE SET spoken=excluded.spoken,
                           updated_at=excluded.updated_at""", (word, spoken, now))

    def remove_pronunciation(self, word: str) -> bool:
        """Remove an entry; False if there was none."""
        with self._write() as con:
            return con.execute("DELETE FROM lexicon WHERE word = ?", (word,)).rowcount > 0
