"""The one fixture the store conformance suite runs on: every implementation of
`reader.store.Store` is a parameter here, and nowhere else."""

from __future__ import annotations

import pytest

from reader.store import Library
from tests.store.memory import MemoryStore

IMPLEMENTATIONS = {
    "sqlite": lambda tmp_path: Library.in_instance(tmp_path / "instance"),  # a real file
    "memory": lambda tmp_path: MemoryStore(),  # test-only: proves the interface drops in
}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def store(request, tmp_path):
    return IMPLEMENTATIONS[request.param](tmp_path)
