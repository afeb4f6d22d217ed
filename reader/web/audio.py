"""Spoken audio on the web: `/audio/<slug>/<n>.(mp3|wav|vtt)` and each item's `speech`.

Files come from the speech cache (rendered on first request, once per key); a WAV is made
from the cached FLAC on request (the same samples). Responses carry
an ETag (the file's cache key), `Accept-Ranges` and 206 partial content for `Range` (Safari
needs it), and a year-long immutable `Cache-Control` when the URL names the version
(`?v=<key>`, as the document's URLs do: changing the caption, voice or rate changes the URL).
With no speech engine, the routes answer 503 with a plain message and `speech.audio` etc.
are null so the page shows "audio unavailable" instead of a broken player.

Settings: the voice, words per minute and speak-descriptions are each reader's own, in the
settings cookie (`/settings`, fields `speech_voice`, `speech_rate`, `speech_describe`); the app
config (`SPEECH_VOICE`, `SPEECH_RATE`, `SPEECH_DESCRIBE`) gives their defaults, and
`SPEECH_VOLUME` is the server's alone. A changed setting changes the text or engine settings,
so the cache key and the URL change and the audio is rendered again (once) for it.
"""

from __future__ import annotations

import io
import threading
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    request,
    send_file,
    url_for,
)

import reader.speech.markup as markup
from reader.config import RATE_RANGE  # one range for the web and the CLI
from reader.errors import InputError
from reader.model import Gallery, Item
from reader.speech.cache import DERIVED, FORMATS
from reader.speech.engine import EngineConfig
from reader.speech.lexicon import Lexicon, check_entry
from reader.speech.registry import check_engine
from reader.speech.script import SpeechSettings
from reader.speech.service import EngineUnavailable, RenderError, Speech, TextError, Utterance
from reader.web.admission import refused
from reader.web.assets import register_script
from reader.web.context import photo_or_404
from reader.web.media import register_provider
from reader.web.media_files import send_media
from reader.web.settings import ON_OFF, Choice, Field, current_settings, register_field
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
    "SPEECH_WARM": True,  # start the engine at app creation (config key speech.warm)
}


def speech() -> Speech:
    return current_app.extensions["speech"]


AUTO_VOICE = "auto"


def default_settings() -> SpeechSettings:
    """The configured defaults (no reader's cookie): pre-built, and never evicted."""
    c = current_app.config
    return SpeechSettings(voice=c["SPEECH_VOICE"] or None, rate=int(c["SPEECH_RATE"]),
                          volume=float(c["SPEECH_VOLUME"]), describe=bool(c["SPEECH_DESCRIBE"]))


def settings() -> SpeechSettings:
    """This reader's speech settings: their settings cookie, else the app config."""
    c = current_app.config
    voice, rate = c["SPEECH_VOICE"] or None, int(c["SPEECH_RATE"])
    describe = bool(c["SPEECH_DESCRIBE"])
    if has_request_context():
        mine = current_settings()
        voice = None if mine["speech_voice"] == AUTO_VOICE else mine["speech_voice"]
        rate = int(mine["speech_rate"])
        describe = mine["speech_describe"] == "on"
    return SpeechSettings(voice=voice, rate=rate, volume=float(c["SPEECH_VOLUME"]),
                          describe=describe)


def _voice_choices() -> list[Choice]:
    """"A voice for the gallery's language", then the engine's voices (none without one)."""
    out = [Choice(AUTO_VOICE, "A voice for each gallery’s language")]
    service = speech()
    if service.available():
        for v in sorted(service.voices(), key=lambda v: (v["name"].lower(), v["id"])):
            langs = ", ".join(v["languages"])
            out.append(Choice(v["id"], f"{v['name']} ({langs})" if langs else v["name"]))
    return out


