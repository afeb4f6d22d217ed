"""Importing photo folders and zips, and attaching photos to a gallery text: order, gallery text,
fields in the right place, re-import in place, and nothing half-stored."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from reader.importers.photos import load_photo_gallery
from reader.model import StoredImage
from reader.store import MIGRATIONS, Library
from tests import photofiles as pf


def photo(n: int, **xmp) -> bytes:
    return pf.jpeg(pf.scene((900, 600), colour=(40 * n, 80, 120)),
                   xmp=pf.xmp_packet(**xmp) if xmp else None,
                   exif=pf.exif_bytes(description=f"EXIF caption {n}", artist="Exif Artist"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "harbour-at-night"
    d.mkdir()
    (d / "photo-10.jpg").write_bytes(photo(3, alt="Alt ten", description="Caption ten",
                                           creators=["Bo Li"], credit="Desk"))
    (d / "photo-2.jpg").write_bytes(photo(2, alt="Alt two", description="Caption two"))
    (d / "photo-1.jpg").write_bytes(photo(1))  # only EXIF words
    return d


def test_folder_import_orders_by_name_numbers_as_numbers(folder, reader, instance):
    res = reader("import", folder, "--jobs", "1", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["title"] == "Harbour at night"  # from the folder's name
    assert [(i["caption"], i["alt"], i["credit"]) for i in doc["items"]] == [
        ("EXIF caption 1", None, "Exif Artist"),
        ("Caption two", "Alt two", "Exif Artist"),
        ("Caption ten", "Alt ten", "Bo Li/Desk"),
    ]
    assert doc["source"] == str(folder.resolve())


def test_gallery_text_and_order_file(folder, reader, instance):
    (folder / "gallery.txt").write_text(
        "Lamps along the\nsea wall\n\nThree volunteers light them by hand.\n\n"
        "First body paragraph.\n\nSecond one.\n", encoding="utf-8")
    (folder / "order.txt").write_text("# editor's order\nphoto-10.jpg\nphoto-1.jpg  # lead\n"
                                      "missing.jpg\n", encoding="utf-8")
    res = reader("import", folder, "--jobs", "1", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["title"] == "Lamps along the sea wall"
    assert doc["standfirst"] == "Three volunteers light them by hand."
    assert doc["body"] == ["First body paragraph.", "Second one."]
    assert [i["caption"] for i in doc["items"]] == ["Caption ten", "EXIF caption 1",
                                                    "Caption two"]
    messages = [w["message"] for w in doc["warnings"]]
    assert f"{folder}/order.txt line 4: no photo called 'missing.jpg' (or it was refused); " \
           "ignored" in messages
    assert "photo-2.jpg: not listed in order.txt; placed after the listed photos" in messages


def test_zip_with_a_top_folder_imports_like_the_folder(folder, tmp_path, reader):
    z = tmp_path / "night.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"harbour-at-night/{p.name}")
    res = reader("import", z, "--jobs", "2", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["title"] == "Night"
    assert [i["caption"] for i in doc["items"]] == ["EXIF caption 1", "Caption two",
                                                    "Caption ten"]


def test_reimport_updates_in_place_and_shares_stored_files(folder, reader, instance):
    first = json.loads(reader("import", folder, "--jobs", "1", "--json").stdout)
    (folder / "photo-2.jpg").unlink()
    second = json.loads(reader("import", folder, "--jobs", "1", "--json").stdout)
    assert second["slug"] == first["slug"]
    lib = Library.in_instance(instance)
    assert [s.slug for s in lib.list()] == [first["slug"]]
    assert len(lib.get(first["slug"]).items) == 2
    originals = list((instance / "images" / "originals").rglob("*"))
    assert len([p for p in originals if p.is_file()]) == 3  # stored once each, kept


TEXT = """Photos: Lamps on the wall

Volunteers light the harbour lamps.

