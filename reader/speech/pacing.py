"""Pacing: silence the engine does not make by itself (pure; works on a `Rendering`).

- every clip starts with `LEAD_IN` (150 ms) of silence, so Bluetooth headphones that wake
  on sound do not clip the first word;
- a short extra pause (`CREDIT_PAUSE`, 250 ms) before the credit, on top of eSpeak NG's own
  sentence pause, sets it apart from the caption as a newsreader's voice does;
- in the whole-gallery file, the silence between one photo's last word and the next part's
  first word is made up to `BETWEEN_PHOTOS` (0.8 s), against eSpeak's ~0.3 s between
  sentences (`gap_to_add`).

The word positions move with the samples, so the cues stay exact.
"""

from __future__ import annotations

import numpy as np

from reader.i18n import gettext
from reader.speech.engine import Rendering
from reader.speech.normalise import language
from reader.speech.normalise.punctuation import tidy

LEAD_IN = 0.150
CREDIT_PAUSE = 0.250
BETWEEN_PHOTOS = 0.8
_SILENT = 0.01  # below this amplitude (−40 dBFS) a sample counts as silence


def credit_start(text: str, lang: str | None) -> int | None:
    """Where the credit ("Photo: …", in the gallery's language) begins in a script."""
    # The prefix as the normaliser leaves it ("Photo :" becomes "Photo:").
    prefix = tidy(gettext(lang, "Photo: %(credit)s", credit="x"), language(lang))[:-1].strip()
    at = text.rfind(" " + prefix)
    return at + 1 if at > 0 and text[at - 1] in ".!?" else None


def _insert(r: Rendering, at_sample: int, seconds: float) -> Rendering:
    n = int(round(seconds * r.sample_rate))
    pad = b"\x00\x00" * n
    samples = r.samples[: at_sample * 2] + pad + r.samples[at_sample * 2:]
    marks = [(c, s + n if s >= at_sample else s) for c, s in r.marks]
    return Rendering(samples, r.sample_rate, marks)


def pace(r: Rendering, text: str, lang: str | None = None) -> Rendering:
    """The lead-in, and the pause before the credit."""
    at = credit_start(text, lang)
    if at is not None:
        sample = next((s for c, s in r.marks if c >= at), None)
        if sample is not None:
            r = _insert(r, sample, CREDIT_PAUSE)
    return _insert(r, 0, LEAD_IN)


def edge_silences(samples: bytes, rate: int) -> tuple[float, float]:
    """(seconds of silence at the start, at the end) of 16-bit mono PCM."""
    x = np.abs(np.frombuffer(samples, dtype="<i2").astype(np.float64) / 32768.0)
    loud = np.nonzero(x > _SILENT)[0]
    if not len(loud):
        return len(x) / rate, len(x) / rate
    return loud[0] / rate, (len(x) - 1 - loud[-1]) / rate


def gap_to_add(before: bytes, after: bytes, rate: int) -> int:
    """Samples of silence to put between two parts so the pause is `BETWEEN_PHOTOS`."""
    have = edge_silences(before, rate)[1] + edge_silences(after, rate)[0]
    return max(0, int(round((BETWEEN_PHOTOS - have) * rate)))


def pauses(samples: bytes, rate: int, shortest: float = 0.1) -> list[float]:
    """Lengths (s) of every stretch of silence inside the audio of at least ``shortest``
    seconds (measured on 10 ms windows), for the benchmark and the tests."""
    x = np.abs(np.frombuffer(samples, dtype="<i2").astype(np.float64) / 32768.0)
    w = max(1, int(0.01 * rate))
    frames = len(x) // w
    quiet = x[: frames * w].reshape(frames, w).max(axis=1) <= _SILENT
    out, run = [], 0
    loud_seen = False
    for q in quiet:
        if q:
            run += 1
        else:
            if loud_seen and run * w / rate >= shortest:
                out.append(run * w / rate)
            run, loud_seen = 0, True
    return out
