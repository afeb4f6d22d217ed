"""The embedded store: the library in one SQLite file (WAL mode), with schema migrations.

Every SQL statement of the project lives in this module and its parts,
`sqlite_accounts` (editors, the sign-in throttle), `sqlite_search` (FTS5) and
`sqlite_speech` (the lexicon, whether descriptions are spoken); the schema is
`reader.store.migrations`. Every write is one transaction: a gallery lands whole or not at
all. A gallery is identified by its source (re-importing the same file updates it in place and
keeps its slug) or, where it has no source, by its slug.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from reader.errors import InputError, LibraryError, NotFound
from reader.model import Gallery, GalleryWarning, Item, StoredImage
from reader.paging import Pager
from reader.store.migrations import MIGRATIONS, statements
from reader.store.protocol import LibraryPage, Summary
from reader.store.slugs import check_gallery, make_slug
from reader.store.sqlite_accounts import AccountsPart
from reader.store.sqlite_bulk import BATCH_SIZE, BulkPart, next_item_id
from reader.store.sqlite_connections import ConnectionsPart
from reader.store.sqlite_files import ADVICE, missing_tables, open_checked, problems
from reader.store.sqlite_media import SqliteMediaIndex
from reader.store.sqlite_room import in_wal_mode
from reader.store.sqlite_search import SearchPart
from reader.store.sqlite_slugs import free_slug
from reader.store.sqlite_speech import SpeechPart

LIBRARY_FILE = "library.sqlite3"
__all__ = ["BATCH_SIZE", "LIBRARY_FILE", "SqliteStore"]
# The library's order, newest first, undated last. Written the same way in the indexes of
# migration 5, so every listing query walks an index instead of sorting.
_NEWEST = "ifnull(date, '') DESC, id DESC"


# A gallery's number of photos: its items are numbered 1..N (`Gallery.renumber` before every
# write), so the last position is the count, found by one seek in the (gallery_id, position)
# index instead of counting N entries.
PHOTO_COUNT = ("ifnull((SELECT max(i.position) FROM items i WHERE i.gallery_id = g.id), 0)")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteStore(ConnectionsPart, AccountsPart, BulkPart, SearchPart, SpeechPart):
    """The galleries in one SQLite file. Cheap to create; connections are opened per call
    (or per `transaction()`), so one instance serves any number of threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    def __reduce__(self):  # picklable for process pools: the path is all it is
        return (type(self), (self.path,))

    def where(self) -> str:
        return str(self.path)

    @classmethod
    def in_instance(cls, instance: str | Path) -> SqliteStore:
        folder = Path(instance)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise LibraryError(f"cannot make the instance folder ({e.strerror})",
                               folder) from None
        return cls.open(folder / LIBRARY_FILE)

    @classmethod
    def open(cls, path: str | Path) -> SqliteStore:
        """The library at ``path``, made (private, whole) if there is none; an empty or
        damaged file is refused with `LibraryError` (see `reader.store.sqlite_files`)."""
        store = cls(path)
        open_checked(store.path, lambda tmp: cls(tmp).migrate())
        store.migrate()
        store.keep_open()
        store.clear_abandoned_imports()  # a bulk import's leftovers, if one was killed
        return store

    def check(self, full: bool = False) -> list[str]:
        with self._read() as con:
            return problems(con, full)

    def secret_key(self) -> None:
        return None  # one machine: the instance folder keeps the key

    def media_index(self) -> SqliteMediaIndex:
        return SqliteMediaIndex(self)

    def migrate(self) -> int:
        """Bring the schema up to date in one transaction; returns the schema version.

        The version is read under the write lock, so two processes starting at once
        cannot both apply the same step.
        """
        with self._read() as con:  # up to date already: nothing to write (a full disk)
            # journal_mode read, not set; the file's header only when SQLite does not say
            # WAL (a read-only snapshot on a full disk): see sqlite_files.in_use for why
            if ((con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                 or in_wal_mode(self.path)) and not missing_tables(con) and
                    con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)):
                return len(MIGRATIONS)
            con.execute("PRAGMA journal_mode = WAL")  # persistent: set once in the file
        with self._write() as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise InputError(f"the library was made by a newer reader (schema {version}, "
                                 f"this one knows {len(MIGRATIONS)})", source=str(self.path))
            for script in MIGRATIONS[version:]:
                for statement in statements(script):
                    con.execute(statement)
            con.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            missing = missing_tables(con)
            if missing:
                raise LibraryError(f"is at schema {len(MIGRATIONS)} but has no table "
                                   f"{', '.join(missing)}: it was damaged; {ADVICE}",
                                   self.path)
        return len(MIGRATIONS)

    # -- reading -------------------------------------------------------------------------
    def is_empty(self) -> bool:
        with self._read() as con:
            return con.execute("SELECT 1 FROM galleries LIMIT 1").fetchone() is None

    def list(self) -> list[Summary]:
        with self._read() as con:
            rows = con.execute(
                f"""SELECT g.slug, g.title, g.date, g.lang, g.section,
                          {PHOTO_COUNT} AS n
                   FROM galleries g ORDER BY {_NEWEST}"""
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
        with self._snapshot() as con:  # one snapshot for the count and the rows
            total = con.execute(f"SELECT count(*) FROM galleries {clause}", params).fetchone()[0]
            pager = Pager(page, per_page, total)
            rows = con.execute(
                f"""SELECT g.slug, g.title, g.date, g.lang, g.section,
                           {PHOTO_COUNT} AS n
                    FROM (SELECT id FROM galleries {clause} ORDER BY {_NEWEST}
                          LIMIT ? OFFSET ?) AS p
                    JOIN galleries g ON g.id = p.id
                    ORDER BY ifnull(g.date, '') DESC, g.id DESC""",
                [*params, per_page, pager.offset],
            ).fetchall() if pager.exists else []
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
        with self._snapshot() as con:
            row = con.execute("SELECT * FROM galleries WHERE slug = ?", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            items = con.execute(
                "SELECT * FROM items WHERE gallery_id = ? ORDER BY position", (row["id"],)
            ).fetchall()
        return self._gallery(row, items)

    def get_photo(self, slug: str, position: int) -> tuple[Gallery, int]:
        """The gallery with only photo ``position`` in its ``items`` (none if it has no such
        photo) and its number of photos: two index seeks, whatever the gallery's size."""
        with self._snapshot() as con:
            row = con.execute(f"SELECT g.*, {PHOTO_COUNT} AS n FROM galleries g "
                              "WHERE g.slug = ?", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            items = con.execute("SELECT * FROM items WHERE gallery_id = ? AND position = ?",
                                (row["id"], position)).fetchall()
        return self._gallery(row, items), row["n"]

    @staticmethod
    def _gallery(row: sqlite3.Row, items: list[sqlite3.Row]) -> Gallery:
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
        check_gallery(gallery)
        with self._write() as con:
            self._store(con, gallery, _now(), images)
        return gallery

    def _store(self, con: sqlite3.Connection, gallery: Gallery, now: str,
               images: Sequence[StoredImage] = (), first_id: int | None = None) -> None:
        """Write one checked gallery (and its image records) inside the caller's
        transaction. Its photos get the item ids from ``first_id`` on (ids a bulk import
        reserved, see `reader.store.sqlite_bulk`), else the next ones not reserved."""
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
            gallery.slug = gallery.slug or free_slug(con, make_slug(gallery.title))
            cur = con.execute(
                """INSERT INTO galleries (title, section, date, published, standfirst, body,
                   lang, source, warnings, slug, created_at, updated_at)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                (*self._columns(gallery), gallery.slug, now, now),
            )
            gallery_id = cur.lastrowid
        first = next_item_id(con) if first_id is None else first_id
        con.executemany(
            """INSERT INTO items (id, gallery_id, position, caption, credit, alt, image)
               VALUES (?,?,?,?,?,?,?)""",
            [(first + k, gallery_id, it.position, it.caption, it.credit, it.alt, it.image)
             for k, it in enumerate(gallery.items)],
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

    def delete(self, slug: str) -> None:
        with self._write() as con:
            if con.execute("DELETE FROM galleries WHERE slug = ?", (slug,)).rowcount == 0:
                raise NotFound(slug)
