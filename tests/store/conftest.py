"""The one fixture the store conformance suite runs on: every implementation of
`reader.store.Store` is a parameter here, and nowhere else."""

from __future__ import annotations

import pytest

from reader.store import Library
from reader.store.postgres import PostgresStore
from tests.store.memory import MemoryStore

IMPLEMENTATIONS = {
    "sqlite": lambda request, tmp_path: Library.in_instance(tmp_path / "instance"),  # a file
    "memory": lambda request, tmp_path: MemoryStore(),  # test-only: the interface drops in
    # a fresh database on the session's real PostgreSQL server (tests/pg.py)
    "postgresql": lambda request, tmp_path: PostgresStore(
        request.getfixturevalue("pg_database_url")),
}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def store(request, tmp_path):
    return IMPLEMENTATIONS[request.param](request, tmp_path)


@pytest.fixture
def pg_database_url(postgres):
    """A fresh PostgreSQL database for the `store` fixture's postgresql parameter."""
    url = postgres.new_database()
    yield url
    postgres.drop_database(url)
