"""`Speech`: a photo's script → cached FLAC, MP3 and WebVTT cues, each rendered once (a WAV
is made from the FLAC on request); and the whole-gallery MP3, streamed as it is assembled.

Used by the web layer and the CLI alike (no Flask here). A request for a key that is being
rendered waits for that render instead of starting another (in-flight deduplication), so 20
readers opening 20 photos at once get 20 renders, and 20 readers opening one photo get one.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import EngineUnavailable, RenderError, TextError
from reader.media import MediaStore, media_for
from reader.model import Gallery, Item
from reader.speech import markup
from reader.speech.audio import flac_header, read_flac, wav_bytes
from reader.speech.cache import DERIVED, FORMATS, STORED, AudioCache, cache_key
from reader.speech.cues import webvtt, webvtt_words
from reader.speech.engine import EngineConfig
from reader.speech.gallery_builds import GalleryBuilds
from reader.speech.gallery_file import HEAD_BYTES, Source
from reader.speech.lexicon import Lexicon
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
        self.gallery_files = GalleryBuilds(self.cache)
        self._voices: dict[tuple, str] = {}

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
        info = self.info()
        memo = (settings.voice, lang, info["version"])
        voice = self._voices.get(memo)
        if voice is None:  # worked out once per voice and language (a scan of every voice)
            voice = self._voices[memo] = self.voice_for_text(settings.voice, lang)
        return Utterance(text, voice, int(settings.rate), float(settings.volume),
                         f"{info['version']} {SHAPING}", lang,
                         pinned=settings == self.defaults)

    # -- audio files ------------------------------------------------------------------------
    def cached(self, u: Utterance, fmt: str) -> str | None:
        """The media name of ``u``'s stored file of ``fmt`` (a derived format, wav: of the
        FLAC it is made from), or None."""
        fmt = DERIVED.get(fmt, fmt)
        return self.cache.get(u.key(fmt), fmt)

    def file(self, u: Utterance, fmt: str, timeout: float | None = None) -> Path:
        """A file on this machine holding ``fmt`` (flac, wav, mp3, vtt, words.vtt) for ``u``,
        rendered if needed (with a bucket store, or for a WAV: a local copy)."""
        if fmt in DERIVED:
            return self.cache.scratch(u.key(fmt), fmt, self.read(u, fmt, timeout))
        self.fetch(u, fmt, timeout)
        return self.cache.path(u.key(fmt), fmt)

    def read(self, u: Utterance, fmt: str, timeout: float | None = None) -> bytes:
        """The bytes of ``fmt`` for ``u``, rendered if needed (a WAV: made from the FLAC)."""
        if fmt == "wav":
            samples, rate = read_flac(io.BytesIO(self.read(u, "flac", timeout)))
            return wav_bytes(samples, rate)
        self.fetch(u, fmt, timeout)
        try:
            return self.cache.read(u.key(fmt), fmt)
        except FileNotFoundError:  # evicted in between: made again, once
            self._render_and_store(u)
            return self.cache.read(u.key(fmt), fmt)

    def head(self, u: Utterance, fmt: str = "flac", n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` bytes of ``u``'s stored ``fmt`` (a ranged read), rendered if
        needed. A file on this machine is read directly: a header read is not an access
        the quota's least-recently-used order needs (reading the file whole is)."""
        name = self.cache.name(u.key(fmt), fmt)
        for again in (False, True):
            try:
                local = self.cache.media.local_path(name)
                if local is not None:
                    with open(local, "rb") as f:
                        data = f.read(n)
                    if data:
                        return data
                    raise FileNotFoundError(name)  # an empty file counts as missing
                return b"".join(self.cache.media.open_range(name, 0, n))
            except FileNotFoundError:  # not made yet, or evicted in between: made (again)
                if again:
                    raise
                self.build(u)
        raise AssertionError("unreachable")

    def seconds(self, u: Utterance) -> float:
        """How long ``u`` lasts (from its FLAC's header: no decoding)."""
        rate, frames, _ = flac_header(self.head(u))
        return frames / rate

    def fetch(self, u: Utterance, fmt: str, timeout: float | None = None) -> tuple[str, bool]:
        """(the media name of the file, whether it was cached already) — so callers can
        report hits. For a derived format (wav) the file is the stored one it is made from
        (the FLAC)."""
        if fmt not in FORMATS and fmt not in STORED:
            raise ValueError(f"unknown audio format {fmt!r}")
        fmt = DERIVED.get(fmt, fmt)
        name = self.cache.get(u.key(fmt), fmt)
        if name is not None:
            return name, True
        self.build(u, timeout)
        return self.cache.name(u.key(fmt), fmt), False

    def _all_stored(self, u: Utterance) -> bool:
        return all(self.cache.get(u.key(fmt), fmt) for fmt in STORED)

    def build(self, u: Utterance, timeout: float | None = None) -> bool:
        """Make every stored format of ``u`` (`STORED`); returns False if all were cached
        already. The function to call to make sure one clip is rendered."""
        if self._all_stored(u):
            return False
        check_text(u.text)
        base = u.key("")
        with self._lock:
            future = self._inflight.get(base)
            owner = future is None
            if owner:
                # Checked again under the lock: a render that just finished has written its
                # files before leaving `_inflight`, so this never renders a key twice.
                if self._all_stored(u):
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
        # Paced, levelled and encoded in the engine's worker process (`worker.shaped`).
        rendering, files = self.pool.render_shaped(u.text, u.voice, u.rate, u.volume, u.lang)
        self.renders += 1
        put, pin = self.cache.put, u.pinned
        put(u.key("flac"), "flac", files["flac"], pin)
        # Cues show the words as written, never a lexicon span's phonemes or language.
        text, timed = markup.shown(u.text, rendering)
        put(u.key("vtt"), "vtt", webvtt(text, timed).encode("utf-8"), pin)
        put(u.key("words.vtt"), "words.vtt", webvtt_words(text, timed).encode("utf-8"), pin)
        put(u.key("mp3"), "mp3", files["mp3"], pin)

    # -- the whole-gallery file -------------------------------------------------------------
    def source(self, title: str, u: Utterance) -> Source:
        """Part ``u`` of a whole-gallery file: its FLAC where the cache keeps it (made again
        if the quota evicted it in between)."""
        return Source(title, self.cache.name(u.key("flac"), "flac"),
                      lambda n: self.head(u, "flac", n), lambda: self.read(u, "flac"))

    def gallery_file(self, key: str, title: str, artist: str | None,
                     parts: Callable[[], Sequence[tuple[str, Utterance]]]):
        """The whole-gallery MP3 whose content ``key`` names: the media name of its cached
        file, or ``(build, bytes as they come)`` of the one build making it (see
        `gallery_builds`). ``parts()`` ((chapter title, utterance) in order) is called by the
        build alone; the parts missing from the cache are rendered first, by every engine
        worker at once."""
        from reader.speech import gallery_file

        def sources() -> list[Source]:
            todo = parts()
            if self.cached(todo[-1][1], "flac") is None:  # a cold gallery: every part
                missing = [u for _, u in todo if self.cached(u, "flac") is None]
                with ThreadPoolExecutor(max(1, len(self.pool.workers))) as ex:
                    list(ex.map(self.build, missing))  # one at a time per engine worker
            # (A part missing now is rendered when it is measured: `head`.)
            return [self.source(name, u) for name, u in todo]

        # A bucket answers each part's header read in a network round trip: a few at once.
        remote = self.cache.media.local_path(self.cache.name(key, "mp3")) is None
        threads = gallery_file.MEASURE_THREADS if remote else 1

        def make(build) -> Iterator[bytes]:
            return gallery_file.assemble(sources, title, artist, build.started, threads)

        return self.gallery_files.open(key, make)

    def close(self) -> None:
        """Stop this speech's engine processes (they restart if it is used again)."""
        self.pool.close()
