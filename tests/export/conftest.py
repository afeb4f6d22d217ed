"""One real library (the seed gallery and the project's sample with its drawn photos), and
its exports made once for the whole module through the real `reader export` commands, with
the real speech engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.importers import parse_source
from reader.sample import load_sample
from reader.store import Library
from tests.conftest import SEED, Reader


@dataclass
class Exports:
    instance: Path
    library: Library
    seed: object  # Gallery
    sample: object
    epub: dict[str, Path]  # "seed"/"sample" -> the book
    site: dict[str, Path]  # "seed"/"sample" -> the site folder

    def gallery(self, which: str):
        return self.seed if which == "seed" else self.sample


@pytest.fixture(scope="session")
def exports(tmp_path_factory) -> Exports:
    instance = tmp_path_factory.mktemp("export-instance")
    out = tmp_path_factory.mktemp("exports")
    library = Library.in_instance(instance)
    seed = library.save(parse_source(SEED.read_bytes(), str(SEED)))
    sample = load_sample(library, instance)
    assert any(it.image for it in sample.items), "the sample gallery should have its photos"
    run = Reader(instance)
    made = Exports(instance, library, seed, sample, {}, {})
    for which, g in (("seed", seed), ("sample", sample)):
        book = out / f"{which}.epub"
        result = run("export", "epub", g.slug, book)
        assert result.exit_code == 0, result.output
        assert f"{len(g.items)} with synchronised audio" in result.output
        made.epub[which] = book
        folder = out / f"{which}-site"
        result = run("export", "site", g.slug, folder)
        assert result.exit_code == 0, result.output
        n = len(g.items)  # every photo is spoken once, whatever other MP3s the site holds
        assert f"({n} of {n} photos with spoken audio)" in result.output
        made.site[which] = folder
    return made
