"""The whole-gallery MP3 as a stream: its size known before it is encoded, chapters for any
number of parts (nested tables past 255), memory bounded by one part.

The parts here are real FLAC files of tones and silence (no engine needed); the file is
read back by mutagen (tags), libsndfile (the audio, gapless) and, when Debian's ffmpeg is
installed (scripts/setup), ffprobe: three readers that are not the code under test.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tracemalloc

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3, CTOCFlags

from reader.speech.audio import Mp3Stream, _frames, predicted_size
from reader.speech.gallery_file import (
    MAX_ENTRIES,
    PER_TABLE,
    assemble,
    file_source,
    gap,
    measure,
    plan,
)

RATE = 22050


@pytest.mark.parametrize("rate", [16000, 22050, 24000])
def test_the_stream_size_is_predicted_exactly(rate):
    rng = np.random.default_rng(rate)
    for n in [1, 575, 576, 577, 1152, 22050, *rng.integers(1, 400_000, 20).tolist()]:
        enc = Mp3Stream(rate)
        pcm = rng.integers(-3000, 3000, n, dtype="<i2").tobytes()
        # Fed in uneven pieces, as the parts are.
        cut = n // 3
        stream = enc.encode(pcm[:cut * 2]) + enc.encode(pcm[cut * 2:]) + enc.flush()
        assert predicted_size(n, rate) == (_frames(stream), len(stream)), n


def _part(folder, i: int, seconds: float):
    """A FLAC of 150 ms silence, a tone whose pitch names the part, 100 ms silence."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = 0.3 * np.sin(2 * np.pi * (200 + 3 * i) * t)
    x = np.concatenate([np.zeros(int(0.15 * RATE)), tone, np.zeros(int(0.1 * RATE))])
    path = folder / f"{i}.flac"
    soundfile.write(path, (x * 32767).astype("<i2"), RATE, format="FLAC", subtype="PCM_16")
    return file_source(f"Photo {i} of N" if i else "Introduction", path)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """301 parts: more than one table can list (255), so three sub-tables of 100 and one of 1."""
    folder = tmp_path_factory.mktemp("parts")
    return [_part(folder, i, 0.3 + (i % 7) * 0.05) for i in range(301)]


@pytest.fixture(scope="module")
def built(many):
    sizes = []
    data = b"".join(assemble(lambda: many, "A long gallery", "Gallery reader", sizes.append))
    return data, sizes[0], plan([measure(s) for s in many])


def _walk(tags: ID3, element: str) -> list[str]:
    """Chapter ids in table order, following nested tables (ID3v2 Chapter addendum, 3.2)."""
    tables = {f.element_id: f for f in tags.getall("CTOC")}
    if element not in tables:
        return [element]
    return [c for child in tables[element].child_element_ids for c in _walk(tags, child)]


def test_the_announced_size_is_the_file_size(built):
    data, announced, _ = built
    assert announced == len(data)


def test_chapters_past_255_read_back_with_mutagen(built, many):
    data, _, p = built
    tags = ID3(io.BytesIO(data))
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert len(chaps) == len(many) == 301
    top = [t for t in tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1
    tables = {t.element_id: t for t in tags.getall("CTOC")}
    subs = [tables[c] for c in top[0].child_element_ids]
    assert not any(t.flags & CTOCFlags.TOP_LEVEL for t in subs)
    assert all(t.flags & CTOCFlags.ORDERED for t in tags.getall("CTOC"))
    assert all(len(t.child_element_ids) <= MAX_ENTRIES for t in tags.getall("CTOC"))
    assert [len(t.child_element_ids) for t in subs] == [PER_TABLE, PER_TABLE, PER_TABLE, 1]
    order = _walk(tags, top[0].element_id)
    assert len(order) == 301
    titles = [chaps[c].sub_frames["TIT2"].text[0] for c in order]
    assert titles == [s.title for s in many]
    starts = [chaps[c].start_time for c in order]
    assert starts == sorted(starts) and starts == [c.start_ms for c in p.chapters]
    # Each chapter ends where the next begins; the last at the end of the audio.
    ends = [chaps[c].end_time for c in order]
    assert ends[:-1] == starts[1:]
    assert ends[-1] == round(p.samples * 1000 / RATE)
    assert subs[1].sub_frames["TIT2"].text[0] == "Photo 100 of N – Photo 199 of N"


def test_the_audio_decodes_gapless_with_each_part_where_its_chapter_says(built, many):
    data, _, p = built
    x, rate = soundfile.read(io.BytesIO(data), dtype="float64")
    assert rate == RATE
    # The Xing/LAME frame trims the encoder's delay and padding: exactly the samples joined.
    assert len(x) == p.samples
    # Part 150's tone (650 Hz) is where its chapter starts, after its 150 ms lead-in.
    ch = p.chapters[150]
    at = int(ch.start_ms * RATE / 1000) + int(0.2 * RATE)
    window = x[at:at + 2048] * np.hanning(2048)
    peak = np.argmax(np.abs(np.fft.rfft(window))) * RATE / 2048
    assert abs(peak - 650) < 15, peak


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="Debian's ffmpeg is not installed")
def test_ffprobe_reads_every_chapter(built, tmp_path):
    data, _, p = built
    path = tmp_path / "gallery.mp3"
    path.write_bytes(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True)
    info = json.loads(out.stdout)
    chapters = info["chapters"]
    assert len(chapters) == 301
    assert [c["tags"]["title"] for c in chapters] == [c.title for c in p.chapters]
    assert [round(float(c["start_time"]) * 1000) for c in chapters] == \
        [c.start_ms for c in p.chapters]
    assert info["format"]["tags"]["title"] == "A long gallery"


def test_memory_is_bounded_by_a_part_not_the_gallery(many):
    """Streaming 301 parts holds about one part, not the file (here ~1.3 MB of samples)."""
    total = 0
    tracemalloc.start()
    try:
        for chunk in assemble(lambda: many, "A long gallery", None):
            total += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    pcm_bytes = sum(measure(s).frames for s in many) * 2
    assert peak < pcm_bytes / 10, (peak, pcm_bytes, total)


def test_a_clips_edges_are_read_from_its_flac_comment_as_from_its_samples(tmp_path):
    """The comment written with a clip (`edges_comment`) gives what decoding it gives (a
    FLAC written without the comment is measured from its samples)."""
    from reader.speech.audio import flac_bytes
    from reader.speech.gallery_file import edges_comment

    for i, (lead, tail) in enumerate([(0.15, 0.1), (0.0, 0.0), (1.2, 0.9)]):
        t = np.arange(int(0.5 * RATE)) / RATE
        x = np.concatenate([np.zeros(int(lead * RATE)), 0.3 * np.sin(2 * np.pi * 440 * t),
                            np.zeros(int(tail * RATE))])
        pcm = (x * 32767).astype("<i2").tobytes()
        path, bare = tmp_path / f"{i}.flac", tmp_path / f"{i}-bare.flac"
        path.write_bytes(flac_bytes(pcm, RATE, edges_comment(pcm, RATE)))
        bare.write_bytes(flac_bytes(pcm, RATE))
        fast, slow = measure(file_source("x", path)), measure(file_source("x", bare))
        assert (fast.frames, fast.rate) == (slow.frames, slow.rate) == (len(x), RATE)
        assert fast.head == pytest.approx(slow.head) or min(fast.head, slow.head) > 0.8
        assert fast.tail == pytest.approx(slow.tail) or min(fast.tail, slow.tail) > 0.8
        other = _part(tmp_path, 7 + i, 0.4)
        assert gap(fast, measure(other)) == gap(slow, measure(other))