A lamp on the wall at dusk
The first lamp is lit. [Maren Holt/Reader Sample]
The second lamp is lit. [Reader Sample]
"""


def test_attach_photos_to_a_gallery_text(folder, tmp_path, reader, instance):
    text = tmp_path / "lamps.txt"
    text.write_text(TEXT, encoding="utf-8")
    (folder / "photo-10.jpg").unlink()
    res = reader("import", text, "--images", folder, "--jobs", "1", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    items = doc["items"]
    # the text's words win; the photo's metadata fills only the missing alt text
    assert [(i["caption"], i["alt"], i["credit"]) for i in items] == [
        ("The first lamp is lit.", "A lamp on the wall at dusk", "Maren Holt/Reader Sample"),
        ("The second lamp is lit.", "Alt two", "Reader Sample"),
    ]
    g = Library.in_instance(instance).get(doc["slug"])
    assert all(it.image for it in g.items)


def test_attach_refuses_when_the_counts_differ_and_stores_nothing(folder, tmp_path, reader,
                                                                    instance):
    text = tmp_path / "lamps.txt"
    text.write_text(TEXT, encoding="utf-8")
    res = reader("import", text, "--images", folder)
    assert res.exit_code == 1
    assert (f"{text}: the text has 2 photos but {folder} holds 3 photo files (photo-1.jpg, "
            "photo-2.jpg, photo-10.jpg); photos are paired with the text's items in order, so "
            "the counts must be equal") in res.stderr
    assert Library.in_instance(instance).is_empty()


def test_attach_refuses_when_a_photo_is_bad(folder, tmp_path, reader, instance):
    text = tmp_path / "lamps.txt"
    text.write_text(TEXT, encoding="utf-8")
    (folder / "photo-2.jpg").unlink()
    (folder / "photo-10.jpg").write_text("not a photo")
    res = reader("import", text, "--images", folder, "--jobs", "1")
    assert res.exit_code == 1
    assert f"{folder}/photo-10.jpg: is named as a JPEG photo but is a text file" in res.stderr
    assert "1 of 2 photos could not be used" in res.stderr
    assert Library.in_instance(instance).is_empty()


def test_a_failed_transaction_leaves_the_stored_gallery_and_files_whole(folder, instance):
    lib = Library.in_instance(instance)
    result = load_photo_gallery(folder, instance=instance, jobs=1)
    lib.save(result.gallery, images=result.images)
    before = lib.get(result.gallery.slug)

    # A second save whose image record breaks the table's rules after the gallery row and its
    # items were written in the same transaction: all of it must roll back.
    again = load_photo_gallery(folder, instance=instance, jobs=1)
    again.gallery.items = again.gallery.items[:1]
    bad = StoredImage(key="f" * 64, format="JPEG", width=0, height=10, size=5)
    with pytest.raises(sqlite3.IntegrityError):
        lib.save(again.gallery, images=[*again.images, bad])
    assert lib.get(before.slug) == before
    assert set(lib.images(it.image for it in before.items)) == {it.image for it in before.items}
    with sqlite3.connect(lib.path) as con:
        assert con.execute("SELECT count(*) FROM images WHERE key = ?", ("f" * 64,)
                           ).fetchone()[0] == 0

    # An item pointing at an image that was never stored is refused too, with nothing kept.
    again.gallery.items[0].image = "e" * 64
    with pytest.raises(Exception, match="no stored image"):
        lib.save(again.gallery, images=[])
    assert lib.get(before.slug) == before


def test_half_written_derivatives_from_a_crash_are_rebuilt(folder, instance):
    from reader.images.storage import ImageStore

    result = load_photo_gallery(folder, instance=instance, jobs=1)
    store = ImageStore(instance)
    key = result.images[0].key
    # What a crash mid-build leaves: a stray temporary file, no manifest, a missing width.
    (store.derived_dir(key) / ".partial-480.jpg").write_bytes(b"half")
    store.manifest_path(key).unlink()
    (store.derived_dir(key) / "480.jpg").unlink()
    load_photo_gallery(folder, instance=instance, jobs=1)
    assert (store.derived_dir(key) / "480.jpg").stat().st_size > 1000
    assert store.manifest_path(key).exists()


def test_schema_2_migrates_a_library_made_before_photos(tmp_path):
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    con.execute("INSERT INTO galleries (slug, title, lang, created_at, updated_at) "
                "VALUES ('old', 'Old one', 'en', 'x', 'x')")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    lib = Library(path)
    assert lib.migrate() == len(MIGRATIONS) >= 2
    assert lib.get("old").title == "Old one"
    assert lib.images(["a" * 64]) == {}
