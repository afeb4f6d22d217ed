"""The pronunciation page against its small interface (see reader/web/lexicon_editor.py).

The lexicon table belongs to the speech feature (reader/web/audio.py registers it); these
tests use the real one, and its preview renders with the real engine.
"""

from __future__ import annotations

import pytest

from reader.model import Gallery, Item
from tests.security.conftest import csrf_from, form_token

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


@pytest.fixture
def lexicon(app):
    """The real lexicon (the speech feature's table, through reader/web/audio.py)."""
    return app.extensions["lexicon"]


def test_the_page_edits_the_real_lexicon_and_speech_uses_it(signed_in, app):
    library = app.extensions["library"]
    token = form_token(signed_in, "/edit/lexicon/")
    r = signed_in.post("/edit/lexicon/", data={"written": "Kherson", "spoken": "Ker-sone",
                                                "csrf_token": token})
    assert r.status_code == 303
    assert library.lexicon() == {"Kherson": "Ker-sone"}
    g = library.save(Gallery(title="T", lang="en", items=[
        Item(position=1, caption="A street in Kherson.", credit="Agency")]))
    doc = signed_in.get(f"/api/galleries/{g.slug}").json
    assert "Ker-sone" in doc["items"][0]["speech"]["text"]
    assert "Kherson" in doc["items"][0]["caption"]  # the page text never changes


def test_add_listen_and_remove(signed_in, lexicon):
    token = form_token(signed_in, "/edit/lexicon/")
    r = signed_in.post("/edit/lexicon/", data={"written": "Mykolaiv",
                                                "spoken": "Mee-koh-lah-yiv",
                                                "csrf_token": token})
    assert r.status_code == 303
    assert lexicon.entries() == [("Mykolaiv", "Mee-koh-lah-yiv", "substitute")]
    page = signed_in.get("/edit/lexicon/").get_data(as_text=True)
    assert "Saved: “Mykolaiv” is said “Mee-koh-lah-yiv”." in page
    assert 'src="/edit/lexicon/listen?text=Mykolaiv"' in page
    audio = signed_in.get("/edit/lexicon/listen?text=Mykolaiv")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert len(audio.data) > 1000  # real speech, rendered by the engine
    assert audio.data[:3] == b"ID3" or audio.data[:2] in (b"\xff\xf3", b"\xff\xfb")  # MP3
    r = signed_in.post("/edit/lexicon/remove", data={"written": "Mykolaiv",
                                                      "csrf_token": csrf_from(page)})
    assert r.status_code == 303 and lexicon.entries() == []


def test_listen_first_plays_the_typed_form_without_saving(signed_in, lexicon):
    r = signed_in.get("/edit/lexicon/?written=Kyiv&spoken=keev&listen=1")
    assert r.status_code == 200
    src = "/edit/lexicon/listen?text=Kyiv&amp;spoken=keev&amp;kind=substitute"
    assert f'<audio controls preload="auto" src="{src}">' in r.get_data(as_text=True)
    assert lexicon.entries() == []
    assert signed_in.get(src.replace("&amp;", "&")).mimetype == "audio/mpeg"
    assert lexicon.entries() == []


def test_each_kind_is_saved_and_listed(signed_in, lexicon):
    token = form_token(signed_in, "/edit/lexicon/")
    for written, spoken, kind in (("AFP", "", "spell"), ("Kyiv", "k'i:v", "phonemes"),
                                  ("Las Siete Palabras", "es", "language")):
        r = signed_in.post("/edit/lexicon/", data={"written": written, "spoken": spoken,
                                                    "kind": kind, "csrf_token": token})
        assert r.status_code == 303, r.get_data(as_text=True)
    assert lexicon.entries() == [("AFP", "A.F.P.", "spell"), ("Kyiv", "k'i:v", "phonemes"),
                                 ("Las Siete Palabras", "es", "language")]
    page = signed_in.get("/edit/lexicon/").get_data(as_text=True)
    assert "<td>eSpeak phonemes</td>" in page and "<td>Spell it letter by letter</td>" in page
    assert '<select class="select" id="kind" name="kind" aria-describedby="kind-hint">' in page


def test_bad_kinds_and_phonemes_are_tied_to_their_fields(signed_in, lexicon):
    token = form_token(signed_in, "/edit/lexicon/")
    r = signed_in.post("/edit/lexicon/", data={"written": "Kyiv", "spoken": "keev",
                                                "kind": "shout", "csrf_token": token})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and '<a href="#kind">Choose how the word is said' in page
    r = signed_in.post("/edit/lexicon/", data={"written": "Kyiv", "spoken": "[[k]] <b>",
                                                "kind": "phonemes", "csrf_token": token})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and '<a href="#spoken">The phonemes for' in page
    r = signed_in.post("/edit/lexicon/", data={"written": "Kyiv", "spoken": "xq",
                                                "kind": "language", "csrf_token": token})
    assert r.status_code == 400 and "no voice for the language" in r.get_data(as_text=True)
    bad = signed_in.get("/edit/lexicon/listen?text=Kyiv&spoken=%5B%5B&kind=phonemes")
    assert bad.status_code == 400
    assert lexicon.entries() == []


def test_errors_are_tied_to_their_fields(signed_in, lexicon):
    token = form_token(signed_in, "/edit/lexicon/")
    r = signed_in.post("/edit/lexicon/", data={"written": "", "spoken": "",
                                                "csrf_token": token})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert page.lstrip().startswith("<!doctype html>") and "<title>Error: " in page
    assert '<a href="#written">Enter the word as it is written</a>' in page
    assert 'aria-describedby="written-hint written-error" aria-invalid="true"' in page
    r = signed_in.post("/edit/lexicon/", data={"written": "<b>", "spoken": "x",
                                                "csrf_token": token})
    assert r.status_code == 400 and "is not a word the lexicon can hold" in r.get_data(
        as_text=True)
    assert lexicon.entries() == []


def test_listen_refuses_empty_or_long_text(signed_in, lexicon):
    assert signed_in.get("/edit/lexicon/listen?text=").status_code == 400
    assert signed_in.get("/edit/lexicon/listen?text=" + "a" * 301).status_code == 400


def test_removing_something_absent_or_oversized_changes_nothing(signed_in, lexicon):
    lexicon.set("Kyiv", "keev")
    token = form_token(signed_in, "/edit/lexicon/")
    r = signed_in.post("/edit/lexicon/remove", data={"written": "Lviv", "csrf_token": token})
    assert r.status_code == 303
    assert "There is no entry for &#39;Lviv&#39;. Nothing was changed." in signed_in.get(
        "/edit/lexicon/").get_data(as_text=True)
    r = signed_in.post("/edit/lexicon/remove", data={"written": "x" * 5000,
                                                      "csrf_token": token})
    assert r.status_code == 400
    assert lexicon.entries() == [("Kyiv", "keev", "substitute")]
