"""`Speech`: a photo's script → cached WAV, MP3 and WebVTT cues, each rendered once.

Used by the web layer and the CLI alike (no Flask here). A request for a key that is being
rendered waits for that render instead of starting another (in-flight deduplication), so 20
readers opening 20 photos at once get 20 renders, and 20 readers opening one photo get one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import EngineUnavailable, RenderError, TextError
from reader.media import MediaStore, media_for
from reader.model import Gallery, Item
from reader.speech import loudness, markup
from reader.speech.audio import mp3_bytes, wav_bytes
from reader.speech.cache import FORMATS, AudioCache, cache_key
from reader.speech.cues import webvtt, webvtt_words
from reader.speech.engine import EngineConfig
from reader.speech.lexicon import Lexicon
from reader.speech.pacing import pace
from reader.speech.script import MAX_CHARS, SpeechSettings, describe_for, speech_script
from reader.speech.worker import EnginePool, job_timeout, shared_pool

__all__ = ["Speech", "Utterance", "EngineUnavailable", "RenderError", "TextError"]


#: How the engine's audio is shaped after rendering (lead-in, credit pause, −16 LUFS with a
#: −1 dBTP ceiling); part of every cache key, so a change here renders the audio again.
SHAPING = "shaped-1"


@dataclass(frozen=True)
class Utterance:
    """Exactly what is rendered: the text and the engine settings, with their cache keys."""

    text: str
    voice: str
    rate: int
    volume: float
    engine: str  # engine version (and the audio shaping's): part of every key
    lang: str | None = None  # the text's language (where its credit starts); not in the key
    # The configured default voice and rate: its files are pre-built and never evicted.
    pinned: bool = field(default=False, compare=False)

    def key(self, fmt: str) -> str:
        return cache_key(self.text, self.voice, self.rate, self.volume, self.engine, fmt)


def check_text(text: str) -> str:
    if not text.strip():
        raise TextError("there is nothing to say (the caption and credit are empty)")
    if len(text) > MAX_CHARS:
        raise TextError(f"the text is {len(text):,} characters long; the reader speaks at "
                        f"most {MAX_CHARS:,} at once")
    return text


class Speech:
    """``cache``: a folder, or the instance's media store (`reader.media`); ``defaults``: the
    configured speech settings, whose files are stored pinned (never evicted by the quota)."""

    def __init__(self, cache: str | Path | MediaStore, config: EngineConfig | None = None,
                 workers: int = 1,
                 lexicon: Callable[[], dict[str, tuple[str, str]]] | None = None,
                 pool: EnginePool | None = None,
                 describe: Callable[[str], dict[str, bool]] | None = None,
                 defaults: SpeechSettings | None = None):
        self.cache = AudioCache(cache)
        self.defaults = defaults
        # The engine processes: the process-wide pool for this configuration unless given.
        self.pool = pool or shared_pool(config, workers)
        self._lexicon = lexicon
        self._describe = describe  # slug → the editors' description choices (store)
        self._inflight: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.renders = 0  # how many texts this process sent to the engine

    @classmethod
    def in_instance(cls, instance: str | Path, library=None, config: EngineConfig | None = None,
                    workers: int = 1, defaults: SpeechSettings | None = None,
                    media: MediaStore | None = None) -> Speech:
        """The speech of an instance folder: its cache in its media store's `audio/` (the
        instance folder's unless ``media`` is given), its library's lexicon."""
        return cls(media if media is not None else media_for(instance), config,
                   workers=workers,
                   lexicon=library.lexicon_entries if library is not None else None,
                   describe=library.describe_choices if library is not None else None,
                   defaults=defaults)

    # -- the engine -------------------------------------------------------------------------
    def available(self) -> bool:
        return self.pool.available()

    @property
    def unavailable_reason(self) -> str | None:
        return self.pool.error

    def info(self) -> dict:
        return self.pool.start()

    def voices(self) -> list[dict]:
        return self.info()["voices"]

    def voice_for(self, lang: str | None) -> str:
        """The engine voice for a BCP 47 tag: exact language match, then the same primary
        language, else English, else the engine's own default."""
        lang = (lang or "en").lower().replace("_", "-")
        voices = self.voices()
        exact = [v for v in voices if lang in [x.lower() for x in v["languages"]]]
        primary = lang.split("-")[0]
        same = [v for v in voices
                if any(x.lower().split("-")[0] == primary for x in v["languages"])]
        for group in (exact, same):
            if group:
                # Prefer the plain voice for the language ("gmw/en") over variants.
                group.sort(key=lambda v: (v["id"].split("/")[-1] != primary, len(v["id"])))
                return group[0]["id"]
        return self.voice_for("en") if primary != "en" else self.info()["default_voice"]

    # -- what to say ------------------------------------------------------------------------
    def lexicon(self) -> Lexicon:
        return Lexicon(self._lexicon() if self._lexicon else {})

    def describe_choices(self, gallery: Gallery) -> dict[str, bool]:
        """The editors' choices of spoken descriptions for ``gallery`` (see `describe_for`)."""
        if self._describe is None or gallery.slug is None:
            return {}
        return self._describe(gallery.slug)

    def describes(self, gallery: Gallery, item: Item, settings: SpeechSettings) -> bool:
        return describe_for(item, self.describe_choices(gallery), settings.describe)

    def utterance(self, gallery: Gallery, item: Item, settings: SpeechSettings) -> Utterance:
        text = speech_script(item, settings, self.lexicon(), gallery.lang,
                             self.describes(gallery, item, settings))
        return self.utterance_for_text(text, settings, gallery.lang)

    def voice_language(self, voice: str) -> str | None:
        """The primary language of one of the engine's voices (None if it has none)."""
        for v in self.voices():
            if v["id"] == voice and v["languages"]:
                return v["languages"][0].lower().replace("_", "-").split("-")[0]
        return None

    def voice_for_text(self, chosen: str | None, lang: str | None) -> str:
        """The reader's chosen voice when it speaks the gallery's language; otherwise a
        voice for that language: a fixed voice never reads another language's text."""
        primary = (lang or "en").lower().replace("_", "-").split("-")[0]
        if chosen and self.voice_language(chosen) == primary:
            return chosen
        return self.voice_for(lang)

    def utterance_for_text(self, text: str, settings: SpeechSettings,
                           lang: str | None = None) -> Utterance:
        voice = self.voice_for_text(settings.voice, lang)
        return Utterance(text, voice, int(settings.rate), float(settings.volume),
                         f"{self.info()['version']} {SHAPING}", lang,
                         pinned=settings == self.defaults)

    # -- audio files ------------------------------------------------------------------------
    def cached(self, u: Utterance, fmt: str) -> str | None:
        """The media name of ``u``'s stored file of ``fmt``, or None."""
        return self.cache.get(u.key(fmt), fmt)

    def file(self, u: Utterance, fmt: str, timeout: float | None = None) -> Path:
        """A file on this machine holding ``fmt`` (wav, mp3, vtt) for ``u``, rendered if
        needed (with a bucket store: a local copy)."""
        self.fetch(u, fmt, timeout)
        return self.cache.path(u.key(fmt), fmt)

    def read(self, u: Utterance, fmt: str, timeout: float | None = None) -> bytes:
        """The bytes of ``fmt`` for ``u``, rendered if needed."""
        self.fetch(u, fmt, timeout)
        try:
            return self.cache.read(u.key(fmt), fmt)
        except FileNotFoundError:  # evicted in between: made again, once
            self._render_and_store(u)
            return self.cache.read(u.key(fmt), fmt)

    def fetch(self, u: Utterance, fmt: str, timeout: float | None = None) -> tuple[str, bool]:
        """(the media name of the file, whether it was cached already) — so callers can
        report hits."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown audio format {fmt!r}")
        name = self.cached(u, fmt)
        if name is not None:
            return name, True
        self.build(u, timeout)
        return self.cache.name(u.key(fmt), fmt), False

    def build(self, u: Utterance, timeout: float | None = None) -> bool:
        """Make every format of ``u``; returns False if all were cached already."""
        if all(self.cached(u, fmt) for fmt in FORMATS):
            return False
        check_text(u.text)
        base = u.key("")
        with self._lock:
            future = self._inflight.get(base)
            owner = future is None
            if owner:
                # Checked again under the lock: a render that just finished has written its
                # files before leaving `_inflight`, so this never renders a key twice.
                if all(self.cached(u, fmt) for fmt in FORMATS):
                    return False
                future = self._inflight[base] = Future()
        if owner:
            try:
                self._render_and_store(u)
                future.set_result(True)
            except BaseException as e:
                future.set_exception(e)
                raise
            finally:
                with self._lock:
                    self._inflight.pop(base, None)
            return True
        future.result(timeout=timeout or 3 * job_timeout(u.text) + 60)
        return False

    def _render_and_store(self, u: Utterance) -> None:
        rendering = self.pool.render(u.text, u.voice, u.rate, u.volume)
        self.renders += 1
        rendering = pace(rendering, u.text, u.lang)
        rendering.samples = loudness.normalise(rendering.samples, rendering.sample_rate)
        put, pin = self.cache.put, u.pinned
        put(u.key("wav"), "wav", wav_bytes(rendering.samples, rendering.sample_rate), pin)
        # Cues show the words as written, never a lexicon span's phonemes or language.
        text, timed = markup.shown(u.text, rendering)
        put(u.key("vtt"), "vtt", webvtt(text, timed).encode("utf-8"), pin)
        put(u.key("words.vtt"), "words.vtt", webvtt_words(text, timed).encode("utf-8"), pin)
        put(u.key("mp3"), "mp3", mp3_bytes(rendering.samples, rendering.sample_rate), pin)

    def close(self) -> None:
        """Stop this speech's engine processes (they restart if it is used again)."""
        self.pool.close()
