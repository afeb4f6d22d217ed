"""A source is one gallery however its path is written: relative, absolute, through "..",
or (a text file) through a symbolic link to the same file. (A symbolic link to a folder of
photos is refused on purpose, see README "Photos".)"""

from __future__ import annotations

import pytest

from tests.conftest import SEED
from tests.photofiles import jpeg, scene


@pytest.fixture
def sources(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "seed.txt").write_bytes(SEED.read_bytes())
    photos = tmp_path / "photos"
    photos.mkdir()
    for n, colour in enumerate([(200, 40, 40), (40, 200, 40)], start=1):
        (photos / f"{n}.jpg").write_bytes(jpeg(scene((64, 48), colour)))
    return tmp_path


@pytest.mark.parametrize("relative, other_spellings", [
    ("texts/seed.txt", ["{root}/texts/seed.txt", "texts/../texts/seed.txt", "link.txt"]),
    ("photos", ["{root}/photos", "./photos/", "{root}/texts/../photos"]),
])
def test_one_source_by_any_path_is_one_gallery(sources, reader, library, monkeypatch,
                                               relative, other_spellings):
    monkeypatch.chdir(sources)
    (sources / "link.txt").symlink_to(sources / "texts" / "seed.txt")
    first = reader("import", relative)
    assert first.exit_code == 0, first.output
    [before] = library.list()
    for spelling in other_spellings:
        again = reader("import", spelling.format(root=sources))
        assert again.exit_code == 0, (spelling, again.output)
        assert [s.slug for s in library.list()] == [before.slug], spelling