def _register_settings(app: Flask) -> None:
    c = app.config
    lo, hi = RATE_RANGE
    register_field(app, Field(
        "speech_voice", "Voice", c["SPEECH_VOICE"] or AUTO_VOICE, kind="select",
        choices=_voice_choices, group="Speech",
        hint="The voice of the spoken captions. Each gallery is in one language; the "
             "automatic choice follows it. A voice you choose speaks the galleries in its "
             "own language; galleries in other languages keep a voice of theirs."))
    register_field(app, Field(
        "speech_rate", "Speaking rate (words per minute)", str(int(c["SPEECH_RATE"])),
        kind="integer", minimum=lo, maximum=hi, group="Speech",
        hint=f"From {lo} to {hi}; {DEFAULTS['SPEECH_RATE']} is an ordinary pace. The audio "
             "is made again at the new rate. The players' speed control also speeds up or "
             "slows down what is already made."))
    register_field(app, Field(
        "speech_describe", "Speak each photo’s description", "on" if c["SPEECH_DESCRIBE"]
        else "off", choices=ON_OFF, group="Speech",
        hint="After the caption and credit, the description of what the photo shows."))


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    backend = app.config["SPEECH_BACKEND"] and check_engine(app.config["SPEECH_BACKEND"])
    config = EngineConfig(library=app.config["SPEECH_LIBRARY"],
                          **({"backend": backend} if backend else {}))
    with app.app_context():
        defaults = default_settings()
    service = Speech.in_instance(app.instance_path, app.extensions["library"], config,
                                 workers=int(app.config["SPEECH_WORKERS"]),
                                 defaults=defaults, media=app.extensions["media"])
    app.extensions["speech"] = service
    warm = app.config["SPEECH_WARM"]
    if warm:
        # Start the engine now, so the first reader to press Listen does not wait for it.
        threading.Thread(target=service.available, daemon=True, name="speech-warm").start()
    _register_settings(app)
    app.register_blueprint(bp, url_prefix="/audio")
    register_provider(app, speech_media)
    app.extensions["lexicon"] = LexiconEditing(app)  # the editors' pronunciation page
    register_script(app, "speech.js")
    register_shortcut(app, Shortcut(("p",), "P", "Play or pause the current photo's caption "
                                               "and credit", id="play"))


class LexiconEditing:
    """The pronunciation lexicon as the editors' page (reader/web/lexicon_editor.py) uses it."""

    def __init__(self, app: Flask):
        self.app = app

    def _library(self):
        return self.app.extensions["library"]

    #: The kinds of entry (reader/speech/lexicon.py), as the page offers them.
    kinds = (("substitute", "Say other words"), ("spell", "Spell it letter by letter"),
             ("phonemes", "eSpeak phonemes"), ("language", "Say it in another language"))

    def entries(self) -> list[tuple[str, str, str]]:
        """(written, spoken, kind) of every entry, in word order."""
        return sorted(((w, s, k) for w, (s, k) in self._library().lexicon_entries().items()),
                      key=lambda e: e[0].lower())

    def _checked(self, written: str, spoken: str, kind: str) -> tuple[str, str, str]:
        try:
            word, said = check_entry(written, spoken, kind)
        except InputError as e:
            field = {"word": "written", "kind": "kind"}.get(e.field or "", "spoken")
            raise InputError(e.message, field=field) from None
        if kind == "language":
            service = speech()
            if service.available() and service.voice_language(service.voice_for(said)) \
                    != said.split("-")[0]:
                raise InputError(f"this server has no voice for the language {said!r}",
                                 field="spoken")
        return word, said, kind

    def set(self, written: str, spoken: str, kind: str = "substitute") -> None:
        self._library().set_pronunciation(*self._checked(written, spoken, kind))

    def remove(self, written: str) -> None:
        if not self._library().remove_pronunciation(written):
            raise InputError(f"there is no entry for {written!r}", field="written")

    def preview(self, text: str, entry: tuple[str, str, str] | None = None) -> tuple[bytes, str]:
        """The text spoken with the lexicon applied, as MP3 (through the speech cache);
        ``entry`` (written, spoken, kind), checked like a saved one, is applied as if saved."""
        service = speech()
        if not service.available():
            raise EngineUnavailable("this server has no speech engine to listen with")
        from reader.speech.script import say

        lexicon = service.lexicon()
        if entry is not None:
            word, said, kind = self._checked(*entry)
            lexicon = Lexicon({**lexicon.entries_with_kinds(), word: (said, kind)})
        # The same road as every caption (lexicon, then normaliser), so the preview and
        # the saved entry give the same audio.
        u = service.utterance_for_text(say(text, None, lexicon), settings())
        return service.read(u, "mp3"), "audio/mpeg"


