"""What only the PostgreSQL store has to prove beyond the conformance suite: migrations that
several app servers may start at once, a text-search configuration per gallery language, a
clear message when the server cannot be reached, and no password in what it prints. A real
server (tests/pg.py)."""

from __future__ import annotations

import threading

import psycopg
import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.config import Config, describe
from reader.errors import StoreUnavailable
from reader.model import Gallery, Item
from reader.search import search
from reader.store import open_store
from reader.store.postgres import PostgresStore
from reader.store.postgres_schema import MIGRATIONS


@pytest.fixture
def empty_database(postgres):
    """A database without the reader's schema (as a new deployment's)."""
    name = f"empty_{next(postgres._names)}"
    postgres.admin.execute(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    yield url
    postgres.drop_database(url)


def test_four_app_servers_starting_at_once_migrate_once(empty_database):
    start = threading.Barrier(4)
    results: list[object] = []

    def boot():
        start.wait()
        try:
            results.append(PostgresStore(empty_database).migrate())
        except Exception as e:  # the outcome under test
            results.append(e)

    threads = [threading.Thread(target=boot) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [len(MIGRATIONS)] * 4
    with psycopg.connect(empty_database) as con:
        assert con.execute("SELECT version FROM reader_schema").fetchall() == [
            (len(MIGRATIONS),)]
    assert PostgresStore(empty_database).migrate() == len(MIGRATIONS)  # and again: nothing


def test_each_gallery_language_gets_its_configuration(pg_database_url):
    store = PostgresStore(pg_database_url)
    for lang, title in (("fr", "Les marchés de Noël"), ("en-GB", "Markets"),
                        ("xx", "Unknown tongue")):
        store.save(Gallery(title=title, lang=lang, items=[
            Item(position=1, caption="Étals illuminés sur la place.", credit="Agence")]))
    with psycopg.connect(pg_database_url) as con:
        configs = dict(con.execute(
            "SELECT g.lang, i.stems_config::text FROM items i "
            "JOIN galleries g ON g.id = i.gallery_id").fetchall())
        # The French configuration stems as PostgreSQL's French Snowball stemmer does,
        # after unaccent: the stems vector holds 'illumin', not the word as written.
        french = con.execute("SELECT i.stems::text FROM items i JOIN galleries g "
                             "ON g.id = i.gallery_id WHERE g.lang = 'fr'").fetchone()[0]
    assert configs == {"fr": "reader_french", "en-GB": "reader_english", "xx": "reader_simple"}
    assert "'illumin'" in french and "'etal'" in french
    # Matching stays on the words as written (folded), as SQLite's: no stem-only matches.
    assert search(store, "illumines").total == 3 and search(store, "illumin").total == 3
    assert search(store, "illuminer").total == 0


def test_an_unreachable_server_is_one_line_naming_the_database(tmp_path):
    url = f"postgresql://reader:hunter2@/library?host={tmp_path}/no-server"
    result = CliRunner().invoke(main, ["--instance", str(tmp_path / "i"), "list"],
                                env={"READER_DATABASE_URL": url})
    assert result.exit_code == 1
    assert result.output.startswith("reader: cannot reach the database "
                                    f"postgresql://reader@{tmp_path}/no-server/library: ")
    assert "hunter2" not in result.output and result.output.count("\n") == 1


def test_the_password_is_never_printed(tmp_path):
    url = "postgresql://reader:hunter2@db.example:5433/library"
    assert PostgresStore(url).where() == "postgresql://reader@db.example:5433/library"
    config = Config.load(tmp_path, environ={"READER_DATABASE_URL": url})
    [line] = [x for x in describe(config, environ={}) if x.startswith("database_url")]
    assert "hunter2" not in line and "reader:***@db.example" in line


def test_open_store_picks_postgresql_by_its_url(pg_database_url, tmp_path):
    store = open_store(tmp_path, pg_database_url)
    assert isinstance(store, PostgresStore) and not list(tmp_path.iterdir())


def test_a_lost_connection_is_a_503_once_then_a_fresh_one_is_used(postgres, pg_database_url):
    store = PostgresStore(pg_database_url)
    assert store.is_empty()  # leaves one idle connection for reuse
    name = pg_database_url.split("?")[0].rsplit("/", 1)[-1]
    killed = postgres.admin.execute(
        "SELECT count(pg_terminate_backend(pid, 60000)) FROM pg_stat_activity "
        "WHERE datname = %s",  # waits until the server process has ended
        (name,)).fetchone()[0]
    assert killed == 1
    with pytest.raises(StoreUnavailable) as e:
        store.is_empty()
    assert e.value.status == 503 and "lost the connection to the database" in str(e.value)
    assert store.is_empty()  # the dead connection was dropped; a new one works


def test_describe_choices_as_sqlite_keeps_them_on_main(pg_database_url):
    """Issue 18's store methods (SQLite's migration 6), mirrored for PostgreSQL ahead of the
    merge: a choice per gallery ('') and per description, kept through a re-save, cleared by
    None, gone with the gallery."""
    from reader.errors import NotFound

    store = PostgresStore(pg_database_url)
    g = store.save(Gallery(title="Harbour", lang="en", source="/h.txt", items=[
        Item(position=1, caption="Boats.", alt="A red boat.")]))
    store.set_describe(g.slug, "", True)
    store.set_describe(g.slug, "k" * 64, False)
    store.set_describe(g.slug, "", False)
    store.save(g)  # a re-import of the same source keeps the gallery, and its choices
    assert store.describe_choices(g.slug) == {"": False, "k" * 64: False}
    store.set_describe(g.slug, "k" * 64, None)
    assert store.describe_choices(g.slug) == {"": False}
    with pytest.raises(NotFound):
        store.set_describe("nonesuch", "", True)
    store.delete(g.slug)
    with psycopg.connect(pg_database_url) as con:
        assert con.execute("SELECT count(*) FROM speech_describe").fetchone()[0] == 0


def test_a_library_made_before_search_is_indexed_when_migrated(empty_database, monkeypatch):
    import reader.store.postgres as pg

    monkeypatch.setattr(pg, "MIGRATIONS", MIGRATIONS[:4])  # a reader from before search
    assert PostgresStore(empty_database).migrate() == 4
    with psycopg.connect(empty_database) as con:
        con.execute("""INSERT INTO galleries (id, slug, title, lang, created_at, updated_at)
                       VALUES (1, 'old', 'An old gallery', 'en', 'x', 'x')""")
        con.execute("""INSERT INTO items (gallery_id, position, caption, credit) VALUES
                       (1, 1, 'Snow on the Zürich tram lines.', 'Old Hand/Reader Desk')""")
    monkeypatch.setattr(pg, "MIGRATIONS", MIGRATIONS)
    store = PostgresStore(empty_database)
    assert store.migrate() == len(MIGRATIONS)
    assert [(h.slug, h.position) for h in search(store, "zurich").hits] == [("old", 1)]
    assert [(h.slug, h.position) for h in search(store, "old gallery").hits] == [("old", 1)]
