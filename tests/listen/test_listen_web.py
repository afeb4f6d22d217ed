"""Listening mode's routes with the real engine: the parts, the one-file gallery download
with its chapters, the M3U playlist, and speech settings from the reader's cookie."""

from __future__ import annotations

import io
import wave

import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from reader.model import Gallery, Item
from reader.speech.listening import intro_script, m3u, parts
from reader.web import create_app
from reader.web.settings import COOKIE


def _wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


def test_parts_are_the_introduction_then_each_photo_announced():
    g = Gallery("Harbour at dawn", [Item(1, "Boats leave at six.", "Ann Lee/Port Press"),
                                    Item(2, "Nets dry on the wall", None)],
                standfirst="A day on the quay")
    ps = parts(g)
    assert [p.number for p in ps] == [0, 1, 2]
    assert ps[0].text == "Harbour at dawn. A day on the quay." == intro_script(g)
    assert ps[1].text == "Photo 1 of 2. Boats leave at six. Photo: Ann Lee, Port Press."
    assert ps[2].text == "Photo 2 of 2. Nets dry on the wall."
    assert [p.title for p in ps] == ["Introduction", "Photo 1 of 2", "Photo 2 of 2"]


def test_m3u_is_one_line_per_field():
    text = m3u("A\ntitle", [("Photo 1 of 1", 3.4, "http://x/1.mp3")])
    assert text == "#EXTM3U\n#PLAYLIST:A title\n#EXTINF:3,Photo 1 of 1\nhttp://x/1.mp3\n"


def test_every_part_is_served_and_the_introduction_speaks_the_title(speech_app, seed_gallery):
    client = speech_app.test_client()
    slug, total = seed_gallery.slug, len(seed_gallery.items)
    vtt = client.get(f"/listen/{slug}/0.vtt")
    assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"
    assert vtt.get_data(as_text=True).split("\n")[4].startswith("Photos: Russia")
    first = client.get(f"/listen/{slug}/1.vtt").get_data(as_text=True)
    assert f"\nPhoto 1 of {total}.\n" in first
    assert client.get(f"/listen/{slug}/{total}.mp3").status_code == 200
    assert client.get(f"/listen/{slug}/{total + 1}.mp3").status_code == 404
    assert client.get(f"/listen/{slug}/1.ogg").status_code == 404
    assert client.get("/listen/no-such-gallery/1.mp3").status_code == 404
    assert client.get(f"/listen/{slug}/gallery.ogg").status_code == 404


def test_gallery_download_is_one_file_with_a_chapter_per_photo(speech_app, seed_gallery,
                                                               tmp_path):
    client = speech_app.test_client()
    slug, total = seed_gallery.slug, len(seed_gallery.items)
    r = client.get(f"/listen/{slug}/gallery.mp3")
    assert r.status_code == 200 and r.mimetype == "audio/mpeg"
    assert r.headers["Content-Disposition"].startswith("attachment")
    path = tmp_path / "gallery.mp3"
    path.write_bytes(r.data)

    # The parts, as the player plays them: the WAV lengths are the engine's exact samples.
    part_seconds = [_wav_seconds(client.get(f"/listen/{slug}/{n}.wav").data)
                    for n in range(total + 1)]
    tags = ID3(str(path))
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    # Each part is followed by the pause between photos (made up to 0.8 s, see pacing.py),
    # which belongs to its chapter: the file is the parts plus those pauses.
    expected = chapters[-1].end_time / 1000

    info = soundfile.info(str(path))  # libsndfile + mpg123: a real decoder, gapless aware
    assert info.format == "MP3" and info.samplerate == 22050
    assert info.duration == pytest.approx(expected, rel=0.01)
    decoded, _rate = soundfile.read(str(path), dtype="int16")
    # Gapless: no encoder delay or padding left in (a raw stream would be ~50 ms longer).
    # (the chapter times are whole milliseconds: up to 11 samples of rounding)
    assert abs(len(decoded) - round(expected * 22050)) <= 12, (len(decoded), expected)
    assert MP3(str(path)).info.length == pytest.approx(expected, rel=0.01)

    titles = [c.sub_frames["TIT2"].text[0] for c in chapters]
    assert titles == ["Introduction"] + [f"Photo {n} of {total}" for n in range(1, total + 1)]
    assert sum(t.startswith("Photo ") for t in titles) == total  # one chapter per photo
    at = 0.0
    for chapter, seconds in zip(chapters, part_seconds, strict=True):
        assert abs(chapter.start_time - at * 1000) <= 1
        length = (chapter.end_time - chapter.start_time) / 1000
        assert seconds - 0.002 <= length <= seconds + 0.8  # the part, then its pause
        at = chapter.end_time / 1000
    assert chapters[-1].end_time / 1000 == pytest.approx(part_seconds[-1]
                                                         + chapters[-1].start_time / 1000,
                                                         abs=0.002)
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert tags["TIT2"].text[0] == seed_gallery.title

    again = client.get(f"/listen/{slug}/gallery.mp3")
    assert again.headers["X-Speech-Cache"] == "hit" and again.data == r.data


