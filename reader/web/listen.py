"""Listening mode on the web: the whole gallery, part by part, and its downloads.

Routes (`/listen/<slug>/…`):
- ``<part>.mp3|wav|vtt|words.vtt``: part 0 is the introduction (title and standfirst), part n is
  "Photo n of N." and photo n's caption and credit; served like `/audio/` (cache, ETag,
  ranges, immutable when ``v`` names the version).
- ``gallery.mp3``: the whole gallery as one MP3 with an ID3v2 chapter per part (nested
  chapter tables past 255 parts), streamed as it is assembled (`reader.speech.gallery_file`),
  built once per content however many ask for it at once, then served from the cache.
- ``gallery.m3u``: a playlist of the parts' MP3s with their titles and lengths.

- ``parts.json``: ``{"parts": [{n, title, audio, cues, words}], "words": {…}}``, the parts'
  titles and URLs and the words the player shows, which the page's player fetches when first
  pressed (so the page itself does not grow with the gallery); made once per gallery
  content and reader settings, then kept (`_PARTS_CACHE`).

A part's routes work out that part alone (`listening.part`), never the whole list.

The page's player (`templates/partials/listen_player.html`, `static/listen.js`) gets its
settings from ``listen_player(gallery)``; a static export (``STATIC_EXPORT``) loads the parts
from ``parts.js`` (one file per export) instead, their cues as ``data:`` URLs (a page opened
from ``file://`` can load neither a JSON route nor a ``<track>`` file). The words come from
`reader.speech.listening`; each reader's voice and rate from their settings
(`reader.web.audio.settings`), and the play mode (straight through, or stop after each
photo) is a setting of its own here.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, url_for

from reader.errors import NotFound
from reader.i18n import gettext
from reader.model import Gallery
from reader.speech.cache import FORMATS
from reader.speech.gallery_file import gallery_key
from reader.speech.listening import Part, m3u, parts
from reader.speech.listening import part as one_part
from reader.speech.service import SHAPING, EngineUnavailable, Utterance
from reader.web import i18n
from reader.web.admission import refused
from reader.web.assets import register_script
from reader.web.audio import (
    SPEECH_ERRORS,
    UNAVAILABLE,
    plain_text,
    send_utterance,
    settings,
    speech,
    speech_error_response,
)
from reader.web.context import gallery_or_404, library, photo_or_404
from reader.web.export_site import static_export
from reader.web.media_files import send_media
from reader.web.settings import Choice, Field, register_field
from reader.web.shortcuts import Shortcut, register_shortcut

bp = Blueprint("listen", __name__)

MODES = (Choice("through", "Play straight through the gallery"),
         Choice("each", "Stop after each photo"))
SPEEDS = ("0.5", "0.75", "1", "1.25", "1.5", "1.75", "2", "2.5", "3")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/listen")
    register_field(app, Field(
        "listen_mode", "When listening to a whole gallery", "through", choices=MODES,
        group="Speech",
        hint="Stop after each photo to look at it for as long as you like; Play carries on."))
    register_script(app, "listen-loader.js")  # loads listen.js on first use
    app.add_template_global(listen_player)
    where = "Gallery and photo pages"
    register_shortcut(app, Shortcut(
        ("k",), "k", "Listen to the whole gallery: play, pause or resume",
        where + ". Screen readers keep k in browse mode (NVDA: next link): press NVDA+F2 "
                "(JAWS: Insert+3) first to pass it on, or use the player’s button or your "
                "keyboard’s Play/Pause media key", id="listen"))
    register_shortcut(app, Shortcut(("[",), "Left bracket",
                                    "While listening: the previous photo", where,
                                    id="listen-prev"))
    register_shortcut(app, Shortcut(("]",), "Right bracket",
                                    "While listening: the next photo", where,
                                    id="listen-next"))
    register_shortcut(app, Shortcut(("Esc",), "Escape", "While listening: stop", where,
                                    id="listen-stop", events=("Escape",)))


def _utterances(gallery: Gallery) -> list[tuple[Part, Utterance]]:
    s = settings()
    service = speech()
    return [(p, service.utterance_for_text(p.text, s, gallery.lang))
            for p in parts(gallery, s, service.lexicon(), service.describe_choices(gallery))]


def _utterance(slug: str, n: int) -> tuple[Part, Utterance]:
    """Part ``n`` and its utterance, loading that photo alone (for the introduction: the
    gallery with its first photo) and working out no other part: the same cost at any
    size."""
    if n:
        gallery, total = photo_or_404(slug, n)
    else:
        try:
            gallery, total = library().get_photo(slug, 1)
        except NotFound:
            abort(404, description=f"No gallery called “{slug}” in this library.")
    s = settings()
    service = speech()
    p = one_part(gallery, n, s, service.lexicon(), service.describe_choices(gallery),
                 total=total)
    return p, service.utterance_for_text(p.text, s, gallery.lang)


def _parts(gallery: Gallery, inline: bool = False) -> list[dict[str, Any]]:
    """Each part's number, title and URLs (empty with no engine). ``inline``: the cues as
    ``data:`` URLs (rendering every part now), for a static export."""
    if not speech().available():
        return []
    try:
        pairs = _utterances(gallery)
    except EngineUnavailable:
        return []

    def url(n: int, u: Utterance, fmt: str) -> str:
        if inline and fmt.endswith("vtt"):
            data = speech().file(u, fmt).read_bytes()
            return "data:text/vtt;base64," + base64.b64encode(data).decode("ascii")
        return url_for("listen.part", slug=gallery.slug, n=n, fmt=fmt, v=u.key(fmt)[:16])

    return [{"n": p.number, "title": p.title, "audio": url(p.number, u, "mp3"),
             "cues": url(p.number, u, "vtt"), "words": url(p.number, u, "words.vtt")}
            for p, u in pairs]


def _words(gallery: Gallery) -> dict[str, str]:
    """The words the player's script shows, in the gallery's interface language (the page's:
    `reader.web.i18n`); ``{n}``-style fields are filled in by the script."""
    lang = i18n.interface_lang(gallery.lang)
    return {"pause": gettext(lang, "Pause"), "resume": gettext(lang, "Resume"),
            "play": gettext(lang, "Play all"), "title": gallery.title, "now": "{part}. {title}",
            "stopped": gettext(lang, "Stopped. Play all starts again from the beginning or "
                                     "the photo you are on."),
            "end": gettext(lang, "The end of the gallery."),
            "each": gettext(lang, "End of photo %(n)s. Resume plays photo %(next)s.",
                            n="{n}", next="{next}"),
            "captions": gettext(lang, "Spoken text"),
            "spokenWords": gettext(lang, "Spoken words")}


def _player_data(gallery: Gallery, inline: bool = False) -> dict[str, Any]:
    return {"parts": _parts(gallery, inline), "words": _words(gallery)}


def listen_player(gallery: Gallery) -> dict[str, Any]:
    """What the page's player needs: whether there is anything to play (``parts``), where
    its parts are (``parts_url``, a JSON route; in a static export ``parts_script``, a script
    file written once for the whole gallery) and the download links. Costs the same whatever
    the gallery's size: no page carries the part list."""
    inline = static_export()
    if not speech().available():
        return {"parts": [], "downloads": None}
    return {"parts": [True], "inline": inline,
            "parts_url": None if inline else url_for("listen.parts_json", slug=gallery.slug),
            "parts_script": url_for("listen.parts_script", slug=gallery.slug) if inline
            else None,
            "downloads": {"mp3": url_for("listen.whole", slug=gallery.slug, fmt="mp3"),
                          "m3u": url_for("listen.whole", slug=gallery.slug, fmt="m3u")}}


