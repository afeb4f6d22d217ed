"""The editor in the browser's place: import, edit, reorder, delete, with accessible errors."""

from __future__ import annotations

import io

import pytest

from reader.editing import gallery_version
from reader.model import Gallery, Item
from tests.conftest import SEED
from tests.security.conftest import csrf_from, form_token, snapshot

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL

TEXT = """Evening at the harbour
The fishing boats return as the light goes.
A red boat with nets piled at its stern.
The first boat comes in past the breakwater. [Mira Holm/Harbour Press]
Gulls over the quay at dusk.
Gulls follow the boats to the quay. [Tom Reyes/Harbour Press]
"""


@pytest.fixture
def library(app):
    return app.extensions["library"]


def post(client, url, data, page=None, **kw):
    token = form_token(client, page or "/edit/")
    return client.post(url, data={**data, "csrf_token": token}, **kw)


def test_import_pasted_text(signed_in, library):
    r = post(signed_in, "/edit/import", {"text": TEXT})
    assert r.status_code == 303
    g = library.get(r.headers["Location"].split("/")[-2])
    assert g.title == "Evening at the harbour"
    assert [i.credit for i in g.items] == ["Mira Holm/Harbour Press", "Tom Reyes/Harbour Press"]
    assert g.source is None
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert "Imported “Evening at the harbour”: 2 photos." in page
    # Pasting it again makes a second gallery, never overwriting the first.
    r2 = post(signed_in, "/edit/import", {"text": TEXT})
    assert r2.headers["Location"] != r.headers["Location"]
    assert len(library.list()) == 2


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed texts are not checked out")
def test_import_an_uploaded_real_gallery_text(signed_in, library):
    r = post(signed_in, "/edit/import", {"file": (io.BytesIO(SEED.read_bytes()), SEED.name)},
             content_type="multipart/form-data")
    assert r.status_code == 303
    g = library.get(r.headers["Location"].split("/")[-2])
    assert len(g.items) > 5 and all(i.caption for i in g.items)


@pytest.mark.parametrize("data, field, message", [
    ({"text": ""}, "text", "Paste a gallery text, or choose a file to upload"),
    ({"text": "Just a title\nand a line with no credit\n"}, "text",
     "The pasted text: no photos found"),
    ({"file": (io.BytesIO(b"\xff\xfe\x00bad"), "bad.txt")}, "file", "Bad.txt"),
    ({"file": (io.BytesIO(b"x"), "photo.jpg")}, "file",
     "choose one of: gallery texts (.txt), gallery documents (.json) or zips of photos"),
    ({"file": (io.BytesIO(b"PK\x03\x04"), "photos.zip")}, "file",
     "not a readable zip archive"),
    ({"text": TEXT, "file": (io.BytesIO(TEXT.encode()), "g.txt")}, "file",
     "Paste a text or choose a file, not both"),
])
def test_import_errors_are_tied_to_the_field_and_store_nothing(signed_in, library, data,
                                                               field, message):
    before = snapshot(library)
    # A fresh file object for each run (the parameters are shared by both stores' runs).
    data = {k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v
            for k, v in data.items()}
    r = post(signed_in, "/edit/import", data, content_type="multipart/form-data")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "<title>Error: Import a gallery" in page
    assert f'<a href="#{field}">' in page and message in page
    assert f'id="{field}-error"' in page and f'{field}-error" aria-invalid="true"' in page
    assert 'class="error-summary" aria-labelledby="error-summary-title" tabindex="-1" ' \
           'autofocus' in page
    assert snapshot(library) == before


def test_an_uploaded_document_never_replaces_a_gallery(signed_in, library, stored):
    import json

    doc = {"title": "Same slug", "slug": stored.slug, "items": [{"caption": "Other."}]}
    before = snapshot(library)
    r = post(signed_in, "/edit/import", {"file": (io.BytesIO(json.dumps(doc).encode()),
                                                   "doc.json")},
             content_type="multipart/form-data")
    assert r.status_code == 400
    assert f"already has a gallery at “{stored.slug}”" in r.get_data(as_text=True)
    assert snapshot(library) == before
    # and two uploads of files with the same name are two galleries
    for _ in range(2):
        r = post(signed_in, "/edit/import", {"file": (io.BytesIO(TEXT.encode()), "g.txt")},
                 content_type="multipart/form-data")
        assert r.status_code == 303
    assert len(library.list()) == 3


