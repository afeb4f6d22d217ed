"""`reader import`, `list`, `show`, `delete`, end to end against a real SQLite file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from reader.store import Library
from tests.conftest import GALLERIES, SEED


def test_import_the_seed_then_list_show_delete(reader, instance):
    r = reader("import", SEED)
    assert r.exit_code == 0, r.output
    assert "13 photos" in r.output
    slug = Library.in_instance(instance).list()[0].slug

    r = reader("list")
    assert r.exit_code == 0 and slug in r.output and "13 photos" in r.output

    r = reader("show", slug)
    assert r.exit_code == 0
    assert r.output.count("Caption: ") == 13 and r.output.count("Description: ") == 12
    assert "Photo 13 of 13" in r.output

    r = reader("delete", slug)
    assert r.exit_code == 0
    assert Library.in_instance(instance).is_empty()
    r = reader("show", slug)
    assert r.exit_code == 1 and "no gallery" in r.output


def test_import_json_prints_one_document_per_line(reader):
    r = reader("import", "--json", SEED, GALLERIES / "13_latimes_eid_al_adha_2018.txt")
    assert r.exit_code == 0
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [len(d["items"]) for d in docs] == [13, 11]
    keys = {"slug", "title", "section", "date", "published", "standfirst", "body", "lang",
            "source", "warnings", "items"}
    assert all(set(d) == keys for d in docs)
    assert set(docs[0]["items"][0]) == {"position", "alt", "caption", "credit", "image",
                                        "speech"}
    assert docs[1]["warnings"] and docs[1]["warnings"][0]["line"] == 50


def test_reimport_updates_in_place(reader, instance, tmp_path):
    copy = tmp_path / "g.txt"
    shutil.copy(SEED, copy)
    assert reader("import", copy).exit_code == 0
    text = copy.read_text(encoding="utf-8")
    # Cut the text after its second-to-last caption: the gallery loses a photo.
    copy.write_text(text[: text.rstrip().rfind("\n")], encoding="utf-8")
    assert reader("import", copy).exit_code == 0
    [summary] = Library.in_instance(instance).list()
    assert summary.item_count == 12


def test_json_document_round_trips(reader, instance, tmp_path):
    r = reader("import", "--json", SEED)
    doc = json.loads(r.stdout)
    doc["title"] = doc["title"] + " (edited)"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert reader("import", path).exit_code == 0
    [summary] = Library.in_instance(instance).list()  # same source: updated, not duplicated
    assert summary.title.endswith("(edited)") and summary.item_count == 13


def test_bad_input_exits_1_names_the_file_and_line_and_changes_nothing(reader, instance,
                                                                       tmp_path):
    assert reader("import", SEED).exit_code == 0
    before = Library.in_instance(instance).get(Library.in_instance(instance).list()[0].slug)
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Title\n\nUna foto. [Agencia]\nDos años. [B]\n".encode("latin-1"))
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "x.bin").write_bytes(b"\x00")
    broken_json = tmp_path / "broken.json"
    broken_json.write_text('{"title": "T",\n "items": [\n  {"caption": 3}]}')
    for path, where in [(bad, f"{bad}:4:"), (junk, str(junk)),
                        (broken_json, "field 'items[0].caption'")]:
        r = reader("import", path)
        assert r.exit_code == 1
        assert where in r.stderr
        assert "Traceback" not in r.output
    lib = Library.in_instance(instance)
    assert len(lib.list()) == 1
    assert lib.get(before.slug) == before


def test_a_folder_imports_the_good_files_and_reports_the_bad(reader, instance, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "b.txt").write_bytes(b"")
    shutil.copy(GALLERIES / "03_aljazeera_turkey_syria_quake_one_month.txt", folder / "c.txt")
    r = reader("import", folder)
    assert r.exit_code == 1
    assert "b.txt: the file is empty" in r.stderr
    assert len(Library.in_instance(instance).list()) == 2


def test_the_installed_console_script_runs(instance):
    exe = shutil.which("reader", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "the reader console script is not installed"
    out = subprocess.run([exe, "--instance", str(instance), "import", str(SEED)],
                         capture_output=True, text=True, check=True)
    assert "13 photos" in out.stdout


def test_instance_can_follow_the_command_or_come_from_the_environment(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from reader.cli import main

    a, b = tmp_path / "a", tmp_path / "b"
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(SEED), "--instance", str(a)]).exit_code == 0
    monkeypatch.setenv("READER_INSTANCE", str(b))
    assert "empty" in runner.invoke(main, ["list"]).output
    assert "13 photos" in runner.invoke(main, ["list", "--instance", str(a)]).output


def test_images_with_a_folder_instead_of_a_text_is_refused_cleanly(reader, tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    for name in ("a.txt", "b.txt"):
        (texts / name).write_text("Title\n\nOne boat. [Agency]\n", encoding="utf-8")
    r = reader("import", texts, "--images", tmp_path)
    assert r.exit_code == 1
    assert str(texts) in r.stderr and "Traceback" not in r.output + r.stderr


def test_import_reports_what_it_read_per_file(reader, instance):
    from tests.test_import_layouts import LAYOUTS

    markers, bbc = LAYOUTS / "markers.txt", GALLERIES / "10_bbc_in_pictures_indonesia_volcanoes.txt"
    r = reader("import", markers, bbc)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[:5] == [
        f"imported floods-along-the-river from {markers} (en)",
        "  title: In pictures: Floods along the river",
        "  3 photos: 3 with a description, 1 with a credit",
        "  warning, line 10: photo has no credit",
        "  warning, line 22: photo has no credit",
    ]
    assert lines[5:9] == [
        f"imported volcanic-eruptions-in-indonesia from {bbc} (en)",
        "  title: In pictures: Volcanic eruptions in Indonesia",
        "  5 photos: 5 with a description, 0 with a credit",
        "  warning, line 7: no photo has a credit",
    ]
    assert lines[9] == ("  warning, line 30: the text stops here, before its last photo is "
                        "whole (cut off?); that photo ('Gianto stands on front of his house "
                        "destroyed b…') is not imported")
    assert "reader: warning" not in r.stderr  # said once, with its file
    assert lines[-1] == f"library: {instance / 'library.sqlite3'}"


def test_one_photo_is_one_photo(reader, tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("A single boat\n\nA boat sails at dawn. [Ana Lima/EPA]\n", encoding="utf-8")
    assert "  1 photo: 0 with a description, 1 with a credit" in reader("import", one).stdout
    assert "\t1 photo\t" in reader("list").stdout
