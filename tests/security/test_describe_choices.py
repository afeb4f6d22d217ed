"""Editors choose whether descriptions are spoken, for a gallery and for one photo's
description (speech, issue 18): kept in the library, used by every spoken form."""

from __future__ import annotations

from reader.model import Item
from reader.speech.script import describe_for, description_key
from tests.security.conftest import form_token


def _texts(client, slug) -> list[str]:
    doc = client.get(f"/api/galleries/{slug}").get_json()
    return [item["speech"]["text"] for item in doc["items"]]


def _choose(client, slug, speak, photo=""):
    token = form_token(client, f"/edit/g/{slug}/")
    return client.post(f"/edit/g/{slug}/describe",
                       data={"csrf_token": token, "speak": speak, "photo": photo})


def test_the_photos_choice_wins_over_the_gallerys_over_the_readers():
    item = Item(1, "Boats tie up.", "Ann/Agency", alt="A small boat at a stone quay.")
    key = description_key(item.alt)
    assert describe_for(item, {}, False) is False
    assert describe_for(item, {"": True}, False) is True
    assert describe_for(item, {"": True, key: False}, False) is False
    assert describe_for(item, {key: True}, False) is True
    assert describe_for(Item(2, "x", None), {"": True}, False) is True  # nothing to say anyway


def test_editor_turns_descriptions_on_for_a_gallery_and_off_for_one_photo(signed_in, stored,
                                                                         app):
    slug = stored.slug
    assert not any("Description:" in t for t in _texts(signed_in, slug))

    r = _choose(signed_in, slug, "yes")
    assert r.status_code == 303
    texts = _texts(signed_in, slug)
    assert all(t.startswith("Description: A small boat, number") for t in texts), texts
    page = signed_in.get(f"/edit/g/{slug}/").get_data(as_text=True)
    assert 'id="speak-gallery-yes" value="yes" checked' in page

    r = _choose(signed_in, slug, "no", photo="2")
    assert r.status_code == 303
    texts = _texts(signed_in, slug)
    assert texts[0].startswith("Description:") and not texts[1].startswith("Description:")
    item_page = signed_in.get(f"/edit/g/{slug}/2").get_data(as_text=True)
    assert 'id="speak-2-no" value="no" checked' in item_page

    # The choice follows the description when photos move, and lasts through a re-save.
    library = app.extensions["library"]
    g = library.get(slug)
    g.items = [g.items[1], g.items[0], g.items[2]]  # photo 2 is now photo 1
    library.save(g)
    texts = _texts(signed_in, slug)
    assert [t.startswith("Description:") for t in texts] == [False, True, True]

    # Back to each reader's own setting (the "never" photo is photo 1 now).
    _choose(signed_in, slug, "reader", photo="1")
    _choose(signed_in, slug, "reader")
    assert not any("Description:" in t for t in _texts(signed_in, slug))
    assert library.describe_choices(slug) == {}


def test_bad_choices_are_refused_and_change_nothing(signed_in, stored, app):
    slug = stored.slug
    assert _choose(signed_in, slug, "maybe").status_code == 400
    assert _choose(signed_in, slug, "yes", photo="9").status_code == 404
    assert _choose(signed_in, slug, "yes", photo="x").status_code == 400
    assert app.extensions["library"].describe_choices(slug) == {}


def test_choices_go_with_the_gallery(signed_in, stored, app):
    library = app.extensions["library"]
    _choose(signed_in, stored.slug, "yes")
    assert library.describe_choices(stored.slug) == {"": True}
    library.delete(stored.slug)
    import sqlite3

    con = sqlite3.connect(library.path)
    try:
        assert con.execute("SELECT count(*) FROM speech_describe").fetchone()[0] == 0
    finally:
        con.close()


def test_the_whole_gallery_parts_follow_the_choices():
    from reader.model import Gallery
    from reader.speech.listening import parts

    item = Item(1, "Boats tie up.", "Ann/Agency", alt="A small boat at a stone quay.")
    g = Gallery(title="Harbour", lang="en", items=[item])
    assert "Description:" not in parts(g)[1].text
    assert parts(g, None, None, {"": True})[1].text.startswith(
        "Photo 1 of 1. Description: A small boat at a stone quay. Boats tie up.")
    assert "Description:" not in parts(g, None, None,
                                       {"": True, description_key(item.alt): False})[1].text