@bp.get("/<slug>/parts.js")
def parts_script(slug: str):
    """The parts for a static export, as a script setting ``window.READER_LISTEN_PARTS``
    (a page opened from ``file://`` can load a script but not a JSON file), with the cues
    inline as ``data:`` URLs. The export fetches it once for all its pages."""
    gallery = gallery_or_404(slug)
    if not speech().available():
        return plain_text(UNAVAILABLE, 503)
    data = json.dumps(_player_data(gallery, inline=True), ensure_ascii=True)
    response = Response(f"window.READER_LISTEN_PARTS = {data};\n",
                        mimetype="text/javascript")
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response


_PARTS_CACHE: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_PARTS_CACHE_SIZE = 64  # galleries × settings kept
_parts_lock = threading.Lock()


def _content(gallery: Gallery) -> tuple:
    """Everything the parts' words and audio depend on, as a dictionary key."""
    s, service = settings(), speech()
    items = tuple((i.position, i.caption, i.credit, i.alt, i.image) for i in gallery.items)
    return (gallery.slug, gallery.title, gallery.standfirst, gallery.lang, items,
            (s.voice, s.rate, s.volume, s.describe),
            tuple(sorted(service.lexicon().entries_with_kinds().items())),
            tuple(sorted(service.describe_choices(gallery).items())),
            service.info()["version"], SHAPING, i18n.interface_lang(gallery.lang),
            _reader_version())  # the normaliser and the chapter titles change with it


