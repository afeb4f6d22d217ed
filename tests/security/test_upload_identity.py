"""The same gallery imported from the command line and then uploaded in the editor (same file
name): two galleries by design (README, "Importing gallery texts"), never an overwrite, and
the editor is told at once which gallery it duplicates."""

from __future__ import annotations

import io

from reader.cli import main
from tests.conftest import SEED
from tests.security.test_editor import post


def test_cli_then_upload_of_the_same_file_is_a_second_gallery_named_as_such(
        signed_in, library, instance):
    from click.testing import CliRunner

    r = CliRunner().invoke(main, ["--instance", str(instance), "import", str(SEED)])
    assert r.exit_code == 0, r.output
    [first] = library.list()
    before = library.get(first.slug)

    r = post(signed_in, "/edit/import", {"file": (io.BytesIO(SEED.read_bytes()), SEED.name)},
             content_type="multipart/form-data")
    assert r.status_code == 303
    second = r.headers["Location"].split("/")[-2]
    assert second != first.slug
    assert library.get(first.slug) == before  # untouched
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert (f"The library already had a gallery with this title ({first.slug}); this import "
            "is a separate gallery. If they are the same, delete one.") in page


def test_two_unrelated_uploads_with_one_file_name_are_two_galleries_without_a_notice(
        signed_in, library):
    texts = ["Harbour at dawn\n\nA boat leaves. [Ana Lima/EPA]\n",
             "Market at noon\n\nA stall opens. [Tom Weiss/AFP]\n"]
    pages = []
    for text in texts:
        r = post(signed_in, "/edit/import", {"file": (io.BytesIO(text.encode()), "gallery.txt")},
                 content_type="multipart/form-data")
        assert r.status_code == 303
        pages.append(signed_in.get(r.headers["Location"]).get_data(as_text=True))
    assert sorted(s.title for s in library.list()) == ["Harbour at dawn", "Market at noon"]
    assert not any("already had a gallery" in p for p in pages)
    assert "Imported “Harbour at dawn”: 1 photo." in pages[0]