def _utterance(gallery: Gallery, item: Item) -> Utterance:
    return speech().utterance(gallery, item, settings())


def speech_media(gallery: Gallery, item: Item) -> dict[str, Any]:
    """The item's `speech` (INTERFACE.md); URLs are null when there is no engine."""
    from reader.speech.script import speech_script

    s = settings()
    if not speech().available():
        text = speech_script(item, s, speech().lexicon(), gallery.lang,
                             speech().describes(gallery, item, s))
        return {"speech": {"text": markup.written(text), "voice": s.voice, "rate": s.rate,
                           "audio": None, "wav": None, "cues": None}}
    u = _utterance(gallery, item)

    def url(fmt: str) -> str:
        return url_for("audio.file", slug=gallery.slug, n=item.position, fmt=fmt,
                       v=u.key(fmt)[:16])

    return {"speech": {"text": markup.written(u.text), "voice": u.voice, "rate": u.rate,
                       "audio": url("mp3"), "wav": url("wav"), "cues": url("vtt")}}


SPEECH_ERRORS = (EngineUnavailable, TextError, RenderError, TimeoutError)


def speech_error_response(e: Exception, what: str):
    """The plain-text answer to a speech failure: no engine (503), text that cannot be
    spoken (404), or a render that failed or timed out (503, logged)."""
    if isinstance(e, EngineUnavailable):
        return plain_text(UNAVAILABLE, 503)
    if isinstance(e, TextError):
        return plain_text(f"There is no audio here: {e}.", 404)
    current_app.logger.error("speech for %s failed: %s", what, e)
    return plain_text("The speech engine could not render this audio; please try again.", 503)


def plain_text(message: str, status: int):
    return message + "\n", status, {"Content-Type": "text/plain; charset=utf-8",
                                    "Cache-Control": "no-store"}


@bp.get("/<slug>/<int:n>.<fmt>")
def file(slug: str, n: int, fmt: str):
    if fmt not in FORMATS:
        abort(404, description=f"No audio format “{fmt}”: try mp3, wav or vtt.")
    gallery, _total = photo_or_404(slug, n)  # this photo only: the same cost at any size
    if not speech().available():
        return plain_text(UNAVAILABLE, 503)
    try:
        u = _utterance(gallery, gallery.items[0])
    except EngineUnavailable:
        return plain_text(UNAVAILABLE, 503)
    return send_utterance(u, fmt, f"{slug}/{n}")


def send_utterance(u: Utterance, fmt: str, what: str):
    """The response for ``u``'s file of ``fmt`` (rendered if needed, at the client's render
    rate unless it is the configured default): ETag, ranges, and a year-long immutable cache
    when the request's ``v`` names this version."""
    if not u.pinned and speech().cached(u, fmt) is None:
        too_many = refused()
        if too_many:
            return too_many
    from reader.web import jobs

    try:
        waiting = jobs.queue() is not None and speech().cached(u, fmt) is None
        if waiting and not jobs.wait_for_worker(u, fmt):  # workers busy: come back soon
            body, status, headers = plain_text(
                "This audio is being made; please try again in a moment.", 503)
            return body, status, {**headers, "Retry-After": str(jobs.RETRY_AFTER)}
        name, hit = speech().fetch(u, fmt)
    except SPEECH_ERRORS as e:
        return speech_error_response(e, what)
    key = u.key(fmt)
    versioned = request.args.get("v") == key[:16]
    if fmt in DERIVED:
        try:
            body = io.BytesIO(speech().read(u, fmt))
        except SPEECH_ERRORS as e:
            return speech_error_response(e, what)
        response = send_file(body, mimetype=FORMATS[fmt], conditional=True, etag=key,
                             max_age=YEAR if versioned else 0)
        if versioned:
            response.cache_control.public = True
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
    else:
        response = send_media(name, FORMATS[fmt], etag=key, max_age=YEAR if versioned else 0,
                              immutable=versioned, no_cache=not versioned)
    response.headers["X-Speech-Cache"] = "hit" if hit else "miss"
    if FORMATS[fmt] == "text/vtt":
        response.mimetype = "text/vtt"
        response.charset = "utf-8"
    return response
