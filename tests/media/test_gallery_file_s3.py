"""The whole-gallery MP3 with the media in the instance folder and in a bucket of a real S3
server (SeaweedFS, tests/media/conftest.py): streamed while it is assembled, the same bytes
from both stores, memory bounded by a part (not the gallery) when every part is read from
the bucket, the finished file cached in the store and served from it with ranges; the
cache keeps FLAC masters, never a WAV, and the quota counts them."""

from __future__ import annotations

import io
import time
import tracemalloc

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3

from reader.media import open_media
from reader.speech.gallery_file import assemble, file_source, measure
from reader.speech.service import Speech, Utterance
from tests.media.test_cache_bounds import seeded

RATE = 22050


def _tone_flac(i: int, seconds: float) -> bytes:
    """150 ms of silence, a tone whose pitch names the part, 100 ms of silence."""
    t = np.arange(int(seconds * RATE)) / RATE
    x = np.concatenate([np.zeros(int(0.15 * RATE)), 0.3 * np.sin(2 * np.pi * (200 + 3 * i) * t),
                        np.zeros(int(0.1 * RATE))])
    buf = io.BytesIO()
    soundfile.write(buf, (x * 32767).astype("<i2"), RATE, format="FLAC", subtype="PCM_16")
    return buf.getvalue()


@pytest.fixture
def parts_in_store(media_url, instance, tmp_path):
    """280 parts (more than one chapter table lists) stored as a Speech's cache stores
    them, and the same FLACs as local files (the reference)."""
    store = open_media(instance, media_url)
    speech = Speech(store)
    local, stored = [], []
    for i in range(280):
        data = _tone_flac(i, 0.3 + (i % 7) * 0.05)
        u = Utterance(f"part {i}", "test-voice", 175, 1.0, "test-engine")
        speech.cache.put(u.key("flac"), "flac", data)
        title = f"Photo {i} of 279" if i else "Introduction"
        path = tmp_path / f"{i}.flac"
        path.write_bytes(data)
        local.append(file_source(title, path))
        stored.append((title, u))
    yield speech, stored, local
    speech.close()


def test_a_stream_from_either_store_is_the_same_file_in_bounded_memory(parts_in_store):
    speech, stored, local = parts_in_store
    expected = b"".join(assemble(lambda: local, "Tones", None))
    sources = [speech.source(title, u) for title, u in stored]
    b"".join(assemble(lambda: sources[:2], "warm-up", None))  # the S3 client's first load
    threads = 1 if speech.cache.media.local_path("audio/x") else 8
    tracemalloc.start()
    try:
        size = 0
        for chunk in assemble(lambda: sources, "Tones", None, threads=threads):
            size += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert size == len(expected)
    pcm_bytes = sum(measure(s).frames for s in local) * 2
    assert peak < pcm_bytes / 4, (peak, pcm_bytes)
    assert b"".join(assemble(lambda: sources, "Tones", None, threads=threads)) == expected


def test_the_built_file_is_cached_in_the_store_and_read_back(parts_in_store):
    speech, stored, local = parts_in_store
    expected = b"".join(assemble(lambda: local, "Tones", "Gallery reader"))
    key = "cd" * 32
    build, chunks = speech.gallery_file(key, "Tones", "Gallery reader", lambda: stored)
    assert build.wait_started() == len(expected)
    assert b"".join(chunks) == expected
    end = time.monotonic() + 120
    while speech.gallery_files.cached(key) is None:  # polled: the copy into the store
        assert time.monotonic() < end, "the built file never reached the store"
        time.sleep(0.02)
    name = speech.gallery_files.cached(key)
    assert speech.cache.media.get(name) == expected
    assert speech.gallery_file(key, "Tones", "Gallery reader", lambda: stored) == name
    assert speech.gallery_files.started == 1
    assert len(ID3(io.BytesIO(expected)).getall("CHAP")) == 280


def test_the_gallery_mp3_over_the_web_from_either_store(media_url, instance):
    app, slug = seeded(instance, MEDIA_URL=media_url, MEDIA_RENDER_RATE="")
    client = app.test_client()
    first = client.get(f"/listen/{slug}/gallery.mp3")
    assert first.status_code == 200 and first.headers["X-Speech-Cache"] == "miss"
    data = first.data
    assert int(first.headers["Content-Length"]) == len(data)
    chapters = ID3(io.BytesIO(data)).getall("CHAP")
    gallery = app.extensions["library"].get(slug)
    assert len(chapters) == len(gallery.items) + 1
    x, rate = soundfile.read(io.BytesIO(data))
    assert abs(len(x) * 1000 / rate - max(c.end_time for c in chapters)) <= 1
    speech = app.extensions["speech"]
    end = time.monotonic() + 120
    while True:  # polled: the finished file reaches the store after the last byte is sent
        again = client.get(f"/listen/{slug}/gallery.mp3")
        if again.headers["X-Speech-Cache"] == "hit":
            break
        assert time.monotonic() < end
    assert again.data == data and speech.gallery_files.started == 1
    ranged = client.get(f"/listen/{slug}/gallery.mp3", headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206 and ranged.data == data[100:200]
    media = app.extensions["media"]
    names = {n for n, _ in media.names("audio/")}
    assert not [n for n in names if n.endswith(".wav")]
    flacs = [n for n in names if n.endswith(".flac")]
    assert len(flacs) == len(gallery.items) + 1
    wav = client.get(f"/listen/{slug}/3.wav")
    assert wav.status_code == 200 and wav.mimetype == "audio/wav"
    samples = soundfile.read(io.BytesIO(wav.data), dtype="int16")[0].tobytes()
    assert samples in {soundfile.read(io.BytesIO(media.get(n)), dtype="int16")[0].tobytes()
                       for n in flacs}
    # The quota counts what readers' requests add: the default settings' clips are pinned
    # (outside it, like the originals), the whole-gallery file is not.
    assert media.used() == len(data)