def test_playlist_lists_every_part_with_its_length(speech_app, seed_gallery):
    client = speech_app.test_client()
    slug, total = seed_gallery.slug, len(seed_gallery.items)
    r = client.get(f"/listen/{slug}/gallery.m3u")
    assert r.status_code == 200 and r.mimetype == "audio/x-mpegurl"
    lines = r.get_data(as_text=True).splitlines()
    assert lines[0] == "#EXTM3U" and lines[1] == f"#PLAYLIST:{seed_gallery.title}"
    entries = list(zip(lines[2::2], lines[3::2], strict=True))
    assert len(entries) == total + 1
    for n, (extinf, url) in enumerate(entries):
        assert url.startswith(f"http://localhost/listen/{slug}/{n}.mp3?v=")
        seconds = int(extinf.split(":")[1].split(",")[0])
        wav = client.get(f"/listen/{slug}/{n}.wav").data
        assert abs(seconds - _wav_seconds(wav)) <= 0.5
        got = client.get(url.removeprefix("http://localhost"))
        assert got.status_code == 200 and got.headers["Cache-Control"].endswith("immutable")


def _speech(client, slug, n=1):
    return client.get(f"/api/galleries/{slug}").get_json()["items"][n - 1]["speech"]


def test_speech_settings_come_from_the_readers_cookie(speech_app, seed_gallery):
    import re

    client = speech_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/settings").get_data(as_text=True)).group(1)
    post = client.post
    client.post = lambda url, data=None, **kw: post(url, data={"csrf_token": token,
                                                               **(data or {})}, **kw)
    slug = seed_gallery.slug
    before = _speech(client, slug)
    assert before["rate"] == 175 and "Description:" not in before["text"]
    r = client.post("/settings", data={"speech_rate": "260", "speech_describe": "on",
                                       "listen_mode": "each"})
    assert r.status_code == 303
    after = _speech(client, slug)
    assert after["rate"] == 260 and "Description: " in after["text"]
    assert after["audio"] != before["audio"]  # a new file, rendered through the cache
    fast = client.get(after["wav"].removeprefix("http://localhost"))
    slow = client.get(before["wav"].removeprefix("http://localhost"))
    assert fast.headers["X-Speech-Cache"] == "miss"
    # 260 words a minute, with the description added, still says the caption faster.
    assert _wav_seconds(fast.data) < _wav_seconds(slow.data) * 1.6
    page = client.get(f"/g/{slug}/1").get_data(as_text=True)
    assert 'data-mode="each"' in page

    # A voice the engine has; a voice it has not is refused by name.
    voices = speech_app.extensions["speech"].voices()
    french = next(v["id"] for v in voices if "fr-fr" in [x.lower() for x in v["languages"]])
    scottish = next(v["id"] for v in voices
                    if "en-gb-scotland" in [x.lower() for x in v["languages"]])
    client.post("/settings", data={"speech_voice": scottish})
    assert _speech(client, slug)["voice"] == scottish  # an English voice, English gallery
    # A French voice never reads the English gallery: it gets an English voice instead.
    client.post("/settings", data={"speech_voice": french})
    said_by = _speech(client, slug)["voice"]
    assert said_by != french
    assert any(x.lower().startswith("en") for v in voices if v["id"] == said_by
               for x in v["languages"])
    bad = client.post("/settings", data={"speech_voice": "no/such-voice",
                                         "speech_rate": "9000"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 or "Nothing was saved" in html
    assert "Voice: choose one of the options." in html
    assert "Speaking rate (words per minute): give a whole number from 80 to 450." in html
    assert _speech(client, slug)["voice"] == said_by  # unchanged


def test_config_still_gives_the_defaults(instance, seed_gallery):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, "SPEECH_RATE": 210},
                     instance=instance)
    client = app.test_client()
    assert _speech(client, seed_gallery.slug)["rate"] == 210
    client.set_cookie(COOKIE, "speech_rate=150")
    assert _speech(client, seed_gallery.slug)["rate"] == 150
    assert 'value="210"' not in client.get("/settings").get_data(as_text=True)
    client.delete_cookie(COOKIE)
    assert 'value="210"' in client.get("/settings").get_data(as_text=True)


