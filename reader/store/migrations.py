"""The SQLite schema, as an ordered list of migrations (schema version = list length).

`PRAGMA user_version` holds how many have been applied; `SqliteStore.migrate` applies the rest
in one transaction. To change the schema, append an entry (with a comment saying which feature
needs it): never edit or reorder one that has shipped. Another database keeps its own list
beside its implementation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

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
    # 7 (speech, issue 18): each lexicon entry's kind (reader/speech/lexicon.py `KINDS`);
    # entries made before it are substitutions.
    """
    ALTER TABLE lexicon ADD COLUMN kind TEXT NOT NULL DEFAULT 'substitute'
        CHECK (kind IN ('substitute', 'spell', 'phonemes', 'language'));
    """,
    # 8 (several app servers, issue 17): the media cache's index of sizes and last accesses
    # (reader/media/quota.py), moved here from a file of its own in the instance folder, so
    # every process and server on the library shares one quota and one LRU order. Filled
    # again from the stored files when empty (`BoundedMedia.reconcile`).
    """
    CREATE TABLE media_cache (
        name        TEXT PRIMARY KEY,
        size        INTEGER NOT NULL CHECK (size >= 0),
        last_access REAL NOT NULL,
        pinned      INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1))
    );
    CREATE INDEX media_cache_lru ON media_cache (pinned, last_access);
    """,
    # 9 (archive, issue 16): bulk import writes a big gallery's search rows ahead of it, in
    # short transactions, under item ids it reserves here (reader/store/sqlite_bulk.py); the
    # photos themselves then land in one transaction. Search skips a reserved range, and the
    # insert trigger leaves the rows already written alone. And prefix indexes for 2 to 8
    # characters: FTS5 answers a longer prefix without one by merging the whole lists of every
    # word it starts (a common word's list is most of the archive); with one it walks a single
    # list and stops at the window. The index is rebuilt (about a minute for 100,000
    # galleries of 13 photos) and about twice as big.
    """
    DROP TABLE search_index;
    CREATE VIRTUAL TABLE search_index USING fts5(
        title, standfirst, caption, alt, credit,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4 5 6 7 8'
    );
    INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(6.0, 2.0, 3.0, 1.0, 4.0)');
    INSERT INTO search_index (rowid, title, standfirst, caption, alt, credit)
    SELECT i.id, iif(i.position = 1, g.title, NULL), iif(i.position = 1, g.standfirst, NULL),
           i.caption, i.alt, i.credit
    FROM items i JOIN galleries g ON g.id = i.gallery_id;
    CREATE TABLE search_pending (
        lo      INTEGER NOT NULL,
        hi      INTEGER NOT NULL,
        owner   TEXT NOT NULL,
        started TEXT NOT NULL,
        CHECK (hi >= lo)
    );
    DROP TRIGGER items_search_insert;
    CREATE TRIGGER items_search_insert AFTER INSERT ON items
    WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE new.id BETWEEN lo AND hi) BEGIN
        INSERT INTO search_index (rowid, title, standfirst, caption, alt, credit)
        SELECT new.id, iif(new.position = 1, g.title, NULL),
               iif(new.position = 1, g.standfirst, NULL), new.caption, new.alt, new.credit
        FROM galleries g WHERE g.id = new.gallery_id;
    END;
    """,
]


def statements(script: str) -> Iterator[str]:
    """Split an SQL script into whole statements (triggers included)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()
