"""The one door to the data.

`Store` (reader/store/protocol.py) is the typed interface every layer above uses; `Library`
is the embedded implementation on one SQLite file (reader/store/sqlite.py), which holds every
SQL statement of the project; the schema is the ordered list in reader/store/migrations.py.
`PostgresStore` (reader/store/postgres.py) is the same interface on a PostgreSQL server, for
several app servers over one library. `open_store` picks the implementation for a
configuration's ``database_url``.
"""

from __future__ import annotations

from pathlib import Path

from reader.errors import ConfigError
from reader.media import register_index_opener
from reader.store.migrations import MIGRATIONS
from reader.store.protocol import (
    LibraryPage,
    SearchPage,
    SearchRow,
    SearchTerm,
    Store,
    Summary,
    User,
)
from reader.store.slugs import SLUG_MAX, SLUG_RE, check_gallery, make_slug
from reader.store.sqlite import BATCH_SIZE, LIBRARY_FILE, SqliteStore

Library = SqliteStore  # the name every caller has used since the first issue

__all__ = ["BATCH_SIZE", "LIBRARY_FILE", "MIGRATIONS", "SLUG_MAX", "SLUG_RE", "Library",
           "LibraryPage", "SearchPage", "SearchRow", "SearchTerm", "SqliteStore", "Store",
           "Summary", "User", "check_gallery", "make_slug", "open_store"]


def open_store(instance: str | Path, database_url: str | None = None) -> Store:
    """The store for an instance folder: the SQLite file in it unless ``database_url`` names
    another database (``sqlite:///PATH``: another SQLite file; ``postgresql://…``: a
    PostgreSQL database, migrated to this reader's schema on open)."""
    if not database_url:
        return SqliteStore.in_instance(instance)
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///")).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStore.open(path)
    if database_url.startswith(("postgresql://", "postgres://")):
        from reader.store.postgres import PostgresStore  # psycopg only when it is used

        store = PostgresStore(database_url)
        store.migrate()
        return store
    scheme = database_url.split(":", 1)[0]
    raise ConfigError(f"{scheme}:// databases are not supported (sqlite:/// or "
                      "postgresql://)", key="database_url")


def _media_index(config):
    """The media layer's way to the index of a configuration's library (it sits below us)."""
    return open_store(config.instance, config["database_url"]).media_index()


register_index_opener(_media_index)
