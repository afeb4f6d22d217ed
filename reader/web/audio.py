"""Spoken audio on the web: `/audio/<slug>/<n>.(mp3|wav|vtt)` and each item's `speech`.

Files come from the speech cache (rendered on first request, once per key). Responses carry
an ETag (the file's cache key), `Accept-Ranges` and 206 partial content for `Range` (Safari
needs it), and a year-long immutable `Cache-Control` when the URL names the version
(`?v=<key>`, as the document's URLs do: changing the caption, voice or rate changes the URL).
With no speech engine, the routes answer 503 with a plain message and `speech.audio` etc.
are null so the page shows "audio unavailable" instead of a broken player.

Settings (voice, rate, volume, speak descriptions) are read from the app config for now
(`SPEECH_VOICE`, `SPEECH_RATE`, `SPEECH_VOLUME`, `SPEECH_DESCRIBE`); the settings page will
supply them per reader.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Flask, abort, current_app, request, send_file, url_for

from reader.errors import InputError
from reader.model import Gallery, Item
from reader.speech.cache import FORMATS
from reader.speech.engine import EngineConfig
from reader.speech.lexicon import check_entry
from reader.speech.script import SpeechSettings
from reader.speech.service import EngineUnavailable, RenderError, Speech, TextError, Utterance
from reader.web.assets import register_script
from reader.web.context import gallery_or_404
from reader.web.media import register_provider
from reader.web.shortcuts import Shortcut, register_shortcut

bp = Blueprint("audio", __name__)

YEAR = 365 * 24 * 3600
UNAVAILABLE = "Audio is unavailable: this server has no speech engine."

_D = SpeechSettings()
DEFAULTS = {
    "SPEECH_VOICE": _D.voice,  # None: a voice for the gallery's language
    "SPEECH_RATE": _D.rate,  # words per minute
    "SPEECH_VOLUME": _D.volume,
    "SPEECH_DESCRIBE": _D.describe,  # speak each photo's description too
    "SPEECH_BACKEND": None,  # "espeak-sync" (Linux default) or "pyttsx3"
    "SPEECH_LIBRARY": None,  # a libespeak-ng path, "system", or None (bundled, else system)
    "SPEECH_WORKERS": 1,
    "SPEECH_WARM": None,  # start the engine at app creation (default: unless TESTING)
}


def speech() -> Speech:
    return current_app.extensions["speech"]


def settings() -> SpeechSettings:
    c = current_app.config
    return SpeechSettings(voice=c["SPEECH_VOICE"] or None, rate=int(c["SPEECH_RATE"]),
                          volume=float(c["SPEECH_VOLUME"]), describe=bool(c["SPEECH_DESCRIBE"]))


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    backend = app.config["SPEECH_BACKEND"]
    config = EngineConfig(library=app.config["SPEECH_LIBRARY"],
                          **({"backend": backend} if backend else {}))
    service = Speech.in_instance(app.instance_path, app.extensions["library"], config,
                                 workers=int(app.config["SPEECH_WORKERS"]))
    app.extensions["speech"] = service
    warm = app.config["SPEECH_WARM"]
    if warm or (warm is None and not app.testing):
        # Start the engine now, so the first reader to press Listen does not wait for it.
        threading.Thread(target=service.available, daemon=True, name="speech-warm").start()
    app.register_blueprint(bp, url_prefix="/audio")
    register_provider(app, speech_media)
    app.extensions["lexicon"] = LexiconEditing(app)  # the editors' pronunciation page
    register_script(app, "speech.js")
    register_shortcut(app, Shortcut(("p",), "P", "Play or pause the current photo's caption "
                                               "and credit"))


class LexiconEditing:
    """The pronunciation lexicon as the editors' page (reader/web/lexicon_editor.py) uses it."""

    def __init__(self, app: Flask):
        self.app = app

    def _library(self):
        return self.app.extensions["library"]

    def entries(self) -> list[tuple[str, str]]:
        return sorted(self._library().lexicon().items(), key=lambda e: e[0].lower())

    def set(self, written: str, spoken: str) -> None:
        try:
            word, said = check_entry(written, spoken)
        except InputError as e:
            raise InputError(e.message, field="written" if e.field == "word" else "spoken") \
                from None
        self._library().set_pronunciation(word, said)

    def remove(self, written: str) -> None:
        if not self._library().remove_pronunciation(written):
            raise InputError(f"there is no entry for {written!r}", field="written")

    def preview(self, text: str) -> tuple[bytes, str]:
        """The text spoken with the lexicon applied, as MP3 (through the speech cache)."""
        service = speech()
        if not service.available():
            raise InputError("this server has no speech engine to listen with", field="text")
        u = service.utterance_for_text(service.lexicon().apply(text), settings())
        return service.file(u, "mp3").read_bytes(), "audio/mpeg"


def _utterance(gallery: Gallery, item: Item) -> Utterance:
    return speech().utterance(gallery, item, settings())


def speech_media(gallery: Gallery, item: Item) -> dict[str, Any]:
    """The item's `speech` (INTERFACE.md); URLs are null when there is no engine."""
    from reader.speech.script import speech_script

    s = settings()
    if not speech().available():
        text = speech_script(item, s, speech().lexicon())
        return {"speech": {"text": text, "voice": s.voice, "rate": s.rate, "audio": None,
                           "wav": None, "cues": None}}
    u = _utterance(gallery, item)

    def url(fmt: str) -> str:
        return url_for("audio.file", slug=gallery.slug, n=item.position, fmt=fmt,
                       v=u.key(fmt)[:16])

    return {"speech": {"text": u.text, "voice": u.voice, "rate": u.rate, "audio": url("mp3"),
                       "wav": url("wav"), "cues": url("vtt")}}


def _plain(message: str, status: int):
    return message + "\n", status, {"Content-Type": "text/plain; charset=utf-8",
                                    "Cache-Control": "no-store"}


@bp.get("/<slug>/<int:n>.<fmt>")
def file(slug: str, n: int, fmt: str):
    if fmt not in FORMATS:
        abort(404, description=f"No audio format “{fmt}”: try mp3, wav or vtt.")
    gallery = gallery_or_404(slug)
    if not 1 <= n <= len(gallery.items):
        abort(404, description=f"This gallery has photos 1 to {len(gallery.items)}.")
    if not speech().available():
        return _plain(UNAVAILABLE, 503)
    try:
        u = _utterance(gallery, gallery.items[n - 1])
        path, hit = speech().fetch(u, fmt)
    except EngineUnavailable:
        return _plain(UNAVAILABLE, 503)
    except TextError as e:
        return _plain(f"This photo has no audio: {e}.", 404)
    except (RenderError, TimeoutError) as e:
        current_app.logger.error("speech for %s/%d failed: %s", slug, n, e)
        return _plain("The speech engine could not render this audio; please try again.", 503)
    key = u.key(fmt)
    response = send_file(path, mimetype=FORMATS[fmt], conditional=True, etag=key,
                         max_age=YEAR if request.args.get("v") == key[:16] else 0)
    if request.args.get("v") == key[:16]:
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.headers["X-Speech-Cache"] = "hit" if hit else "miss"
    if fmt == "vtt":
        response.mimetype = "text/vtt"
        response.charset = "utf-8"
    return response
