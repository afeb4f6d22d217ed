"""Cost that does not grow with the gallery (issue 16): a single-photo page does the same
database work and sends the same bytes for a gallery of 13 photos as for one of 2,000; the
maximum number of photos is refused by every door; slugs for a shared title come from one
query.

Work is measured structurally, not by the clock: every SQLite virtual-machine instruction the
page's queries execute is counted (a progress handler called on each), so the oracle is
SQLite's own count, not our code's idea of what it read.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from reader.errors import InputError
from reader.model import MAX_PHOTOS, Gallery, Item
from reader.store.sqlite import SqliteStore


def gallery(title: str, photos: int, source: str | None = None) -> Gallery:
    return Gallery(title=title, source=source, lang="en", standfirst="What happened.",
                   items=[Item(position=n, caption=f"Caption of photo {n}, on the quay.",
                               credit=f"Photographer {n % 7}/Harbour Wire")
                          for n in range(1, photos + 1)])


@pytest.fixture
def counted(monkeypatch):
    """Counts SQLite VM instructions and statements run by every store connection."""
    counts = {"ops": 0, "statements": 0, "gallery_statements": 0}
    real = SqliteStore._connect

    def connect(self):
        con = real(self)

        def tick():
            counts["ops"] += 1
            return 0

        con.set_progress_handler(tick, 1)
        def trace(sql):
            counts["statements"] += 1
            if "galleries" in sql:  # not FTS5's own work on its tables (merges come and go)
                counts["gallery_statements"] += 1

        con.set_trace_callback(trace)
        return con

    monkeypatch.setattr(SqliteStore, "_connect", connect)
    return counts


def test_photo_page_work_and_bytes_do_not_grow_with_the_gallery(app, library, counted):
    small = library.save(gallery("Harbour morning", 13)).slug
    big = library.save(gallery("Harbour year", 2000)).slug
    client = app.test_client()
    client.get(f"/g/{small}/7")  # warm: the app's first request does one-off work

    def page(slug: str, n: int) -> tuple[int, int, bytes]:
        counted.update(ops=0, statements=0)
        response = client.get(f"/g/{slug}/{n}")
        assert response.status_code == 200
        return counted["ops"], counted["statements"], response.data

    ops_small, st_small, html_small = page(small, 7)
    ops_big, st_big, html_big = page(big, 1999)
    assert st_big == st_small
    # Same statements; the B-tree seeks may be a level deeper in the bigger table.
    assert ops_big <= ops_small * 1.1 + 50, (ops_small, ops_big)
    assert b"Caption of photo 1999" in html_big and b"Photo 1999 of 2000" in html_big
    # The same page but for its numbers: no list of the gallery's photos rides along.
    assert abs(len(html_big) - len(html_small)) < 200
    assert b"photo 1998" not in html_big.lower().replace(b"photo 1999", b"")


def test_a_photo_past_the_last_is_404(client, library):
    slug = library.save(gallery("Harbour morning", 3)).slug
    assert client.get(f"/g/{slug}/3").status_code == 200
    response = client.get(f"/g/{slug}/4")
    assert response.status_code == 404
    assert "has photos 1 to 3; there is no photo 4" in response.get_data(as_text=True)
    assert client.get("/g/no-such/1").status_code == 404


def test_more_than_the_maximum_is_refused_naming_the_source(library):
    with pytest.raises(InputError) as e:
        library.save(gallery("Too many", MAX_PHOTOS + 1, source="/data/too-many.txt"))
    assert "2,001 photos" in str(e.value) and "at most 2,000" in str(e.value)
    assert "/data/too-many.txt" in str(e.value)
    assert library.is_empty()
    assert library.save(gallery("Just enough", MAX_PHOTOS)).items[-1].position == MAX_PHOTOS


def test_text_import_over_the_maximum_is_refused(reader, tmp_path, library):
    lines = ["Too many photos", "", "A standfirst about the quay.", ""]
    for n in range(1, MAX_PHOTOS + 2):
        lines += [f"Fishermen mend nets on the quay, photo number {n}. [Ana Lima/Reuters]", ""]
    path = tmp_path / "too-many.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = reader("import", path)
    assert result.exit_code == 1
    assert str(path) in result.output and "at most 2,000" in result.output
    assert "Traceback" not in result.output
    assert library.is_empty()


def test_json_import_over_the_maximum_is_refused(reader, tmp_path, library):
    import json

    doc = {"title": "Too many", "items": [{"caption": f"Photo {n}."}
                                          for n in range(MAX_PHOTOS + 1)]}
    path = tmp_path / "too-many.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = reader("import", "--json", path)
    assert result.exit_code == 1
    assert str(path) in result.output and "2,001 photos" in result.output
    assert library.is_empty()


def test_shared_title_slugs_take_one_query_whatever_their_number(library, counted):
    slugs = [library.save(gallery("Harbour morning", 1)).slug for _ in range(30)]
    assert slugs[:3] == ["harbour-morning", "harbour-morning-2", "harbour-morning-3"]
    assert slugs[-1] == "harbour-morning-30"
    library.save(gallery("Harbour morning extra", 1))  # shares the prefix, not the title
    work = []
    for _ in range(2):
        counted.update(ops=0, statements=0, gallery_statements=0)
        saved = library.save(gallery("Harbour morning", 1))
        work.append(counted["gallery_statements"])
    assert saved.slug == "harbour-morning-32"
    assert work[0] == work[1]  # no probe per taken name


def test_bulk_import_frees_the_write_lock_between_galleries(library):
    """No transaction spans two galleries: each time save_many hands a gallery back, another
    connection can take the write lock at once (timeout 0) and sees that gallery stored."""
    probe = sqlite3.connect(library.path, timeout=0, isolation_level=None)
    try:
        seen = 0
        for g, error in library.save_many(gallery(f"Bulk {n}", 300) for n in range(4)):
            assert error is None
            probe.execute("BEGIN IMMEDIATE")  # raises "database is locked" if still held
            seen = probe.execute("SELECT count(*) FROM galleries").fetchone()[0]
            probe.execute("ROLLBACK")
            assert seen == int(re.sub(r"\D", "", g.title)) + 1
    finally:
        probe.close()


def test_photo_folder_over_the_maximum_is_refused_before_any_photo_is_read(tmp_path):
    from reader.importers.photos import load_photo_gallery

    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "gallery.txt").write_text("Too many photos\n", encoding="utf-8")
    for n in range(1, MAX_PHOTOS + 2):
        (folder / f"p{n:04d}.jpg").write_bytes(b"not read: refused before decoding")
    result = load_photo_gallery(folder, instance=tmp_path / "instance")
    assert result.gallery is None
    messages = [str(e) for e in result.errors]
    assert any("p2001.jpg" in m and "at most 2,000" in m for m in messages), messages


def test_a_static_export_writes_the_player_parts_once_not_into_every_page(app, tmp_path):
    """Every exported page used to carry the whole part list (an export quadratic in the
    gallery's size); now the pages point at one parts.js, and each is the same size."""
    import json

    from reader.web.export_site import export_site

    slug = app.extensions["library"].save(gallery("Harbour export", 24)).slug
    out = tmp_path / "site"
    export_site(app, slug, out)
    pages = {n: (out / "g" / slug / f"{n}.html").read_text(encoding="utf-8")
             for n in (2, 12, 23)}  # all with the four nav links
    script = f"../../listen/{slug}/parts.js"
    assert all(f'data-parts-script="{script}"' in p for p in pages.values())
    assert all("data:text/vtt" not in p for p in pages.values())
    assert max(map(len, pages.values())) - min(map(len, pages.values())) < 200
    text = (out / "listen" / slug / "parts.js").read_text(encoding="utf-8")
    data = json.loads(text.removeprefix("window.READER_LISTEN_PARTS = ").rstrip(";\n"))
    assert [p["n"] for p in data["parts"]] == list(range(25))
    # Its URLs are relative to the gallery's pages, and every file they name is exported.
    for part in data["parts"]:
        assert part["cues"].startswith("data:text/vtt;base64,")
        assert (out / "g" / slug / part["audio"]).resolve().is_file(), part["audio"]
