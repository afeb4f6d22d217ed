"""The exact speech script of every photo of the seed and of ../shared/galleries/, held in
reviewed data files (tests/speech/scripts/, see script_data.py for how they are held and
regenerated)."""

from __future__ import annotations

import json

import pytest

from tests.speech.script_data import DATA, actual, expected, load, sources

HELD = sorted(DATA.glob("*.json"))
BY_SOURCE = {p.stem: p for p in HELD}


@pytest.mark.parametrize("held", HELD, ids=[p.stem for p in HELD])
def test_every_photo_is_said_exactly_as_reviewed(held):
    data = json.loads(held.read_text(encoding="utf-8"))
    source = next(s for s in sources() if s.name == data["source"])
    gallery = load(source)
    assert gallery is not None, f"{source.name} no longer imports"
    assert gallery.lang == data["lang"]
    assert len(gallery.items) == len(data["items"]), \
        f"{source.name}: the importer now reads {len(gallery.items)} photos; regenerate"
    want, got = expected(gallery, data), actual(gallery)
    assert got["introduction"] == want["introduction"]
    assert got["chapters"] == want["chapters"]
    for n, (w, g) in enumerate(zip(want["items"], got["items"], strict=True), start=1):
        assert g["script"] == w["script"], f"photo {n}"
        assert g["described"] == w["described"], f"photo {n}, descriptions on"


def test_every_gallery_that_imports_has_reviewed_scripts():
    missing = [s.name for s in sources() if load(s) is not None and s.stem not in BY_SOURCE]
    assert not missing, ("no reviewed scripts for " + ", ".join(missing) +
                         ": run `.venv/bin/python -m tests.speech.script_data NAME` and "
                         "read the new file")


def test_the_held_scripts_cover_the_seed_and_most_shared_galleries():
    assert "000_81ea2f918b0fddc5" in BY_SOURCE
    assert len(HELD) >= 6
