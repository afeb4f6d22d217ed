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
from reader.paging import Pager

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
    # 5 (archive): full-text search over every photo, kept in step with the tables by triggers
    # (so every save and delete updates it in its own transaction), and the indexes the
    # paginated, filtered library page walks. One search row per photo; the gallery's title and
    # standfirst sit on its first photo's row, so a gallery-level match is one result, not N.
    """
    CREATE VIRTUAL TABLE search_index USING fts5(
        title, standfirst, caption, alt, credit,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );
    INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(6.0, 2.0, 3.0, 1.0, 4.0)');
    CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
        INSERT INTO search_index (rowid, title, standfirst, caption, alt, credit)
        SELECT new.id, iif(new.position = 1, g.title, NULL),
               iif(new.position = 1, g.standfirst, NULL), new.caption, new.alt, new.credit
        FROM galleries g WHERE g.id = new.gallery_id;
    END;
    CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
        DELETE FROM search_index WHERE rowid = old.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE ON items BEGIN
        DELETE FROM search_index WHERE rowid = old.id;
        INSERT INTO search_index (rowid, title, standfirst, caption, alt, credit)
        SELECT new.id, iif(new.position = 1, g.title, NULL),
               iif(new.position = 1, g.standfirst, NULL), new.caption, new.alt, new.credit
        FROM galleries g WHERE g.id = new.gallery_id;
    END;
    CREATE TRIGGER galleries_search_update AFTER UPDATE OF title, standfirst ON galleries BEGIN
        UPDATE search_index SET title = new.title, standfirst = new.standfirst
        WHERE rowid = (SELECT id FROM items WHERE gallery_id = new.id AND position = 1);
    END;
    INSERT INTO search_index (rowid, title, standfirst, caption, alt, credit)
    SELECT i.id, iif(i.position = 1, g.title, NULL), iif(i.position = 1, g.standfirst, NULL),
           i.caption, i.alt, i.credit
    FROM items i JOIN galleries g ON g.id = i.gallery_id;
    DROP INDEX galleries_by_date;
    CREATE INDEX galleries_newest ON galleries (ifnull(date, '') DESC, id DESC);
    CREATE INDEX galleries_section_newest ON galleries (section, ifnull(date, '') DESC, id DESC);
    """,
    # 6 (speech, issue 18): whether descriptions are spoken, chosen for a gallery (`alt_key`
    # '') or for one photo's description (`alt_key`: SHA-256 of the description's text, so
    # the choice follows the description through moves, edits of other fields and
    # re-imports, and lapses when the description itself is rewritten).
    """
    CREATE TABLE speech_describe (
        gallery_id  INTEGER NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
        alt_key     TEXT NOT NULL,
        speak       INTEGER NOT NULL CHECK (speak IN (0, 1)),
        PRIMARY KEY (gallery_id, alt_key)
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


@dataclass(frozen=True)
class LibraryPage:
    """One page of the library listing, newest first, with the filters that made it."""

    galleries: list[Summary]
    pager: Pager
    section: str | None = None
    year: int | None = None


# The library's order, newest first, undated last. Written the same way in the indexes of
# migration 2, so every listing query walks an index instead of sorting.
_NEWEST = "ifnull(date, '') DESC, id DESC"
BATCH_SIZE = 200  # galleries per transaction in save_many


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

    def read(self):
        """A connection for reading (for store-level modules such as `reader.search`)."""
        return self._read()

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
                   FROM galleries g ORDER BY ifnull(g.date, '') DESC, g.id DESC"""
            ).fetchall()
        return [Summary(r["slug"], r["title"], r["date"], r["n"], r["lang"], r["section"])
                for r in rows]

    def list_page(self, page: int = 1, per_page: int = 20, *, section: str | None = None,
                  year: int | None = None) -> LibraryPage:
        """One page of the library, newest first, optionally of one section and/or year.

        Walks the `galleries_newest` / `galleries_section_newest` indexes: no sort, and the
        rows skipped to reach a page are index entries only, so a late page costs about what
        the first does.
        """
        where, params = [], []
        if section is not None:
            where.append("section = ?")
            params.append(section)
        if year is not None:
            where.append("ifnull(date, '') >= ? AND ifnull(date, '') < ?")
            params += [f"{year:04d}", f"{year + 1:04d}"]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._read() as con:
            con.execute("BEGIN")  # one snapshot for the count and the rows
            total = con.execute(f"SELECT count(*) FROM galleries {clause}", params).fetchone()[0]
            pager = Pager(page, per_page, total)
            rows = con.execute(
                f"""SELECT g.slug, g.title, g.date, g.lang, g.section,
                           (SELECT count(*) FROM items i WHERE i.gallery_id = g.id) AS n
                    FROM (SELECT id FROM galleries {clause} ORDER BY {_NEWEST}
                          LIMIT ? OFFSET ?) AS p
                    JOIN galleries g ON g.id = p.id
                    ORDER BY ifnull(g.date, '') DESC, g.id DESC""",
                [*params, per_page, pager.offset],
            ).fetchall() if pager.exists else []
            con.execute("COMMIT")
        return LibraryPage(
            [Summary(r["slug"], r["title"], r["date"], r["n"], r["lang"], r["section"])
             for r in rows], pager, section, year)

    def sections(self) -> list[str]:
        """Every section name in the library, in order (one index seek per section)."""
        out: list[str] = []
        with self._read() as con:
            while True:
                row = con.execute("SELECT min(section) FROM galleries WHERE section > ?",
                                  (out[-1] if out else "",)).fetchone()
                if row[0] is None:
                    return out
                out.append(row[0])

    def years(self) -> list[int]:
        """Every year a gallery is dated, newest first (one index seek per year)."""
        out: list[int] = []
        with self._read() as con:
            while True:
                bound = f"{out[-1]:04d}" if out else "9999-99"
                row = con.execute("SELECT max(ifnull(date, '')) FROM galleries "
                                  "WHERE ifnull(date, '') < ?", (bound,)).fetchone()
                if not row[0] or not row[0][:4].isdigit():
                    return out
                out.append(int(row[0][:4]))

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
        self._check(gallery)
        with self._write() as con:
            self._store(con, gallery, datetime.now(UTC).isoformat(timespec="seconds"), images)
        return gallery

    def save_many(self, galleries: Iterable[Gallery], batch_size: int = BATCH_SIZE
                  ) -> Iterator[tuple[Gallery, InputError | None]]:
        """Store many galleries, ``batch_size`` to a transaction (bulk import).

        Each gallery is still whole or absent: it gets its own savepoint, so a bad one is
        rolled back alone and reported (yielded with its error) while the rest are stored.
        Yields each gallery with ``None`` or its error once its batch has been committed.
        """
        batch: list[Gallery] = []
        for gallery in galleries:
            batch.append(gallery)
            if len(batch) >= batch_size:
                yield from self._save_batch(batch)
                batch = []
        if batch:
            yield from self._save_batch(batch)

    def _save_batch(self, batch: list[Gallery]) -> list[tuple[Gallery, InputError | None]]:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        done: list[tuple[Gallery, InputError | None]] = []
        with self._write() as con:
            for gallery in batch:
                try:
                    self._check(gallery)
                    con.execute("SAVEPOINT one_gallery")
                    try:
                        self._store(con, gallery, now)
                    except BaseException:
                        con.execute("ROLLBACK TO one_gallery")
                        con.execute("RELEASE one_gallery")
                        raise
                    con.execute("RELEASE one_gallery")
                except InputError as e:
                    done.append((gallery, e))
                else:
                    done.append((gallery, None))
        return done

    @staticmethod
    def _check(gallery: Gallery) -> None:
        if not gallery.title.strip():
            raise InputError("a gallery needs a title", source=gallery.source, field="title")
        if not gallery.items:
            raise InputError("a gallery needs at least one photo", source=gallery.source,
                             field="items")
        if gallery.slug is not None and not SLUG_RE.match(gallery.slug):
            raise InputError(f"{gallery.slug!r} is not a slug (lower-case letters, digits and "
                             "single hyphens)", source=gallery.source, field="slug")

    def _store(self, con: sqlite3.Connection, gallery: Gallery, now: str,
               images: Sequence[StoredImage] = ()) -> None:
        """Write one checked gallery (and its image records) inside the caller's
        transaction."""
        gallery.renumber()
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

    # -- whether descriptions are spoken (speech, migration 6) ------------------------------
    def describe_choices(self, slug: str) -> dict[str, bool]:
        """The editors' choices for a gallery: '' → the gallery's, a description's key
        (`reader.speech.script.description_key`) → that photo's. Absent: no choice."""
        with self._read() as con:
            rows = con.execute(
                """SELECT d.alt_key, d.speak FROM speech_describe d
                   JOIN galleries g ON g.id = d.gallery_id WHERE g.slug = ?""",
                (slug,)).fetchall()
        return {r["alt_key"]: bool(r["speak"]) for r in rows}

    def set_describe(self, slug: str, alt_key: str, speak: bool | None) -> None:
        """Choose for the gallery (``alt_key`` '') or one description; None clears it."""
        with self._write() as con:
            row = con.execute("SELECT id FROM galleries WHERE slug = ?", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            if speak is None:
                con.execute("DELETE FROM speech_describe WHERE gallery_id = ? AND alt_key = ?",
                            (row["id"], alt_key))
            else:
                con.execute("""INSERT INTO speech_describe (gallery_id, alt_key, speak)
                               VALUES (?,?,?) ON CONFLICT(gallery_id, alt_key)
                               DO UPDATE SET speak=excluded.speak""",
                            (row["id"], alt_key, int(speak)))

    def remove_pronunciation(self, word: str) -> bool:
        """Remove an entry; False if there was none."""
        with self._write() as con:
            return con.execute("DELETE FROM lexicon WHERE word = ?", (word,)).rowcount > 0
