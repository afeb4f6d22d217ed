"""One build per content, shared: readers get bytes while the build is still making the
rest, a reader that leaves does not stop it, the finished file is cached, a failure before
the first byte is not remembered. The build here is a generator the test holds at a gate,
so "still running" is a state, not a guess about timing."""

from __future__ import annotations

import threading
import time

import pytest

from reader.speech.cache import AudioCache
from reader.speech.gallery_builds import GalleryBuilds

KEY = "ab" * 32


def _until(condition, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)  # polling for a state under an overall deadline


def test_readers_follow_one_build_as_it_grows_and_then_the_cache_serves(tmp_path):
    builds = GalleryBuilds(AudioCache(tmp_path))
    gate = threading.Event()
    made = []

    def make(build):
        made.append(1)
        build.started(9)
        yield b"ID3"
        gate.wait(60)
        yield b"abc"
        yield b"def"

    first, chunks = builds.open(KEY, make)
    assert first.wait_started() == 9
    assert next(chunks) == b"ID3"  # the first bytes, while the rest is not made yet
    assert not gate.is_set() and builds.cached(KEY) is None
    second, late = builds.open(KEY, make)  # a second reader joins the same build
    assert second is first and builds.started == 1
    leaver, gone = builds.open(KEY, make)
    assert next(gone) == b"ID3"
    gone.close()  # a reader that leaves: the build carries on
    gate.set()
    assert b"".join(chunks) == b"abcdef"
    assert b"".join(late) == b"ID3abcdef"  # from the start, though it joined midway
    _until(lambda: builds.cached(KEY) is not None)
    assert builds.cache.read(KEY, "mp3") == b"ID3abcdef"
    assert builds.open(KEY, make) == builds.cached(KEY)  # a retry: the cached file
    assert made == [1] and builds.started == 1
    _until(lambda: not first.spool.exists())  # the spool is removed once cached


def test_a_build_that_fails_before_its_first_byte_is_tried_again(tmp_path):
    builds = GalleryBuilds(AudioCache(tmp_path))
    attempts = []

    def make(build):
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("the engine did not answer")
        build.started(2)
        yield b"ok"

    build, _ = builds.open(KEY, make)
    with pytest.raises(TimeoutError, match="did not answer"):
        build.wait_started()
    _until(lambda: KEY not in builds._running)
    build, chunks = builds.open(KEY, make)
    assert build.wait_started() == 2 and b"".join(chunks) == b"ok"
    assert builds.started == 2


def test_a_file_shorter_than_announced_is_not_cached(tmp_path):
    builds = GalleryBuilds(AudioCache(tmp_path))

    def make(build):
        build.started(10)
        yield b"short"

    build, chunks = builds.open(KEY, make)
    assert b"".join(chunks) == b"short"
    _until(lambda: KEY not in builds._running)
    assert builds.cached(KEY) is None
