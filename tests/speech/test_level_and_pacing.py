"""Loudness and pacing, measured on the decoded audio the reader serves (the real engine).

Loudness is measured with pyloudnorm (ITU-R BS.1770-4); true peak here is computed
independently of the reader's limiter: FFT resampling to 4× (`scipy.signal.resample`),
not the polyphase filter the reader uses.
"""

from __future__ import annotations

import io

import numpy as np
import pyloudnorm
import pytest
import soundfile
from mutagen.id3 import ID3
from scipy.signal import resample

from reader.speech.pacing import pauses

TEXT = "The ferry leaves at noon. Gulls follow it out. Photo: Mira Holt, Coastline Press."


def _decode(data: bytes) -> tuple[np.ndarray, int]:
    x, rate = soundfile.read(io.BytesIO(data), dtype="float64")
    return x, rate


def _lufs(x: np.ndarray, rate: int) -> float:
    return pyloudnorm.Meter(rate).integrated_loudness(x)


def _true_peak(x: np.ndarray) -> float:
    return 20 * np.log10(np.max(np.abs(resample(x, 4 * len(x)))))


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    from reader.speech.service import Speech

    s = Speech(tmp_path_factory.mktemp("audio"))
    yield s
    s.close()


def _wav(speech, text, lang="en"):
    from reader.speech.script import SpeechSettings

    u = speech.utterance_for_text(text, SpeechSettings(), lang)
    return speech.file(u, "wav").read_bytes(), speech.file(u, "mp3").read_bytes()


def test_a_clip_is_at_minus_16_lufs_under_minus_1_dbtp(speech):
    wav, mp3 = _wav(speech, TEXT)
    x, rate = _decode(wav)
    assert _lufs(x, rate) == pytest.approx(-16.0, abs=0.3)
    assert _true_peak(x) <= -1.0
    y, rate = _decode(mp3)
    # The WAV is the master at −16.0; the 48 kbit/s MP3's low-pass takes off about 0.45 LU
    # of the K-weighted (treble-heavy) loudness.
    assert _lufs(y, rate) == pytest.approx(-16.0, abs=0.75)
    # MP3 coding moves peaks a little; the 1 dB of headroom is there for it.
    assert _true_peak(y) <= -0.3


def test_lead_in_and_a_longer_pause_before_the_credit(speech):
    wav, _ = _wav(speech, TEXT)
    x, rate = _decode(wav)
    assert np.max(np.abs(x[: int(0.14 * rate)])) < 0.005  # 150 ms of lead-in silence
    raw = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    gaps = pauses(raw, rate, shortest=0.15)
    # The pause after the first sentence, and before the credit: 250 ms longer, the
    # longest pause in the clip (the others are commas).
    assert len(gaps) >= 2, gaps
    sentence, before_credit = gaps[0], max(gaps)
    assert 0.2 <= before_credit - sentence <= 0.3, gaps


def test_greek_clip_is_paced_and_level_too(speech):
    wav, _ = _wav(speech, "Οι βάρκες επιστρέφουν στο λιμάνι. Φωτογραφία: Νίκος Αλεξίου, "
                          "Αθηναϊκό Πρακτορείο.", "el")
    x, rate = _decode(wav)
    assert _lufs(x, rate) == pytest.approx(-16.0, abs=0.5)
    assert _true_peak(x) <= -1.0
    raw = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    assert max(pauses(raw, rate, shortest=0.15)) >= 0.45  # sentence pause + credit pause


def test_whole_gallery_file_pauses_between_photos_and_is_level(speech_app, seed_gallery):
    client = speech_app.test_client()
    r = client.get(f"/listen/{seed_gallery.slug}/gallery.mp3")
    assert r.status_code == 200
    x, rate = _decode(r.data)
    assert _lufs(x, rate) == pytest.approx(-16.0, abs=0.75)  # an MP3: see above
    assert _true_peak(x) <= -0.3
    chapters = sorted(ID3(io.BytesIO(r.data)).getall("CHAP"), key=lambda c: c.start_time)
    assert len(chapters) == len(seed_gallery.items) + 1
    for chapter in chapters[1:]:
        at = int(chapter.start_time * rate / 1000)
        # Around every boundary, silence of about 0.8 s: the end of the part before, then
        # the next part's lead-in.
        before = x[max(0, at - int(1.5 * rate)):at]
        after = x[at:at + int(0.5 * rate)]
        quiet = np.abs(np.concatenate([before, after])) > 0.01
        loud = np.nonzero(quiet)[0]
        edge = len(before)
        last_before = loud[loud < edge].max()
        first_after = loud[loud >= edge].min()
        gap = (first_after - last_before) / rate
        assert 0.75 <= gap <= 0.9, (chapter.sub_frames["TIT2"].text[0], gap)
