"""The library: a real SQLite file, migrations, whole-or-nothing writes, stable slugs."""

from __future__ import annotations

import sqlite3

import pytest

from reader.errors import InputError, NotFound
from reader.importers import parse_source
from reader.model import Gallery, Item
from reader.store import MIGRATIONS, make_slug
from tests.conftest import SEED


def small(title="Harbour at night", source=None, n=2) -> Gallery:
    return Gallery(title=title, source=source, lang="en",
                   items=[Item(position=k, caption=f"Boat {k}.", credit="Agency")
                          for k in range(1, n + 1)])


def test_the_file_is_sqlite_in_wal_mode_at_the_latest_schema(library):
    con = sqlite3.connect(library.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_migrate_is_idempotent_and_refuses_a_newer_library(library):
    assert library.migrate() == len(MIGRATIONS)
    con = sqlite3.connect(library.path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.close()
    with pytest.raises(InputError, match="newer reader"):
        library.migrate()


def test_migration_7_makes_earlier_lexicon_entries_substitutions(tmp_path):
    from reader.store.sqlite import SqliteStore

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    for script in MIGRATIONS[:6]:  # a library as schema 6 left it, with one entry
        con.executescript(script)
    con.execute("INSERT INTO lexicon (word, spoken, updated_at) VALUES ('Kyiv', 'Keev', 'x')")
    con.execute("PRAGMA user_version = 6")
    con.commit()
    con.close()
    store = SqliteStore(path)
    assert store.migrate() == len(MIGRATIONS)
    assert store.lexicon_entries() == {"Kyiv": ("Keev", "substitute")}


def test_round_trip_of_the_seed_keeps_every_character(library):
    g = parse_source(SEED.read_bytes(), str(SEED))
    library.save(g)
    back = library.get(g.slug)
    assert back.items == g.items
    assert (back.title, back.standfirst, back.body, back.date, back.published, back.lang) == (
        g.title, g.standfirst, g.body, g.date, g.published, g.lang)


def test_reimporting_the_same_source_updates_in_place(library):
    first = library.save(small(source="/x/a.txt"))
    again = library.save(small(title="Harbour at night, revised", source="/x/a.txt", n=3))
    assert again.slug == first.slug
    [summary] = library.list()
    assert summary.item_count == 3 and summary.title.endswith("revised")


def test_slugs_are_readable_and_unique(library):
    a = library.save(small(title="Photos: Russia’s occupation of Kherson", source="/a"))
    b = library.save(small(title="Photos: Russia’s occupation of Kherson", source="/b"))
    assert a.slug == "russias-occupation-of-kherson"
    assert b.slug == "russias-occupation-of-kherson-2"
    assert make_slug("Οι ψαράδες") and make_slug("!!!") == "gallery"


def test_a_failed_write_leaves_the_library_as_it_was(library):
    good = library.save(small(source="/x/a.txt"))
    broken = small(title="Replacement", source="/x/a.txt", n=3)
    broken.items[2].caption = None  # violates NOT NULL mid-transaction
    with pytest.raises(sqlite3.IntegrityError):
        library.save(broken)
    back = library.get(good.slug)
    assert back.title == "Harbour at night" and len(back.items) == 2


def test_refuses_a_gallery_without_photos_or_with_a_bad_slug(library):
    with pytest.raises(InputError, match="at least one photo"):
        library.save(Gallery(title="Empty", lang="en"))
    g = small()
    g.slug = "Not A Slug"
    with pytest.raises(InputError, match="not a slug"):
        library.save(g)
    assert library.is_empty()


def test_delete(library):
    g = library.save(small())
    library.delete(g.slug)
    assert library.is_empty()
    with pytest.raises(NotFound):
        library.delete(g.slug)
    with pytest.raises(NotFound):
        library.get(g.slug)