def test_the_zip_hook_is_used_when_the_photos_feature_registers_it(app, signed_in, library):
    seen = []

    def zip_importer(data: bytes, name: str) -> tuple[Gallery, dict]:
        seen.append((data, name))
        return Gallery(title="From a zip", lang="en",
                       items=[Item(1, "A photo from the zip.", "A/B")]), {}

    app.extensions["zip_importer"] = zip_importer
    r = post(signed_in, "/edit/import", {"file": (io.BytesIO(b"PK\x03\x04..."), "g.zip")},
             content_type="multipart/form-data")
    assert r.status_code == 303 and seen == [(b"PK\x03\x04...", "g.zip")]
    assert library.get("from-a-zip").items[0].caption == "A photo from the zip."


def test_edit_a_photo_and_tell_listeners(app, signed_in, library, stored):
    changed = []
    app.extensions["gallery_changed"] = [changed.append]
    form = signed_in.get(f"/edit/g/{stored.slug}/2").get_data(as_text=True)
    assert 'id="caption" name="caption" rows="4" required' in form
    r = signed_in.post(f"/edit/g/{stored.slug}/2", data={
        "csrf_token": csrf_from(form), "version": gallery_version(library.get(stored.slug)),
        "alt": "  Two boats,\r\nside by side.  ", "caption": "Boat two, renamed.",
        "credit": ""})
    assert r.status_code == 303 and r.headers["Location"].endswith("#photo-2")
    item = library.get(stored.slug).items[1]
    assert (item.alt, item.caption, item.credit) == ("Two boats, side by side.",
                                                     "Boat two, renamed.", None)
    assert changed == [stored.slug]
    # the reading pages show it at once
    assert "Boat two, renamed." in signed_in.get(f"/g/{stored.slug}/2").get_data(as_text=True)


