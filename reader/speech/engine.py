"""The speech engine itself: runs ONLY inside the worker process (see `worker`).

pyttsx3's eSpeak driver keeps its callback and state process-wide, cannot survive `fork`
after initialising, and prints to stdout; so one process owns it and does nothing else.

Two back ends, both through pyttsx3:
- `espeak-sync` (Linux default): pyttsx3's own low-level eSpeak NG binding
  (`pyttsx3.drivers._espeak`) in synchronous mode. `espeak_Synth` returns when the audio is
  made, and every word event carries its exact sample position, so cue times are read off
  the audio. No polling loop.
- `pyttsx3` (the portable path: SAPI5 on Windows, NSSS on macOS, eSpeak elsewhere):
  `save_to_file` + `runAndWait`, one sentence per job so each sentence's start is a real
  position in the concatenated audio. Output files are waited for and checked, since the
  first `runAndWait` can return before the file is written.

Where libespeak-ng comes from: the `espeakng-loader` wheel (library + data), preloaded before
pyttsx3 looks for `libespeak-ng.so.1` (its soname, so pyttsx3 binds to the already-loaded copy)
with `ESPEAK_DATA_PATH` set first; else the system library (Debian: libespeak-ng1).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import EngineUnavailable
from reader.speech.audio import read_wav
from reader.speech.registry import EngineConfig, make_engine, register_engine

__all__ = ["EngineConfig", "EspeakSync", "Pyttsx3Plain", "Rendering", "make_backend"]

#: eSpeak crashes on one text of roughly 16,000+ characters; keep every call well below.
CHUNK_CHARS = 3000


@dataclass
class Rendering:
    """What the engine made for one text: 16-bit mono PCM, and where words start.

    ``marks`` are (character offset in the text, sample offset in the audio) pairs, in order:
    every word for `espeak-sync`, every sentence for `pyttsx3`.
    """

    samples: bytes
    sample_rate: int
    marks: list[tuple[int, int]] = field(default_factory=list)

    @property
    def n_samples(self) -> int:
        return len(self.samples) // 2

    @property
    def duration(self) -> float:
        return self.n_samples / self.sample_rate

    def verify(self, text: str) -> None:
        """Raise ValueError unless this is a whole rendering of ``text``."""
        if len(self.samples) % 2 or not 8000 <= self.sample_rate <= 96000:
            raise ValueError("malformed audio from the engine")
        words = len(re.findall(r"\w+", text))
        if self.n_samples < 0.05 * self.sample_rate or (words and self.duration < 0.04 * words):
            raise ValueError(f"the engine returned {self.duration:.3f} s of audio for "
                             f"{words} words")
        last_char = -1
        for char, sample in self.marks:
            if not (0 <= char <= len(text) and 0 <= sample <= self.n_samples) or char < last_char:
                raise ValueError("the engine's word positions do not fit its audio")
            last_char = char


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) with every piece ≤ limit characters, split at sentence ends, else
    at spaces, else hard."""
    out, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        cut = cut + 2 if cut > limit // 3 else window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        out.append((start, text[start:start + cut]))
        start += cut
    if start < len(text):
        out.append((start, text[start:]))
    return out


def load_espeak(library: str | None = None) -> str:
    """Make libespeak-ng loadable for pyttsx3; returns where it came from."""
    if library == "system":
        where = "system"
    elif library:
        if not Path(library).is_file():
            raise EngineUnavailable(f"no eSpeak NG library at {library}")
        ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
        where = library
    else:
        where = "system"
        try:
            import espeakng_loader

            os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
            ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
            where = "espeakng-loader"
        except (ImportError, OSError, RuntimeError):
            os.environ.pop("ESPEAK_DATA_PATH", None)
    try:
        from pyttsx3.drivers import _espeak  # noqa: F401  (binds to the library loaded above)
    except (OSError, RuntimeError) as e:
        raise EngineUnavailable(f"eSpeak NG is not installed ({e})") from e
    return where


def _pyttsx3_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyttsx3")
    except PackageNotFoundError:
        return "unknown"