def _reader_version() -> str:
    from reader.web.downloads import _reader_version as version

    return version()


def _cached_player_data(gallery: Gallery) -> dict[str, Any]:
    key = _content(gallery)
    with _parts_lock:
        data = _PARTS_CACHE.get(key)
        if data is not None:
            _PARTS_CACHE.move_to_end(key)
            return data
    data = _player_data(gallery)
    with _parts_lock:
        _PARTS_CACHE[key] = data
        while len(_PARTS_CACHE) > _PARTS_CACHE_SIZE:
            _PARTS_CACHE.popitem(last=False)
    return data


@bp.get("/<slug>/parts.json")
def parts_json(slug: str):
    """The player's parts and words, fetched on its first press (settings-dependent: the
    browser revalidates; the server keeps it per content and settings)."""
    gallery = gallery_or_404(slug)
    if not speech().available():
        return plain_text(UNAVAILABLE, 503)
    try:
        data = _cached_player_data(gallery)
    except EngineUnavailable:
        return plain_text(UNAVAILABLE, 503)
    response = jsonify(data)
    response.cache_control.no_cache = True
    response.vary.add("Cookie")  # the reader's voice and rate are in their settings
    return response


@bp.get("/<slug>/<int:n>.<fmt>")
def part(slug: str, n: int, fmt: str):
    if fmt not in FORMATS:
        abort(404, description=f"No audio format “{fmt}”: try mp3, wav or vtt.")
    if not speech().available():
        return plain_text(UNAVAILABLE, 503)
    try:
        _part, u = _utterance(slug, n)
    except EngineUnavailable:
        return plain_text(UNAVAILABLE, 503)
    return send_utterance(u, fmt, f"listen {slug}/{n}")


@bp.get("/<slug>/gallery.<fmt>")
def whole(slug: str, fmt: str):
    if fmt not in ("mp3", "m3u"):
        abort(404, description=f"No gallery download “{fmt}”: try mp3 or m3u.")
    gallery = gallery_or_404(slug)
    if not speech().available():
        return plain_text(UNAVAILABLE, 503)
    if fmt == "m3u":
        return _playlist(gallery)
    service = speech()
    s, lexicon = settings(), service.lexicon()
    describe = service.describe_choices(gallery)
    try:
        key = gallery_key(_content(gallery))
    except EngineUnavailable:
        return plain_text(UNAVAILABLE, 503)
    name = service.gallery_files.cached(key)
    if name is None and service.gallery_files.running(key) is None and s != service.defaults:
        too_many = refused()  # a new build (the configured default's are never refused)
        if too_many:
            return too_many

    def chapters() -> list[tuple[str, Utterance]]:  # in the build's thread, once
        return [(p.title, service.utterance_for_text(p.text, s, gallery.lang))
                for p in parts(gallery, s, lexicon, describe)]

    try:
        found = name or service.gallery_file(key, gallery.title, "Gallery reader", chapters)
        if isinstance(found, tuple):
            build, chunks = found
            length = build.wait_started()
    except (*SPEECH_ERRORS, ValueError) as e:
        return speech_error_response(e, f"gallery audio of {slug}")
    if not isinstance(found, tuple):
        response = send_media(found, "audio/mpeg", etag=key, no_cache=True,
                              download_name=f"{slug}.mp3")
        response.headers["X-Speech-Cache"] = "hit"
        return response
    # Streamed while it is assembled; its length is known from the start.
    response = Response(chunks, mimetype="audio/mpeg", direct_passthrough=True)
    response.content_length = length
    response.set_etag(key)
    response.headers.set("Content-Disposition", "attachment", filename=f"{slug}.mp3")
    response.headers["X-Speech-Cache"] = "miss"
    response.cache_control.no_cache = True
    return response


def _playlist(gallery: Gallery):
    service, slug = speech(), gallery.slug
    try:
        pairs = _utterances(gallery)
        new = [u for _, u in pairs if not u.pinned and service.cached(u, "flac") is None]
        too_many = refused() if new else None
        if too_many:
            return too_many
        entries = [(p.title, service.seconds(u),
                    url_for("listen.part", slug=slug, n=p.number, fmt="mp3",
                            v=u.key("mp3")[:16], _external=True))
                   for p, u in pairs]
    except SPEECH_ERRORS as e:
        return speech_error_response(e, f"gallery audio of {slug}")
    response = Response(m3u(gallery.title, entries), mimetype="audio/x-mpegurl")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.m3u"'
    response.cache_control.no_cache = True
    return response
