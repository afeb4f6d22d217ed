"""What a listener would notice about the audio cache, over real HTTP with the real engine:
each voice has its own audio, and what `reader audio build` made is exactly what the web app
serves (build, then serve: nothing is rendered again)."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from reader.web import create_app
from tests.conftest import served


class Browser:
    """A tiny cookie-keeping HTTP client (the settings live in a cookie)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str):
        with self.opener.open(self.base + path.removeprefix("http://localhost")) as r:
            return r.read(), dict(r.headers)

    def json(self, path: str):
        return json.loads(self.get(path)[0])

    def choose_voice(self, voice: str) -> None:
        page = self.get("/settings")[0].decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "speech_voice": voice}).encode()
        request = urllib.request.Request(self.base + "/settings", data=body,
                                         headers={"Referer": self.base + "/settings"})
        with self.opener.open(request) as r:
            assert r.status == 200


def test_the_same_photo_under_two_voices_is_two_different_recordings(speech_app, seed_gallery):
    voices = [v["id"] for v in speech_app.extensions["speech"].voices()
              if any(lang.lower() in ("en-gb", "en-us") for lang in v["languages"])]
    first_voice, second_voice = sorted(voices)[:2]
    with served(speech_app) as base:
        reader = Browser(base)
        heard = {}
        for voice in (first_voice, second_voice, first_voice):
            reader.choose_voice(voice)
            speech = reader.json(f"/api/galleries/{seed_gallery.slug}")["items"][0]["speech"]
            assert speech["voice"] == voice
            audio, _ = reader.get(speech["audio"])
            assert audio[0] == 0xFF and audio[1] & 0xE0 == 0xE0  # an MP3 frame
            heard.setdefault(voice, []).append(audio)
    assert heard[first_voice][0] != heard[second_voice][0]  # two voices, two recordings
    assert heard[first_voice][0] == heard[first_voice][1]  # the first one again, unchanged


def test_audio_build_then_serving_renders_nothing(instance, reader, seed_gallery):
    # Non-default settings in the instance's config file: both sides must read them.
    (instance / "config.toml").write_text("[speech]\nrate = 190\nvolume = 0.9\n")
    built = reader("audio", "build")
    assert built.exit_code == 0, built.output
    assert f"rendered {len(seed_gallery.items)}," in built.output
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    try:
        with served(app) as base:
            listener = Browser(base)
            doc = listener.json(f"/api/galleries/{seed_gallery.slug}")
            assert doc["items"][0]["speech"]["rate"] == 190
            for item in doc["items"]:
                for kind in ("audio", "wav", "cues"):
                    _, headers = listener.get(item["speech"][kind])
                    assert headers["X-Speech-Cache"] == "hit", (item["position"], kind)
        assert app.extensions["speech"].renders == 0
    finally:
        app.extensions["speech"].close()