def test_help_lists_the_listening_keys(speech_app, seed_gallery):
    html = speech_app.test_client().get("/help").get_data(as_text=True)
    for spoken in ("k", "Left bracket", "Right bracket"):
        assert spoken in html
    assert "Listen to the whole gallery: play, pause or resume" in html


def test_no_engine_no_player_and_503(instance, seed_gallery):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                      "SPEECH_LIBRARY": "/nonexistent/libespeak-ng.so.1"}, instance=instance)
    client = app.test_client()
    slug = seed_gallery.slug
    html = client.get(f"/g/{slug}/").get_data(as_text=True)
    assert "Audio is unavailable" in html and "listen-player" not in html
    for path in (f"/listen/{slug}/1.mp3", f"/listen/{slug}/gallery.mp3",
                 f"/listen/{slug}/gallery.m3u"):
        assert client.get(path).status_code == 503


def test_word_cues_follow_the_engines_word_marks(speech_app, seed_gallery):
    client = speech_app.test_client()
    slug, total = seed_gallery.slug, len(seed_gallery.items)
    sentences = client.get(f"/listen/{slug}/1.vtt").get_data(as_text=True)
    words = client.get(f"/listen/{slug}/1.words.vtt")
    assert words.status_code == 200 and words.mimetype == "text/vtt"
    text = " ".join(c[2] for c in _cues(sentences))
    cues = _cues(words.get_data(as_text=True), with_ids=True)
    # Cues in order, naming their characters, covering every character but the spaces
    # between them (eSpeak NG marks "2022" as two words, "2" and "022": its words, not ours).
    assert [text[a:b] for (a, b), *_ in cues] == [w for *_, w in cues]
    assert cues[0][0][0] == 0 and cues[-1][0][1] == len(text)
    for ((_, b), *_), ((a, _), *_) in zip(cues, cues[1:], strict=False):
        assert text[b:a].strip() == "" and a >= b
    assert len(cues) >= len(text.split())
    assert [w for *_, w in cues[:4]] == ["Photo", "1", "of", f"{total}."]
    for prev, nxt in zip(cues, cues[1:], strict=False):
        assert prev[2] == nxt[1] and nxt[1] >= prev[1]
    # Each sentence starts exactly where its first word does.
    word_starts = {a: start for (a, _b), start, _end, _w in cues}
    for start, _end, sentence in _cues(sentences)[1:]:
        at = text.index(sentence)
        assert abs(word_starts[at] - start) < 0.002


def _cues(vtt: str, with_ids: bool = False):
    out, lines = [], vtt.splitlines()
    for i, line in enumerate(lines):
        if "-->" in line:
            a, b = (_seconds(x.strip()) for x in line.split("-->"))
            if with_ids:
                first, last = (int(x) for x in lines[i - 1].split("-"))
                out.append(((first, last), a, b, lines[i + 1]))
            else:
                out.append((a, b, lines[i + 1]))
    return out


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_the_page_links_the_parts_and_the_route_lists_them(speech_app, seed_gallery):
    """The part list is not in the page (it would grow with the gallery): the player fetches
    it from parts.json, with the words it shows; every URL there is served."""
    client = speech_app.test_client()
    slug, total = seed_gallery.slug, len(seed_gallery.items)
    page = client.get(f"/g/{slug}/3").get_data(as_text=True)
    assert f'data-parts-url="/listen/{slug}/parts.json"' in page
    assert "data-parts=" not in page and ".vtt" not in page.split('id="listen-player"')[1]
    r = client.get(f"/listen/{slug}/parts.json")
    assert r.status_code == 200 and "Cookie" in r.headers["Vary"]
    data = r.get_json()
    assert [p["n"] for p in data["parts"]] == list(range(total + 1))
    assert data["parts"][3]["title"] == f"Photo 3 of {total}"
    assert data["words"]["pause"] == "Pause"
    for key in ("audio", "cues", "words"):
        assert client.get(data["parts"][1][key]).status_code == 200
