"""The pronunciation page against its small interface (see reader/web/lexicon_editor.py).

The lexicon table belongs to the speech feature; until it is wired in, these tests use
`MemoryLexicon`, a stand-in that keeps the interface's promises in memory (the only fake here:
the real one lives on another branch). Its `preview` returns a real, tiny WAV file.
"""

from __future__ import annotations

import io
import wave

import pytest

from reader.errors import InputError
from tests.security.conftest import csrf_from, form_token


class MemoryLexicon:
    def __init__(self):
        self._entries: dict[str, str] = {}

    def entries(self):
        return sorted(self._entries.items(), key=lambda e: e[0].lower())

    def set(self, written, spoken):
        if " " in written.strip():
            raise InputError("one word or name at a time", field="written")
        self._entries[written] = spoken

    def remove(self, written):
        if written not in self._entries:
            raise InputError(f"there is no entry for {written!r}", field="written")
        del self._entries[written]

    def preview(self, text):
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"\0\0" * 80 * len(text))
        return buf.getvalue(), "audio/wav"


@pytest.fixture
def lexicon(app):
    lex = MemoryLexicon()
    app.extensions["lexicon"] = lex
    return lex


def test_without_a_lexicon_the_page_says_so(signed_in):
    r = signed_in.get("/edit/lexicon/")
    assert r.status_code == 200
    assert "not installed" in r.get_data(as_text=True)
    token = form_token(signed_in, "/edit/")
    assert signed_in.post("/edit/lexicon/", data={"written": "a", "spoken": "b",
                                                  "csrf_token": token}).status_code == 404


def test_add_listen_and_remove(signed_in, lexicon):
    token = form_token(signed_in, "/edit/lexicon/")
    r = signed_in.post("/edit/lexicon/", data={"written": "Mykolaiv",
                                                "spoken": "Mee-koh-lah-yiv",
                                                "csrf_token": token})
    assert r.status_code == 303
    assert lexicon.entries() == [("Mykolaiv", "Mee-koh-lah-yiv")]
    page = signed_in.get("/edit/lexicon/").get_data(as_text=True)
    assert "Saved: “Mykolaiv” is said “Mee-koh-lah-yiv”." in page
    assert 'src="/edit/lexicon/listen?text=Mykolaiv"' in page
    audio = signed_in.get("/edit/lexicon/listen?text=Mykolaiv")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert audio.data.startswith(b"RIFF")
    r = signed_in.post("/edit/lexicon/remove", data={"written": "Mykolaiv",
                                                      "csrf_token": csrf_from(page)})
    assert r.status_code == 303 and lexicon.entries() == []


def test_listen_first_plays_the_typed_form_without_saving(signed_in, lexicon):
    r = signed_in.get("/edit/lexicon/?written=Kyiv&spoken=keev&listen=1")
    assert r.status_code == 200
    assert '<audio controls preload="auto" src="/edit/lexicon/listen?text=keev">' in r.get_data(
        as_text=True)
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
    r = signed_in.post("/edit/lexicon/", data={"written": "two words", "spoken": "x",
                                                "csrf_token": token})
    assert r.status_code == 400 and "One word or name at a time" in r.get_data(as_text=True)
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
    assert lexicon.entries() == [("Kyiv", "keev")]
