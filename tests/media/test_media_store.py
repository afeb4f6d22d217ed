"""The media store's contract, on the instance folder and on a real S3 server alike: put,
get, ranges, sizes, listing, delete; atomic writes (nothing half-written under a real name);
and the quota (least recently used first out; originals, pinned files and files being served
never evicted)."""

from __future__ import annotations

import os

import pytest

from reader.media import BoundedMedia, open_media
from tests.media.conftest import stored_names

DATA = bytes(range(256)) * 1200  # 300 KiB: several chunks when streamed


def test_put_get_ranges_sizes_list_delete(raw_store):
    assert raw_store.put("audio/ab/one.mp3", DATA) == len(DATA)
    assert raw_store.put("exports/two.zip", iter([b"a" * 1000, b"b" * 24])) == 1024
    assert raw_store.get("audio/ab/one.mp3") == DATA
    assert raw_store.size("audio/ab/one.mp3") == len(DATA) and raw_store.exists("exports/two.zip")
    assert b"".join(raw_store.open_range("audio/ab/one.mp3", 1000, 70000)) == DATA[1000:70000]
    assert b"".join(raw_store.open_range("audio/ab/one.mp3", len(DATA) - 5)) == DATA[-5:]
    assert b"".join(raw_store.open_range("exports/two.zip")) == b"a" * 1000 + b"b" * 24
    assert stored_names(raw_store, "audio/") == {"audio/ab/one.mp3"}
    assert dict(raw_store.names(""))["exports/two.zip"] == 1024
    assert raw_store.size("audio/ab/none.mp3") is None and not raw_store.exists("nope")
    with pytest.raises(FileNotFoundError):
        raw_store.get("audio/ab/none.mp3")
    with pytest.raises(FileNotFoundError):
        b"".join(raw_store.open_range("audio/ab/none.mp3"))
    raw_store.delete("audio/ab/one.mp3")
    raw_store.delete("audio/ab/one.mp3")  # twice: no error
    assert not raw_store.exists("audio/ab/one.mp3")


@pytest.mark.parametrize("name", ["../up", "/abs", "a//b", "a/../b", "", "a/.hidden/.."])
def test_names_cannot_leave_the_store(raw_store, name):
    with pytest.raises(ValueError):
        raw_store.put(name, b"x")


def test_a_write_that_fails_midway_leaves_nothing_under_the_name(raw_store):
    raw_store.put("exports/kept.zip", b"the old, whole file")

    def broken():
        yield b"x" * 300_000
        raise RuntimeError("the writer died")

    for name in ("exports/new.zip", "exports/kept.zip"):
        with pytest.raises(RuntimeError):
            raw_store.put(name, broken())
    assert not raw_store.exists("exports/new.zip")
    assert raw_store.get("exports/kept.zip") == b"the old, whole file"  # never half-replaced
    assert stored_names(raw_store) == {"exports/kept.zip"}  # no stray temporary file either


def bounded(media_url, instance, quota: int) -> BoundedMedia:
    return open_media(instance, media_url, quota=quota)


def test_the_quota_evicts_least_recently_used_and_never_originals(media_url, instance):
    store = bounded(media_url, instance, quota=1000)
    original = "images/originals/aa/" + "a" * 64
    store.put(original, b"o" * 5000)  # originals do not count and are never evicted
    for n in range(4):
        store.put(f"audio/ab/{n}.mp3", bytes([n]) * 300)
    # 4 × 300 > 1000: the oldest went when the fourth came in.
    assert not store.exists("audio/ab/0.mp3") and store.used() <= 1000
    store._touched.clear()  # the next read counts as a new access
    assert store.get("audio/ab/1.mp3") == b"\x01" * 300  # now the most recently used
    store.put("audio/ab/4.mp3", b"4" * 300)
    assert store.exists("audio/ab/1.mp3") and not store.exists("audio/ab/2.mp3")
    assert {n for n, _ in store.names("audio/")} == {"audio/ab/1.mp3", "audio/ab/3.mp3",
                                                      "audio/ab/4.mp3"}
    assert store.get(original) == b"o" * 5000
    assert store.used() == 900


def test_pinned_and_streaming_files_are_never_evicted(media_url, instance):
    store = bounded(media_url, instance, quota=600)
    store.put("audio/ab/default.mp3", b"d" * 400, pinned=True)  # outside the quota
    store.put("audio/ab/playing.mp3", b"p" * 400)
    stream = store.open_range("audio/ab/playing.mp3", 0, 100)
    assert next(stream) == b"p" * 100  # a client is being sent this file
    for n in range(5):
        store.put(f"exports/{n}.zip", b"z" * 150)
    assert store.exists("audio/ab/default.mp3") and store.exists("audio/ab/playing.mp3")
    assert not store.exists("exports/0.zip")  # the newer idle files went instead
    stream.close()  # the response is done: the file may go now
    store.put("exports/last.zip", b"z" * 150)
    assert store.exists("audio/ab/default.mp3") and not store.exists("audio/ab/playing.mp3")
    assert store.used() <= 600


def test_files_stored_before_the_quota_are_indexed_and_bounded(media_url, instance, raw_store):
    for n in range(6):
        raw_store.put(f"audio/cd/{n}.wav", b"w" * 500)
    raw_store.put("images/originals/bb/" + "b" * 64, b"o" * 900)
    store = bounded(media_url, instance, quota=2000)
    assert store.used() == 3000  # the index was built from what the store holds
    store.put("audio/cd/new.wav", b"n" * 500)
    assert store.used() <= 2000 and store.exists("audio/cd/new.wav")
    assert store.exists("images/originals/bb/" + "b" * 64)


def test_a_write_below_the_free_space_floor_is_refused_whole(instance):
    from reader.errors import MediaFull

    free = os.statvfs(instance).f_bavail * os.statvfs(instance).f_frsize
    store = open_media(instance, "", quota=0, min_free=free + 2**30)  # more than there is
    with pytest.raises(MediaFull, match="nearly full"):
        store.put("audio/ab/x.mp3", b"x" * 100)
    assert not store.exists("audio/ab/x.mp3")
    assert MediaFull("").status == 507


def test_a_stream_closed_before_it_starts_leaves_the_file_evictable(media_url, instance):
    store = bounded(media_url, instance, quota=500)
    store.put("audio/ab/head.mp3", b"h" * 400)
    stream = store.open_range("audio/ab/head.mp3")  # e.g. a HEAD request: never read
    assert store.busy("audio/ab/head.mp3")
    stream.close()
    assert not store.busy("audio/ab/head.mp3")
    store.put("audio/ab/next.mp3", b"n" * 400)
    assert not store.exists("audio/ab/head.mp3")
