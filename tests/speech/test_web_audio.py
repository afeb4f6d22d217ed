"""Audio over HTTP: Range, ETag, caching (measured), the page's player, settings, lexicon."""

from __future__ import annotations

import re
import time

from reader.speech.script import SpeechSettings
from reader.web import create_app


def _speech(client, slug, n=1):
    return client.get(f"/api/galleries/{slug}").get_json()["items"][n - 1]["speech"]


def test_range_gives_206_with_exactly_the_bytes_asked(speech_app, seed_gallery):
    client = speech_app.test_client()
    s = _speech(client, seed_gallery.slug)
    whole = client.get(s["audio"]).data
    r = client.get(s["audio"], headers={"Range": "bytes=0-99"})
    assert r.status_code == 206
    assert len(r.data) == 100 and r.data == whole[:100]
    assert r.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert r.headers["Accept-Ranges"] == "bytes"
    tail = client.get(s["audio"], headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole[-10:]


def test_second_request_is_answered_from_cache(speech_app, seed_gallery):
    client = speech_app.test_client()
    speech = speech_app.extensions["speech"]
    s = _speech(client, seed_gallery.slug, 2)
    before = speech.renders
    t0 = time.perf_counter()
    first = client.get(s["audio"])
    t1 = time.perf_counter()
    second = client.get(s["audio"])
    t2 = time.perf_counter()
    assert first.headers["X-Speech-Cache"] == "miss" and speech.renders == before + 1
    assert second.headers["X-Speech-Cache"] == "hit" and speech.renders == before + 1
    assert second.data == first.data
    print(f"first {1000 * (t1 - t0):.1f} ms, cached {1000 * (t2 - t1):.1f} ms")


def test_etag_and_long_lived_cache_headers(speech_app, seed_gallery):
    client = speech_app.test_client()
    s = _speech(client, seed_gallery.slug)
    r = client.get(s["audio"])
    etag = r.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    assert r.cache_control.max_age == 365 * 24 * 3600 and r.cache_control.immutable
    assert client.get(s["audio"], headers={"If-None-Match": etag}).status_code == 304
    # Without the version in the URL it must be revalidated, never cached as immutable.
    bare = client.get(s["audio"].split("?")[0])
    assert bare.status_code == 200 and bare.cache_control.no_cache
    assert not bare.cache_control.immutable
    cues = client.get(s["cues"])
    assert cues.mimetype == "text/vtt" and cues.data.startswith(b"WEBVTT")


def test_the_document_speech_is_exactly_what_the_engine_got(speech_app, seed_gallery):
    client = speech_app.test_client()
    s = _speech(client, seed_gallery.slug)
    speech = speech_app.extensions["speech"]
    assert set(s) >= {"text", "voice", "rate", "audio", "wav", "cues"}
    u = speech.utterance_for_text(s["text"], SpeechSettings(voice=s["voice"], rate=s["rate"]))
    # The file served for the item is the one cached under the key of exactly this text.
    client.get(s["wav"])
    assert speech.cached(u, "wav") is not None


def test_photo_page_has_a_player_that_never_plays_by_itself(speech_app, seed_gallery):
    client = speech_app.test_client()
    html = client.get(f"/g/{seed_gallery.slug}/3").data.decode()
    audio = re.search(r"<audio[^>]*>", html).group(0)
    assert 'controls' in audio and 'preload="none"' in audio and "autoplay" not in audio
    assert re.search(r'<track kind="captions" src="/audio/[^"]+/3\.vtt\?v=', html)
    # One play control: the button (named for its photo, its words in the page for both
    # states); without JavaScript the native player above instead.
    button = re.search(r'<button type="button" class="listen"[^>]*>.*?</button>', html).group(0)
    assert 'aria-label="Play caption and credit, photo 3"' in button
    assert 'data-pause="Pause caption and credit, photo 3"' in button
    # (each state's words a whole phrase: a language may order verb and object its own way)
    assert 'data-audio="audio-3"' in button and ">Play caption and credit<" in button
    assert ">Pause caption and credit<" in button
    assert "speech.js" in html
    gallery_page = client.get(f"/g/{seed_gallery.slug}/").data.decode()
    assert gallery_page.count("<audio ") == len(seed_gallery.items)


def test_settings_from_config_rate_and_description(instance, seed_gallery):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, "SPEECH_RATE": 220,
                      "SPEECH_DESCRIBE": True}, instance=instance)
    client = app.test_client()
    s = _speech(client, seed_gallery.slug)
    assert s["rate"] == 220
    assert "Description: " in s["text"]
    slow = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, "SPEECH_RATE": 120},
                      instance=instance)
    s_slow = _speech(slow.test_client(), seed_gallery.slug)
    assert s_slow["audio"] != s["audio"]  # a different rate is a different file


def test_lexicon_changes_speech_not_the_page(speech_app, seed_gallery, library, reader):
    assert reader("lexicon", "add", "Kherson", "Kher-sawn").exit_code == 0
    client = speech_app.test_client()
    s = _speech(client, seed_gallery.slug, 4)
    assert "Kher-sawn" in s["text"] and "Kherson" not in s["text"]
    html = client.get(f"/g/{seed_gallery.slug}/4").data.decode()
    assert "Kherson" in html and "Kher-sawn" not in html


def test_unknown_format_and_photo_are_404(speech_app, seed_gallery):
    client = speech_app.test_client()
    assert client.get(f"/audio/{seed_gallery.slug}/1.ogg").status_code == 404
    assert client.get(f"/audio/{seed_gallery.slug}/99.mp3").status_code == 404
    assert client.get("/audio/nope/1.mp3").status_code == 404
