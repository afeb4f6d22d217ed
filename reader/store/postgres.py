"""The server store: the library in a PostgreSQL database (psycopg 3), for several app servers.

Chosen by ``database_url = "postgresql://…"`` (`reader.store.open_store`). It implements the
same `reader.store.Store` interface as `SqliteStore` and passes the same conformance suite
(tests/store/). The schema is `reader.store.postgres_schema` (entry N mirrors SQLite's N);
its parts are `postgres_connections`, `postgres_accounts` and `postgres_search`.

Transactions and connections: `reader.store.postgres_connections`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

import psycopg

from reader.errors import InputError, NotFound
from reader.model import Gallery, GalleryWarning, Item, StoredImage
from reader.paging import Pager
from reader.store.postgres_accounts import AccountsPart
from reader.store.postgres_connections import ConnectionsPart
from reader.store.postgres_media import PostgresMediaIndex
from reader.store.postgres_schema import MIGRATIONS
from reader.store.postgres_search import VECTORS_SQL, SearchPart, search_fields
from reader.store.protocol import LibraryPage, Summary
from reader.store.slugs import SLUG_MAX, check_gallery, make_slug

BATCH_SIZE = 200
SEARCH_VERSION = 5  # the schema entry that added the search vectors
_NEWEST = "coalesce(date, '') DESC, id DESC"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class PostgresStore(ConnectionsPart, AccountsPart, SearchPart):
    """The galleries in a PostgreSQL database. One instance serves any number of threads."""

    def media_index(self) -> PostgresMediaIndex:
        return PostgresMediaIndex(self)

    def migrate(self) -> int:
        """Bring the schema up to date in one transaction; returns the schema version.

        Under the write lock, so two app servers starting at once apply each step once (the
        second finds the work done)."""
        with self._write() as con:
            con.execute("CREATE TABLE IF NOT EXISTS reader_schema (version integer NOT NULL)")
            row = con.execute("SELECT version FROM reader_schema").fetchone()
            if row is None:
                con.execute("INSERT INTO reader_schema (version) VALUES (0)")
            version = row["version"] if row else 0
            if version > len(MIGRATIONS):
                raise InputError(f"the library was made by a newer reader (schema {version}, "
                                 f"this one knows {len(MIGRATIONS)})", source=self.where())
            for script in MIGRATIONS[version:]:
                con.execute(script)
            con.execute("UPDATE reader_schema SET version = %s", (len(MIGRATIONS),))
            self._configs = None
            if version < SEARCH_VERSION <= len(MIGRATIONS):  # rows from before search
                self._index_missing(con)
        return len(MIGRATIONS)

    def _index_missing(self, con: psycopg.Connection) -> None:
        """Fill the search vectors of rows stored before search existed (migration 5)."""
        rows = con.execute(
            """SELECT i.id, i.position, i.caption, i.alt, i.credit, g.title, g.standfirst,
                      g.lang FROM items i JOIN galleries g ON g.id = i.gallery_id
               WHERE i.search IS NULL""").fetchall()
        for r in rows:
            first = r["position"] == 1
            fields = search_fields(r["title"] if first else None,
                                   r["standfirst"] if first else None, r["caption"], r["alt"],
                                   r["credit"], self._language_config(con, r["lang"]))
            con.execute(f"UPDATE items SET (search, stems, stems_config) = ({VECTORS_SQL}) "
                        "WHERE id = %(id)s", {**fields, "id": r["id"]})

    # -- reading -------------------------------------------------------------------------
    def is_empty(self) -> bool:
        with self._read() as con:
            return con.execute("SELECT 1 FROM galleries LIMIT 1").fetchone() is None

    _SUMMARY = """SELECT g.slug, g.title, g.date, g.lang, g.section,
                         (SELECT coalesce(max(i.position), 0) FROM items i
                          WHERE i.gallery_id = g.id) AS n"""

    @staticmethod
    def _summary(r) -> Summary:
        return Summary(r["slug"], r["title"], r["date"], r["n"], r["lang"], r["section"])

    def list(self) -> list[Summary]:
        with self._read() as con:
            rows = con.execute(f"{self._SUMMARY} FROM galleries g ORDER BY {_NEWEST}")
            return [self._summary(r) for r in rows]

    def list_page(self, page: int = 1, per_page: int = 20, *, section: str | None = None,
                  year: int | None = None) -> LibraryPage:
        """One page of the library, newest first (walks the galleries_newest indexes)."""
        where, params = [], []
        if section is not None:
            where.append("section = %s")
            params.append(section)
        if year is not None:
            where.append("coalesce(date, '') >= %s AND coalesce(date, '') < %s")
            params += [f"{year:04d}", f"{year + 1:04d}"]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._snapshot() as con:  # one snapshot for the count and the rows
            total = con.execute(f"SELECT count(*) AS n FROM galleries {clause}",
                                params).fetchone()["n"]
            pager = Pager(page, per_page, total)
            rows = con.execute(
                f"""{self._SUMMARY}
                    FROM (SELECT id FROM galleries {clause} ORDER BY {_NEWEST}
                          LIMIT %s OFFSET %s) AS p
                    JOIN galleries g ON g.id = p.id
                    ORDER BY coalesce(g.date, '') DESC, g.id DESC""",
                [*params, per_page, pager.offset]).fetchall() if pager.exists else []
        return LibraryPage([self._summary(r) for r in rows], pager, section, year)

    def sections(self) -> list[str]:
        with self._read() as con:
            return [r["section"] for r in con.execute(
                "SELECT DISTINCT section FROM galleries WHERE section > '' ORDER BY section")]

    def years(self) -> list[int]:
        with self._read() as con:
            return [int(r["y"]) for r in con.execute(
                "SELECT DISTINCT left(date, 4) AS y FROM galleries "
                "WHERE date ~ '^[0-9]{4}' ORDER BY 1 DESC")]

    def check(self, full: bool = False) -> list[str]:
        """The server keeps its own pages whole (checksums, WAL): nothing to check here."""
        return []

    def get(self, slug: str) -> Gallery:
        with self._snapshot() as con:
            row = con.execute("SELECT * FROM galleries WHERE slug = %s", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            items = con.execute(
                "SELECT position, caption, credit, alt, image FROM items "
                "WHERE gallery_id = %s ORDER BY position", (row["id"],)).fetchall()
        return self._gallery(row, items)

    def get_photo(self, slug: str, position: int) -> tuple[Gallery, int]:
        """The gallery with only photo ``position`` in its ``items`` (none if it has no such
        photo) and its number of photos (the highest position): two index seeks."""
        with self._snapshot() as con:
            row = con.execute(
                "SELECT g.*, (SELECT coalesce(max(i.position), 0) FROM items i "
                "WHERE i.gallery_id = g.id) AS n FROM galleries g WHERE g.slug = %s",
                (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            items = con.execute(
                "SELECT position, caption, credit, alt, image FROM items "
                "WHERE gallery_id = %s AND position = %s", (row["id"], position)).fetchall()
        return self._gallery(row, items), row["n"]

    @staticmethod
    def _gallery(row, items) -> Gallery:
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
        check_gallery(gallery)
        with self._write() as con:
            self._store(con, gallery, _now(), images)
        return gallery

    def save_many(self, galleries: Iterable[Gallery], batch_size: int = BATCH_SIZE
                  ) -> Iterator[tuple[Gallery, InputError | None]]:
        """Store many galleries (bulk import), each in its own transaction (as SQLite's), so
        the write lock is free between two galleries and an editor's save waits for one
        gallery at most (``batch_size`` is ignored). A bad gallery is rolled back alone and
        yielded with its error; each is yielded once its transaction has ended."""
        for gallery in galleries:
            try:
                check_gallery(gallery)
                with self._write() as con:
                    self._store(con, gallery, _now())
            except InputError as e:
                yield gallery, e
            else:
                yield gallery, None

    def _store(self, con: psycopg.Connection, gallery: Gallery, now: str,
               images: Sequence[StoredImage] = ()) -> None:
        """Write one checked gallery (and its image records) inside the caller's
        transaction, its items with their search vectors."""
        gallery.renumber()
        existing = None
        if gallery.source is not None:
            existing = con.execute("SELECT id, slug FROM galleries WHERE source = %s",
                                   (gallery.source,)).fetchone()
        if existing is None and gallery.slug is not None:
            existing = con.execute("SELECT id, slug FROM galleries WHERE slug = %s",
                                   (gallery.slug,)).fetchone()
        if existing is not None:
            gallery.slug = existing["slug"]
            gallery_id = existing["id"]
            con.execute("DELETE FROM items WHERE gallery_id = %s", (gallery_id,))
            con.execute(
                """UPDATE galleries SET title=%s, section=%s, date=%s, published=%s,
                   standfirst=%s, body=%s, lang=%s, source=%s, warnings=%s, updated_at=%s
                   WHERE id=%s""", (*self._columns(gallery), now, gallery_id))
        else:
            gallery.slug = gallery.slug or self._free_slug(con, make_slug(gallery.title))
            gallery_id = con.execute(
                """INSERT INTO galleries (title, section, date, published, standfirst, body,
                   lang, source, warnings, slug, created_at, updated_at)
                   VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id""",
                (*self._columns(gallery), gallery.slug, now, now)).fetchone()["id"]
        config = self._language_config(con, gallery.lang)
        with con.cursor() as cur:
            cur.executemany(
                f"""INSERT INTO items (gallery_id, position, caption, credit, alt, image,
                       search, stems, stems_config)
                   VALUES (%(gallery_id)s, %(position)s, %(caption)s, %(credit)s, %(alt)s,
                           %(image)s, {VECTORS_SQL})""",
                [{"gallery_id": gallery_id, "position": it.position, "caption": it.caption,
                  "credit": it.credit, "alt": it.alt, "image": it.image,
                  **search_fields(gallery.title if it.position == 1 else None,
                                  gallery.standfirst if it.position == 1 else None,
                                  it.caption, it.alt, it.credit, config)}
                 for it in gallery.items])
            if images:
                cur.executemany(
                    """INSERT INTO images (key, format, width, height, size, name,
                           ext_description, created_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)
                       ON CONFLICT (key) DO UPDATE SET name=excluded.name,
                           ext_description=excluded.ext_description""",
                    [(im.key, im.format, im.width, im.height, im.size, im.name,
                      im.ext_description, now) for im in images])
        wanted = [it.image for it in gallery.items if it.image]
        if wanted:
            known = {r["key"] for r in con.execute(
                "SELECT key FROM images WHERE key = ANY(%s)", (wanted,))}
            missing = [k for k in wanted if k not in known]
            if missing:
                raise InputError(f"no stored image {missing[0]!r} for a photo of this gallery",
                                 source=gallery.source, field="image")

    def images(self, keys: Iterable[str]) -> dict[str, StoredImage]:
        keys = list(dict.fromkeys(k for k in keys if k))
        if not keys:
            return {}
        with self._read() as con:
            rows = con.execute("SELECT * FROM images WHERE key = ANY(%s)", (keys,)).fetchall()
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
    def _free_slug(con: psycopg.Connection, base: str) -> str:
        """``base``, or ``base-N`` one past the highest N taken, in one query (SQLite's twin:
        `reader.store.sqlite_slugs`); a number that would pass SLUG_MAX makes the base give
        way (then its own range)."""
        row = con.execute(
            """SELECT EXISTS (SELECT 1 FROM galleries WHERE slug = %(base)s) AS taken,
                      (SELECT max(substr(slug, %(cut)s)::numeric) FROM galleries
                       WHERE slug LIKE %(like)s
                         AND substr(slug, %(cut)s) ~ '^[0-9]+$') AS top""",
            {"base": base, "cut": len(base) + 2,
             "like": base.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
             + "-%"}).fetchone()
        if not row["taken"]:
            return base
        n = max(int(row["top"] or 1), 1) + 1
        if len(base) + 1 + len(str(n)) <= SLUG_MAX:
            return f"{base}-{n}"
        return PostgresStore._free_slug(con, base[:SLUG_MAX - len(str(n)) - 1].rstrip("-"))

    def delete(self, slug: str) -> None:
        with self._write() as con:
            if con.execute("DELETE FROM galleries WHERE slug = %s", (slug,)).rowcount == 0:
                raise NotFound(slug)

    # -- the pronunciation lexicon ---------------------------------------------------------
    def lexicon(self) -> dict[str, str]:
        with self._read() as con:
            rows = con.execute("SELECT word, spoken FROM lexicon ORDER BY word").fetchall()
        return {r["word"]: r["spoken"] for r in rows}

    def lexicon_entries(self) -> dict[str, tuple[str, str]]:
        """Every entry, word → (spoken form, kind), in word order (one read)."""
        with self._read() as con:
            rows = con.execute("SELECT word, spoken, kind FROM lexicon ORDER BY word").fetchall()
        return {r["word"]: (r["spoken"], r["kind"]) for r in rows}

    def set_pronunciation(self, word: str, spoken: str, kind: str = "substitute") -> None:
        with self._write() as con:
            con.execute("""INSERT INTO lexicon (word, spoken, kind, updated_at)
                           VALUES (%s,%s,%s,%s)
                           ON CONFLICT (word) DO UPDATE SET spoken=excluded.spoken,
                           kind=excluded.kind, updated_at=excluded.updated_at""",
                        (word, spoken, kind, _now()))

    def remove_pronunciation(self, word: str) -> bool:
        with self._write() as con:
            return con.execute("DELETE FROM lexicon WHERE word = %s", (word,)).rowcount > 0

    # -- whether descriptions are spoken (speech, issue 18; schema entry 6) ----------------
    def describe_choices(self, slug: str) -> dict[str, bool]:
        """The editors' choices for a gallery: '' → the gallery's, a description's key →
        that photo's. Absent: no choice."""
        with self._read() as con:
            rows = con.execute(
                """SELECT d.alt_key, d.speak FROM speech_describe d
                   JOIN galleries g ON g.id = d.gallery_id WHERE g.slug = %s""", (slug,))
            return {r["alt_key"]: r["speak"] for r in rows}

    def set_describe(self, slug: str, alt_key: str, speak: bool | None) -> None:
        """Choose for the gallery (``alt_key`` '') or one description; None clears it."""
        with self._write() as con:
            row = con.execute("SELECT id FROM galleries WHERE slug = %s", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            if speak is None:
                con.execute("DELETE FROM speech_describe WHERE gallery_id = %s "
                            "AND alt_key = %s", (row["id"], alt_key))
            else:
                con.execute("""INSERT INTO speech_describe (gallery_id, alt_key, speak)
                               VALUES (%s, %s, %s) ON CONFLICT (gallery_id, alt_key)
                               DO UPDATE SET speak = excluded.speak""",
                            (row["id"], alt_key, speak))