@register_engine
class EspeakSync:
    """eSpeak NG in synchronous mode through pyttsx3's binding."""

    name = "espeak-sync"

    def __init__(self, config: EngineConfig):
        self.source = load_espeak(config.library)
        from pyttsx3.drivers import _espeak as E

        self.E = E
        self.sample_rate = E.Initialize(E.AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.sample_rate <= 0:
            raise EngineUnavailable("eSpeak NG would not initialise (is its data installed?)")
        self._buf = bytearray()
        self._marks: list[tuple[int, int]] = []
        E.SetSynthCallback(self._on_synth)  # pyttsx3 keeps the ctypes callback alive
        self._props: dict[str, object] = {}
        self.version = f"espeak-ng {E.Info(None).decode()} via pyttsx3 {_pyttsx3_version()}"
        current = E.GetCurrentVoice()
        self.default_voice = (current.contents.identifier.decode().lower()
                              if current and current.contents.identifier else "en")

    def _on_synth(self, wav, n, events) -> int:
        if n > 0:
            self._buf += ctypes.string_at(wav, n * 2)
        i = 0
        while events[i].type != self.E.EVENT_LIST_TERMINATED:
            e = events[i]
            if e.type == self.E.EVENT_WORD:
                self._marks.append((e.text_position - 1, e.sample))
            i += 1
        return 0

    def voices(self) -> list[dict]:
        out = []
        for v in self.E.ListVoices(None):
            langs = v.languages[1:].decode("utf-8", "ignore") if v.languages else ""
            out.append({"id": v.identifier.decode().lower(), "name": v.name.decode(),
                        "languages": [langs] if langs else []})
        return out

    def _set(self, voice: str, rate: int, volume: float) -> None:
        E = self.E
        if self._props.get("voice") != voice:
            if E.SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"the engine has no voice {voice!r}")
            self._props = {"voice": voice}  # a new voice: set rate and volume again
        if self._props.get("rate") != rate:
            E.SetParameter(E.RATE, int(rate), 0)
            self._props["rate"] = rate
        if self._props.get("volume") != volume:
            E.SetParameter(E.VOLUME, int(round(volume * 100)), 0)
            self._props["volume"] = volume

    def _language_voice(self, lang: str) -> str | None:
        """A voice of this engine for language ``lang`` (a lexicon's *language* entry); None
        if it has none (the phrase is then said by the utterance's voice, never refused)."""
        primary = lang.split("-")[0]
        ids = [v["id"] for v in self.voices()
               if any(x.lower() in (lang, primary) or x.lower().split("-")[0] == primary
                      for x in v["languages"])]
        if not ids:
            return None
        ids.sort(key=lambda i: (i.split("/")[-1] not in (lang, primary), len(i)))
        return ids[0]

    def render(self, text: str, voice: str, rate: int, volume: float) -> Rendering:
        """Lexicon spans (`reader.speech.markup`): phonemes go inline as eSpeak's ``[[…]]``
        with its phoneme input on (``PHONEMES``); a phrase in another language is a run of
        its own with that language's voice, its audio joined in between. Word marks are
        offsets in ``text`` either way."""
        import reader.speech.markup as markup

        runs: list[tuple[str | None, list]] = []
        for piece in markup.pieces(text):
            if runs and runs[-1][0] == piece.lang:
                runs[-1][1].append(piece)
            else:
                runs.append((piece.lang, [piece]))
        samples = bytearray()
        marks: list[tuple[int, int]] = []
        for n, (lang, run) in enumerate(runs):
            self._set((self._language_voice(lang) if lang else None) or voice, rate, volume)
            said, starts = "", []
            for piece in run:
                starts.append((len(said), piece))
                said += piece.said
            flags = self.E.CHARS_UTF8 | self.E.PHONEMES
            if n == len(runs) - 1:
                flags |= self.E.ENDPAUSE
            for char, sample in self._synth(said, flags, len(samples) // 2, samples):
                at, piece = next((a, p) for a, p in reversed(starts) if a <= char)
                if piece.phonemes:
                    where = piece.start
                elif piece.lang:  # said as written: word by word, after the span's opening
                    where = piece.start + 1 + char - at
                else:
                    where = piece.start + char - at
                marks.append((min(where, piece.end), sample))
        return Rendering(bytes(samples), self.sample_rate, marks)

    def _synth(self, text: str, flags: int, base: int, samples: bytearray):
        """Say ``text`` onto ``samples``; yields (character in text, sample) word marks."""
        out = []
        for offset, piece in chunks(text):
            self._buf, self._marks = bytearray(), []
            # Character positions are counted in characters of the UTF-8 text.
            if self.E.Synth(piece.encode("utf-8"), flags=flags) != 0:
                raise RuntimeError("eSpeak NG refused the text")
            out += [(offset + c, base + s) for c, s in self._marks]
            base += len(self._buf) // 2
            samples += self._buf
        return out


@register_engine
class Pyttsx3Plain:
    """The plain pyttsx3 engine (`save_to_file` + `runAndWait`), one sentence per call."""

    name = "pyttsx3"

    def __init__(self, config: EngineConfig):
        driver = None
        if sys.platform.startswith("linux"):
            self.source = load_espeak(config.library)
            driver = "espeak"
        else:
            self.source = "platform"
        import pyttsx3

        self.engine = pyttsx3.init(driver)
        self.driver = driver
        self.default_voice = self.engine.getProperty("voice") or ""
        self._dir = Path(tempfile.mkdtemp(prefix="reader-tts-"))
        self._props: dict[str, object] = {}
        self._n = 0
        self.version = f"pyttsx3 {_pyttsx3_version()} {driver or sys.platform}"

    def voices(self) -> list[dict]:
        out = []
        for v in self.engine.getProperty("voices"):
            langs = [lang.decode() if isinstance(lang, bytes) else str(lang)
                     for lang in (v.languages or [])]
            out.append({"id": v.id, "name": v.name, "languages": langs})
        return out

    def _settled(self, rate: int, volume: float) -> bool:
        """Did the queued property changes really happen? (pyttsx3's `endLoop` clears the
        command queue, so when `runAndWait` ends early the `setProperty` calls queued with
        the utterance are silently dropped and it is spoken at the old rate.)"""
        if self.driver != "espeak":
            return True  # other drivers report rate in their own units; trust them
        return (self.engine.getProperty("rate") == rate
                and abs(self.engine.getProperty("volume") - volume) < 0.01)

    def _file(self, text: str, voice: str, rate: int, volume: float) -> bytes:
        # Up to three tries in this process; then the pool retries on a fresh worker.
        for _ in range(3):
            # Properties are queued with the utterance they are for, so they cannot race
            # with a finishing one; re-queued whenever a run dropped them.
            for name, value in (("voice", voice), ("rate", rate), ("volume", volume)):
                if self._props.get(name) != value:
                    self.engine.setProperty(name, value)
            self._props = {"voice": voice, "rate": rate, "volume": volume}
            data = self._try_file(text)
            if data is not None and self._settled(rate, volume):
                return data
            self._props = {}
        raise RuntimeError("pyttsx3 wrote no audio at the asked rate")

    def _wait_idle(self, limit: float = 5.0) -> None:
        """Let eSpeak finish the last message before the next `runAndWait`: that call
        begins with the driver's `stop()`, which, if eSpeak still reports itself playing,
        flags a cancel that then cuts the *new* text short."""
        if self.driver != "espeak":
            return
        from pyttsx3.drivers import _espeak as E

        deadline = time.monotonic() + limit
        while E.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.002)

    def _try_file(self, text: str) -> bytes | None:
        """One `save_to_file` + `runAndWait` (several files before one run write only the
        last), then wait for the file: the driver sometimes returns first, sometimes writes
        an empty file."""
        self._n += 1
        path = self._dir / f"{self._n}.wav"
        self._wait_idle()
        self.engine.save_to_file(text, str(path))
        self.engine.runAndWait()
        deadline = time.monotonic() + 5 + len(text) / 200
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                data = path.read_bytes()
                samples, _ = read_wav(data)
                if samples:
                    path.unlink()
                    return data
            time.sleep(0.01)
        with contextlib.suppress(OSError):
            path.unlink()
        return None

    def render(self, text: str, voice: str, rate: int, volume: float) -> Rendering:
        """pyttsx3's drivers take plain text only (its eSpeak driver calls ``Synth`` with
        ``ENDPAUSE | CHARS_UTF8``, no phoneme input), so lexicon spans are said as their
        written words here; the marks are mapped back onto ``text``."""
        import reader.speech.markup as markup

        table = markup.to_engine(text)
        r = self._render_plain(markup.written(text), voice, rate, volume)
        r.marks = [(table[c], s) for c, s in r.marks]
        return r

    def _render_plain(self, text: str, voice: str, rate: int, volume: float) -> Rendering:
        from reader.speech.script import sentences

        samples, marks, sample_rate = bytearray(), [], 0
        for start, end in sentences(text) or [(0, len(text))]:
            for offset, piece in chunks(text[start:end]):
                pcm, sample_rate = read_wav(self._file(piece, voice, rate, volume))
                marks.append((start + offset, len(samples) // 2))
                samples += pcm
        return Rendering(bytes(samples), sample_rate, marks)


make_backend = make_engine  # the name the worker has always used
