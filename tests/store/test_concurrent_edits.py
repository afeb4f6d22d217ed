"""Editors saving at the same moment from the same page version: exactly one wins, the others
are refused (409), nothing is lost. Real threads, a real SQLite file and a real PostgreSQL
database, repeated."""

from __future__ import annotations

import threading
from functools import partial

import pytest

from reader import editing
from reader.errors import EditConflict
from reader.model import Gallery, Item
from reader.store import Library
from reader.store.postgres import PostgresStore

ROUNDS = 20
EDITORS = 4


def _gallery() -> Gallery:
    return Gallery(title="Harbour", lang="en", source="/harbour.txt",
                   items=[Item(position=k, caption=f"Boat {k}.", credit="Agency")
                          for k in range(1, 7)])


def _race(actions) -> list[object]:
    """Run every action at once (a barrier releases them together); their results."""
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i):
        start.wait()
        try:
            results[i] = actions[i]()
        except Exception as e:  # the outcome under test
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request, tmp_path):
    lib = (Library.in_instance(tmp_path / "instance") if request.param == "sqlite" else
           PostgresStore(request.getfixturevalue("pg_database_url")))
    lib.save(_gallery())
    return lib


def test_four_editors_from_one_version_one_wins_three_get_409(library):
    slug = library.list()[0].slug
    for round_ in range(ROUNDS):
        before = library.get(slug)
        version = editing.gallery_version(before)

        results = _race([partial(editing.edit_item, library, slug, k + 1, version, alt=None,
                                 caption=f"Round {round_} by editor {k}.", credit="Agency")
                         for k in range(EDITORS)])
        won = [k for k, r in enumerate(results) if isinstance(r, Gallery)]
        lost = [r for r in results if isinstance(r, EditConflict)]
        assert len(won) == 1 and len(lost) == EDITORS - 1, (round_, results)
        assert all(e.status == 409 for e in lost)
        after = library.get(slug)
        # The winner's edit is there; every other photo is exactly as it was before the round.
        winner = won[0]
        for k, item in enumerate(after.items):
            expected = (f"Round {round_} by editor {k}." if k == winner
                        else before.items[k].caption)
            assert item.caption == expected, (round_, k)


def test_a_delete_racing_edits_from_one_version_never_brings_the_photo_back(library):
    slug = library.list()[0].slug
    for round_ in range(ROUNDS // 2):
        before = library.get(slug)
        if len(before.items) < EDITORS:  # every editor needs a photo of its own
            library.save(_gallery())
            before = library.get(slug)
        version = editing.gallery_version(before)
        actions = [partial(editing.delete_item, library, slug, 1, version)] + [
            partial(editing.edit_item, library, slug, k + 1, version, alt=None,
                    caption=f"Edited in round {round_}.", credit=None)
            for k in range(1, EDITORS)]
        results = _race(actions)
        assert sum(isinstance(r, Gallery) for r in results) == 1, (round_, results)
        assert sum(isinstance(r, EditConflict) for r in results) == EDITORS - 1, (round_, results)
        after = library.get(slug)
        if isinstance(results[0], Gallery):  # the delete won: one photo fewer, rest as before
            assert [i.caption for i in after.items] == [i.caption for i in before.items[1:]]
        else:  # an edit won: the deleted photo was never deleted
            assert len(after.items) == len(before.items)
