"""Fixtures for the speech tests: the REAL engine (eSpeak NG through pyttsx3), no mocks."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from reader.importers import load_path
from reader.web import create_app
from tests.conftest import GALLERIES, SEED


@pytest.fixture
def seed_gallery(library):
    gallery = next(iter(load_path(SEED))).gallery
    library.save(gallery)
    return gallery


@pytest.fixture
def speech_app(instance, seed_gallery):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    return app


@pytest.fixture
def twenty_items(library, seed_gallery):
    """20 items from two real galleries (the seed and an AP week in pictures)."""
    other = next(iter(load_path(GALLERIES / "16_yahoo_ap_week_in_pictures_global_apr2023.txt")))
    library.save(other.gallery)
    pairs = [(seed_gallery, i) for i in seed_gallery.items]
    pairs += [(other.gallery, i) for i in other.gallery.items]
    assert len(pairs) >= 20
    return pairs[:20]


def pcm(data: bytes) -> tuple[np.ndarray, int]:
    """Samples (float, −1…1) and rate of a WAV file's bytes."""
    with wave.open(io.BytesIO(data)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        return x / 32768.0, w.getframerate()


def envelope(x: np.ndarray, rate: int, window: float = 0.02) -> np.ndarray:
    n = int(rate * window)
    frames = len(x) // n
    return np.sqrt((x[:frames * n].reshape(frames, n) ** 2).mean(axis=1))


def envelope_correlation(a: np.ndarray, b: np.ndarray, rate: int, window: float = 0.02,
                         band: float = 0.1) -> float:
    """Correlation of two amplitude envelopes (RMS per 20 ms), aligned first by dynamic time
    warping within ±100 ms (the duration tolerance).

    eSpeak NG itself is not bit-exact from run to run: the same text can come out with one
    clause ~10 ms longer depending on what it said before (measured: 176,289 to 176,762
    samples for one caption), which shifts everything after it. Aligning within ±100 ms
    keeps that from reading as a mismatch while a different text still scores far lower.
    """
    ea, eb = envelope(a, rate, window), envelope(b, rate, window)
    k = max(1, int(round(band / window)))
    n, m = len(ea), len(eb)
    inf = float("inf")
    cost = np.full((n + 1, m + 1), inf)
    cost[0, 0] = 0.0
    for i in range(1, n + 1):
        lo, hi = max(1, i - k), min(m, i + k)
        for j in range(lo, hi + 1):
            d = abs(ea[i - 1] - eb[j - 1])
            cost[i, j] = d + min(cost[i - 1, j], cost[i, j - 1], cost[i - 1, j - 1])
    if cost[n, m] == inf:
        return 0.0
    i, j, pairs = n, m, []
    while i > 0 and j > 0:
        pairs.append((i - 1, j - 1))
        step = np.argmin([cost[i - 1, j - 1], cost[i - 1, j], cost[i, j - 1]])
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
    ia, ib = zip(*pairs, strict=True)
    return float(np.corrcoef(ea[list(ia)], eb[list(ib)])[0, 1])


def engine_alone(texts: list[str], voice: str, rate: int, out: Path) -> list[bytes]:
    """Render each text with plain pyttsx3, each in a fresh process (its driver state is
    process-wide; a second `runAndWait` in one process sometimes writes an empty file), with
    the same libespeak-ng the reader loads. Returns the WAV bytes."""
    out.mkdir(parents=True, exist_ok=True)
    script = textwrap.dedent("""
        import sys, time, wave
        from reader.speech.engine import load_espeak
        load_espeak()
        import pyttsx3
        text, voice, rate, path = sys.argv[1:5]
        engine = pyttsx3.init("espeak")
        engine.setProperty("voice", voice)
        engine.setProperty("rate", int(rate))
        engine.save_to_file(text, path)
        engine.runAndWait()
        for _ in range(500):
            try:
                with wave.open(path) as w:
                    if w.getnframes():
                        break
            except Exception:
                pass
            time.sleep(0.01)
    """)
    wavs = []
    for n, text in enumerate(texts):
        path = out / f"{n}.wav"
        subprocess.run([sys.executable, "-c", script, text, voice, str(rate), str(path)],
                       check=True, timeout=60, stdout=subprocess.DEVNULL)
        wavs.append(path.read_bytes())
    return wavs
