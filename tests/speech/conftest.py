"""Fixtures for the speech tests: the REAL engine (eSpeak NG through pyttsx3), no mocks."""

from __future__ import annotations

import io
import subprocess
import sys
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


ENGINE_ALONE = """
import ctypes, sys, wave
from pathlib import Path
import espeakng_loader as L
import os
os.environ["ESPEAK_DATA_PATH"] = L.get_data_path()
lib = ctypes.CDLL(L.get_library_path())
out, voice, rate = Path(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3])
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
buf = bytearray()
@CB
def on_synth(wav, n, events):
    if n > 0:
        buf.extend(ctypes.string_at(wav, n * 2))
    return 0
sample_rate = lib.espeak_Initialize(2, 0, None, 0)  # AUDIO_OUTPUT_SYNCHRONOUS
lib.espeak_SetSynthCallback(on_synth)
assert lib.espeak_SetVoiceByName(voice) == 0
lib.espeak_SetParameter(1, rate, 0)  # espeakRATE
lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                             ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
for n, text in enumerate((out / "texts.txt").read_text("utf-8").split("\\n")):
    buf.clear()
    data = text.encode()
    # espeakCHARS_UTF8 | espeakENDPAUSE
    assert lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0x1 | 0x1000, None, None) == 0
    with wave.open(str(out / f"{n}.wav"), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(sample_rate)
        w.writeframes(bytes(buf))
"""


def engine_alone(texts: list[str], voice: str, rate: int, out: Path) -> list[bytes]:
    """Render each text with eSpeak NG alone: its C API called directly with ctypes in a fresh
    process (not through the reader, nor pyttsx3, whose eSpeak driver drops the last buffer
    of a text now and then), with the same library the reader loads. Returns WAV bytes."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "texts.txt").write_text("\n".join(texts), encoding="utf-8")
    subprocess.run([sys.executable, "-c", ENGINE_ALONE, str(out), voice, str(rate)],
                   check=True, timeout=120)
    return [(out / f"{n}.wav").read_bytes() for n in range(len(texts))]


def unpaced(x: np.ndarray, rate: int) -> np.ndarray:
    """The served audio without the silence the reader adds to the engine's (pacing.py):
    the lead-in, and the pause before the credit (exact zeros, so they can be found)."""
    from reader.speech.pacing import CREDIT_PAUSE, LEAD_IN

    lead = int(round(LEAD_IN * rate))
    assert not np.any(x[:lead]), "no lead-in silence"
    x = x[lead:]
    pause = int(round(CREDIT_PAUSE * rate))
    zero = np.concatenate([[False], x == 0, [False]])
    edges = np.flatnonzero(np.diff(zero.astype(int)))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    if runs:
        start, end = max(runs, key=lambda r: r[1] - r[0])
        if end - start >= pause:
            x = np.concatenate([x[:start], x[start + pause:]])
    return x
