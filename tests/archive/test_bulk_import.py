"""`reader import DIR`: many files, batched, a progress bar, errors listed at the end."""

from __future__ import annotations

import pytest

from reader.model import Gallery, Item
from reader.search import search
from tests.archive.texts import HARBOUR, MARKET, gallery_text, write

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


def test_good_files_are_stored_and_bad_ones_listed_at_the_end(reader, library, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    write(folder, "a-market.txt", MARKET)
    write(folder, "b-empty.txt", "")
    write(folder, "c-harbour.txt", HARBOUR)
    write(folder, "d-no-photos.txt", "Photos: Nothing here\n\nJust an introduction.\n")
    (folder / "e-latin1.txt").write_bytes("Café on the quay. [A B/EPA]\n".encode("latin-1"))
    for n in range(5):
        write(folder, f"f-{n}.txt", gallery_text(f"Photos: Extra {n}",
                                                   [(None, f"Extra caption {n}.", "A B/EPA")]))
    result = reader("import", folder)
    assert result.exit_code == 1
    assert "imported 7 of 10 files (10 photos)" in result.stdout
    err = result.stderr.splitlines()
    tail = err[err.index("reader: 3 could not be imported:"):]
    assert len(tail) == 4
    assert tail[1].startswith(f"reader: {folder / 'b-empty.txt'}") and "empty" in tail[1]
    assert tail[2].startswith(f"reader: {folder / 'd-no-photos.txt'}")
    assert tail[3].startswith(f"reader: {folder / 'e-latin1.txt'}:1") and "UTF-8" in tail[3]
    assert "Traceback" not in result.output
    assert len(library.list()) == 7
    assert search(library, "besancon").total == 1


def test_a_clean_folder_exits_0_and_reimport_updates_in_place(reader, library, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for n in range(450):  # more than two batches
        write(folder, f"{n:03d}.txt", gallery_text(f"Photos: Day {n}",
                                                    [(None, f"Morning {n} at the pier.",
                                                      "A B/EPA")]))
    first = reader("import", folder)
    assert first.exit_code == 0, first.output
    assert "imported 450 of 450 files (450 photos)" in first.stdout
    assert "Importing" in first.stderr  # the progress bar's label (no terminal here)
    again = reader("import", folder)
    assert again.exit_code == 0
    assert len(library.list()) == 450
    assert search(library, "pier").total == 450
    assert reader("import", "--verbose", folder).stdout.count("imported day-") == 450


def test_a_bad_gallery_in_a_batch_is_rolled_back_alone(library):
    galleries = [
        Gallery(title="First", lang="en", items=[Item(1, "One.")]),
        Gallery(title="Bad slug", slug="Not A Slug", lang="en", items=[Item(1, "Two.")]),
        Gallery(title="No photos", lang="en"),
        Gallery(title="Last", lang="en", items=[Item(1, "Three.")]),
    ]
    outcome = [(g.title, e is None) for g, e in library.save_many(galleries, batch_size=10)]
    assert outcome == [("First", True), ("Bad slug", False), ("No photos", False),
                       ("Last", True)]
    assert sorted(s.slug for s in library.list()) == ["first", "last"]


def test_a_missing_path_and_an_empty_folder_are_reported(reader, tmp_path):
    (tmp_path / "empty").mkdir()
    result = reader("import", tmp_path / "empty", tmp_path / "nowhere.txt")
    assert result.exit_code == 1
    assert "holds no gallery texts" in result.stderr
    assert "nowhere.txt: no such file or folder" in result.stderr


def test_parsing_in_worker_processes_gives_the_same_outcome(reader, library, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for n in range(12):
        write(folder, f"{n:02d}.txt", gallery_text(f"Photos: Day {n}",
                                                    [(None, f"Dusk {n} on the quay.", "A B/EPA")]))
    (folder / "99-binary.txt").write_bytes(b"Caption\x00 here [A/EPA]\n")
    result = reader("import", "--jobs", "2", folder)
    assert result.exit_code == 1
    assert "imported 12 of 13 files (12 photos)" in result.stdout
    assert f"reader: {folder / '99-binary.txt'}:1: this is a binary file" in result.stderr
    assert search(library, "quay").total == 12