def test_an_empty_caption_is_refused_with_the_text_kept(signed_in, library, stored):
    before = snapshot(library)
    version = gallery_version(library.get(stored.slug))
    r = post(signed_in, f"/edit/g/{stored.slug}/1", {
        "version": version, "alt": "kept description", "caption": "  ", "credit": "kept"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert '<a href="#caption">Enter some text</a>' in page
    assert "kept description</textarea>" in page and 'value="kept"' in page
    assert snapshot(library) == before


def test_an_edit_against_an_older_version_is_refused(signed_in, library, stored):
    old = gallery_version(library.get(stored.slug))
    assert post(signed_in, f"/edit/g/{stored.slug}/1", {
        "version": old, "caption": "First edit.", "alt": "", "credit": ""}).status_code == 303
    before = snapshot(library)
    r = post(signed_in, f"/edit/g/{stored.slug}/1", {
        "version": old, "caption": "Second, stale edit.", "alt": "", "credit": ""})
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Someone else changed this gallery" in page and "Second, stale edit." in page
    assert snapshot(library) == before


def test_move_and_delete_photos(signed_in, library, stored):
    slug = stored.slug
    v = gallery_version(library.get(slug))
    r = post(signed_in, f"/edit/g/{slug}/1/move", {"version": v, "direction": "down"})
    assert r.status_code == 303
    assert [i.caption[:13] for i in library.get(slug).items] == [
        "Boat number 2", "Boat number 1", "Boat number 3"]
    # deleting asks first
    confirm = signed_in.get(f"/edit/g/{slug}/3/delete")
    assert "Yes, delete photo 3" in confirm.get_data(as_text=True)
    assert len(library.get(slug).items) == 3
    v = gallery_version(library.get(slug))
    r = post(signed_in, f"/edit/g/{slug}/3/delete", {"version": v})
    assert r.status_code == 303 and len(library.get(slug).items) == 2
    # moving past the end changes nothing and says why
    v = gallery_version(library.get(slug))
    before = snapshot(library)
    r = post(signed_in, f"/edit/g/{slug}/2/move", {"version": v, "direction": "down"})
    assert r.status_code == 303 and snapshot(library) == before
    assert "Nothing was changed" in signed_in.get(r.headers["Location"]).get_data(as_text=True)


def test_the_last_photo_cannot_be_deleted(signed_in, library):
    slug = library.save(Gallery(title="One", lang="en", items=[Item(1, "Only.", None)])).slug
    before = snapshot(library)
    r = post(signed_in, f"/edit/g/{slug}/1/delete",
             {"version": gallery_version(library.get(slug))})
    assert r.status_code == 303 and snapshot(library) == before
    assert "delete the gallery instead" in signed_in.get(r.headers["Location"]).get_data(
        as_text=True)


def test_deleting_a_gallery_needs_the_confirmation_step(signed_in, library, stored):
    page = signed_in.get(f"/edit/g/{stored.slug}/")
    assert f'href="/edit/g/{stored.slug}/delete"' in page.get_data(as_text=True)
    confirm = signed_in.get(f"/edit/g/{stored.slug}/delete").get_data(as_text=True)
    assert "This cannot be undone." in confirm and "Yes, delete this gallery" in confirm
    assert library.list()  # the GET deleted nothing
    r = signed_in.post(f"/edit/g/{stored.slug}/delete", data={
        "csrf_token": csrf_from(confirm), "version": gallery_version(library.get(stored.slug))})
    assert r.status_code == 303 and library.list() == []
    assert signed_in.get(f"/g/{stored.slug}/").status_code == 404


def test_editor_pages_are_never_cached(signed_in, stored):
    for url in ["/edit/", "/edit/import", f"/edit/g/{stored.slug}/", "/edit/lexicon/"]:
        assert signed_in.get(url).headers["Cache-Control"] == "no-store", url


def test_sign_in_page_focuses_its_error_summary_markup(client, editor):
    from tests.security.conftest import sign_in

    r = sign_in(client, name="", password="")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "<title>Error: Sign in" in page
    assert '<a href="#name">Enter your user name</a>' in page
    assert '<a href="#password">Enter your password</a>' in page
    assert '<label class="label" for="password">Password</label>' in page


def test_a_long_title_and_many_warnings_do_not_overflow_the_session(signed_in, library):
    """Messages ride in the session cookie: they stay short, so the editor stays signed in."""
    import json

    doc = {"title": "A very long title " * 27, "items": [{"caption": "A photo."}],  # ~500
           "warnings": [{"line": i, "message": "something odd " * 20} for i in range(40)]}
    r = post(signed_in, "/edit/import", {"file": (io.BytesIO(json.dumps(doc).encode()),
                                                   "doc.json")},
             content_type="multipart/form-data")
    assert r.status_code == 303
    cookie = signed_in.get_cookie("reader_session")
    assert len(cookie.value) < 3000
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert "more warnings" in page
    assert signed_in.get("/edit/").status_code == 200  # still signed in


def test_import_an_uploaded_zip_of_photos_with_their_own_words(signed_in, library):
    """The zip upload goes through the photos importer: words from each file's metadata,
    derivatives made, one gallery stored with its images."""
    import zipfile

    from tests.photofiles import jpeg, scene, xmp_packet

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, colour in enumerate([(200, 40, 40), (20, 60, 200)], start=1):
            z.writestr(f"{n:02d}.jpg", jpeg(scene((640, 480), colour), xmp=xmp_packet(
                alt=f"A square of colour {n}", description=f"Colour study number {n}.",
                creators=["Ana Lima"], credit="Coast Agency")))
    r = post(signed_in, "/edit/import", {"file": (io.BytesIO(buf.getvalue()), "study.zip")},
             content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    g = library.get(r.headers["Location"].split("/")[-2])
    assert [(i.alt, i.caption, i.credit) for i in g.items] == [
        (f"A square of colour {n}", f"Colour study number {n}.", "Ana Lima/Coast Agency")
        for n in (1, 2)]
    assert all(i.image for i in g.items)
