"""Issue 15, findings 5 and 6: one input validator for every way in, and the CLI never
printing raw control characters. Real files, the real CLI and the real app.

The oracle for "refused" is the library file itself: unchanged (its dump compared), and for
the EPUB, Python's XML parser (XML 1.0 forbids the control characters refused here).
"""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from reader.store import LIBRARY_FILE, Library
from tests.security.conftest import form_token, sample_gallery, snapshot


def doc(**over) -> dict:
    d = {"title": "Harbour at dawn", "lang": "en",
         "items": [{"caption": "Boats come home.", "credit": "Ana Lima/Reuters"}]}
    d.update(over)
    return d


def write(tmp_path, text: str, name: str = "doc.json"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    return p


def refused(reader, library, path, *needles: str) -> str:
    before = snapshot(library)
    out = reader("import", "--json", path)
    assert out.exit_code == 1, out.output
    line = out.output.strip().splitlines()[-1]
    assert str(path) in line and all(n in line for n in needles), line
    assert "\x1b" not in out.output
    assert snapshot(library) == before
    return line


def test_json_with_an_escape_sequence_is_refused_like_a_text(reader, library, tmp_path):
    p = write(tmp_path, json.dumps(doc(items=[{"caption": "Boats \u001b[2J come home."}])))
    refused(reader, library, p, "items[0].caption", "U+001B")
    p = write(tmp_path, json.dumps(doc(title="Harbour \u009b31m")), "c1.json")
    refused(reader, library, p, "title", "U+009B")


def test_json_with_a_lone_surrogate_is_refused(reader, library, tmp_path):
    p = write(tmp_path, '{"title": "Harbour \\ud800", "items": [{"caption": "A boat."}]}')
    refused(reader, library, p, "title", "surrogate")


def test_json_nested_100000_levels_is_refused_not_a_crash(reader, library, tmp_path):
    p = write(tmp_path, '{"title": "x", "items": ' + "[" * 100_000 + "]" * 100_000 + "}")
    refused(reader, library, p, "nested too deeply")
    deep: dict = {}
    for _ in range(12):
        deep = {"a": deep}
    p = write(tmp_path, json.dumps(doc(extra=deep)), "deep.json")
    refused(reader, library, p, "nested too deeply")


def test_a_300_character_slug_from_json_is_refused(reader, library, tmp_path):
    p = write(tmp_path, json.dumps(doc(slug="a" * 300)))
    refused(reader, library, p, "slug", "at most 80")


def test_a_caption_too_long_is_refused(reader, library, tmp_path):
    p = write(tmp_path, json.dumps(doc(items=[{"caption": "word " * 5000}])))
    refused(reader, library, p, "items[0].caption", "at most 20,000")


def test_the_editor_form_refuses_control_characters(signed_in, app, stored):
    library = app.extensions["library"]
    from reader.editing import gallery_version

    before = snapshot(library)
    token = form_token(signed_in, f"/edit/g/{stored.slug}/1")
    r = signed_in.post(f"/edit/g/{stored.slug}/1", data={
        "csrf_token": token, "version": gallery_version(library.get(stored.slug)),
        "alt": "", "caption": "Boat one\x07 rings.", "credit": "A/B"})
    assert r.status_code == 400
    assert "U+0007" in r.get_data(as_text=True)
    assert snapshot(library) == before


def test_an_uploaded_json_with_a_surrogate_is_the_readers_own_400(signed_in, app):
    body = b'{"title": "Harbour \\udfff", "items": [{"caption": "A boat."}]}'
    token = form_token(signed_in, "/edit/import")
    r = signed_in.post("/edit/import", data={"csrf_token": token,
                                             "file": (io.BytesIO(body), "doc.json")},
                       content_type="multipart/form-data")
    assert r.status_code == 400
    assert "surrogate" in r.get_data(as_text=True)


def test_the_cli_never_prints_raw_control_characters(reader, instance):
    """A library written before the validator (or by hand) may hold escape sequences:
    `reader list/show/search` show them escaped, and JSON output stays valid JSON."""
    lib = Library.in_instance(instance)
    slug = lib.save(sample_gallery("Harbour at dawn")).slug
    con = sqlite3.connect(instance / LIBRARY_FILE)
    with con:
        con.execute("UPDATE galleries SET title = ?", ("Harbour\x1b]0;pwned\x07 at dawn\x9b2J",))
        con.execute("UPDATE items SET caption = ?, credit = ?",
                    ("Boat\x1b[2J number \u202eone", "Photo\x1b[31mgrapher"))
    con.close()
    for args in (["list"], ["show", slug], ["search", "boat"], ["show", slug, "--json"],
                 ["search", "boat", "--json"]):
        out = reader(*args)
        assert out.exit_code == 0, (args, out.output)
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in out.output, (args, repr(out.output[:300]))
    shown = reader("show", slug).output
    assert "\\x1b" in shown and "\\u202e" in shown
    for line in reader("show", slug, "--json").output.split("\n\n"):
        if line.strip():
            assert json.loads(line)["title"].startswith("Harbour\x1b")


@pytest.mark.parametrize("char", ["\x0b", "\x7f"])
def test_the_text_importer_and_json_refuse_the_same(reader, library, tmp_path, char):
    text = write(tmp_path, f"Harbour at dawn\n\nBoats come{char} home.\n", "g.txt")
    assert reader("import", text).exit_code == 1
    p = write(tmp_path, json.dumps(doc(standfirst=f"Boats come{char} home.")))
    refused(reader, library, p, "standfirst")
