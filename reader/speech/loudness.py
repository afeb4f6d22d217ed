"""Loudness: every clip and the whole-gallery file at −16 LUFS (integrated, ITU-R BS.1770 /
EBU R128, measured with pyloudnorm) with true peaks at or below −1 dBTP.

eSpeak NG speaks at about −20 LUFS with sample peaks already near −1 dBFS (speech has a
high peak-to-loudness ratio), so a plain gain would clip. The gain is therefore followed by
a true-peak limiter:

- true peak is read on the signal oversampled 4× (polyphase FIR, `scipy.signal.
  resample_poly`), as BS.1770-4 Annex 2 describes, so peaks between samples count;
- the gain each sample needs to stay under the ceiling is held for 10 ms either side
  (a running minimum) and then averaged over the same 21 ms window: an average of minima
  over windows that all contain the sample can never exceed that sample's own limit, so the
  ceiling holds, and the gain moves smoothly (no clicks);
- loudness is measured again after limiting and the gain solved for (secant method), so the
  result lands within 0.1 LU of the target. eSpeak's peaks sit about 19 dB above its
  loudness, so reaching −16 LUFS under −1 dBTP takes about 6 dB of peak limiting.

A clip shorter than one 400 ms gating block is measured padded with silence (BS.1770 needs
one block); that reads it slightly quieter than it is, so very short clips come out a
little loud rather than quiet.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

# (imported here, when the speech service is made, not on a reader's first request: they
# take about half a second to load)

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
_MARGIN_DB = 0.3  # aim under the ceiling: the int16 rounding and the re-measure stay below it
_OVERSAMPLE = 4


def _meter(rate: int):
    return pyloudnorm.Meter(rate)


def integrated_loudness(x: np.ndarray, rate: int) -> float:
    """Integrated loudness (LUFS) of float samples in −1…1 (−inf for silence)."""
    block = int(0.4 * rate) + 1
    if len(x) < block:
        x = np.concatenate([x, np.zeros(block - len(x))])
    with np.errstate(divide="ignore"):
        return float(_meter(rate).integrated_loudness(x))


def _oversampled(x: np.ndarray) -> np.ndarray:
    return resample_poly(x, _OVERSAMPLE, 1)


def true_peak(x: np.ndarray) -> float:
    """True peak in dBTP (4× oversampled)."""
    if not len(x):
        return float("-inf")
    peak = float(np.max(np.abs(_oversampled(x))))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per sample, the largest oversampled magnitude around it."""
    up = np.abs(_oversampled(x))
    n = len(x)
    up = np.pad(up, (0, n * _OVERSAMPLE - len(up)))[: n * _OVERSAMPLE]
    per = up.reshape(n, _OVERSAMPLE).max(axis=1)
    return np.maximum(per, np.abs(x))


def limit(x: np.ndarray, rate: int, ceiling_db: float = CEILING_DBTP - _MARGIN_DB,
          envelope: np.ndarray | None = None) -> np.ndarray:
    """``x`` with every true peak at or below ``ceiling_db`` (smooth gain, see above).
    ``envelope`` is `_peak_envelope(x)` if the caller has it (it scales with a gain)."""
    ceiling = 10 ** (ceiling_db / 20)
    env = _peak_envelope(x) if envelope is None else envelope
    need = np.minimum(1.0, ceiling / np.maximum(env, 1e-12))
    if need.min() >= 1.0:
        return x
    size = 2 * int(0.010 * rate) + 1
    held = minimum_filter1d(need, size=size, mode="nearest")
    gain = uniform_filter1d(held, size=size, mode="nearest")
    return x * np.minimum(gain, need)


def normalise(samples: bytes, rate: int, target: float = TARGET_LUFS) -> bytes:
    """16-bit mono PCM → the same at ``target`` LUFS, true peak ≤ −1 dBTP."""
    x = np.frombuffer(samples, dtype="<i2").astype(np.float64) / 32768.0
    if not len(x) or not np.any(x):
        return samples
    envelope = _peak_envelope(x)  # oversampled once: a gain only scales it

    def after(gain_db: float) -> tuple[np.ndarray, float]:
        g = 10 ** (gain_db / 20)
        y = limit(x * g, rate, envelope=envelope * g)
        return y, integrated_loudness(y, rate)

    # Loudness after the limiter rises with the gain, but more slowly the more it limits:
    # solve for the gain by the secant method (a few steps; each is one limit + measure).
    g0 = 0.0
    y, l0 = after(g0)
    if not np.isfinite(l0):
        return samples
    g1 = target - l0
    for _ in range(8):
        y, l1 = after(g1)
        if abs(l1 - target) < 0.1 or l1 == l0:
            break
        g0, l0, g1 = g1, l1, g1 + (target - l1) * (g1 - g0) / (l1 - l0)
        g1 = min(max(g1, -40.0), 30.0)
    return (np.clip(np.round(y * 32768.0), -32768, 32767).astype("<i2")).tobytes()


def measure(samples: bytes, rate: int) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of 16-bit mono PCM."""
    x = np.frombuffer(samples, dtype="<i2").astype(np.float64) / 32768.0
    return integrated_loudness(x, rate), true_peak(x)
