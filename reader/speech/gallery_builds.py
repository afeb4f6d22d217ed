"""Whole-gallery files built once per content and shared by every request that wants them.

`GalleryBuilds.open(key, make)` returns the cached file if there is one; otherwise the
build of ``key`` that is already running, or a new one in a thread of its own. Every reader
of a running build follows it as it grows (a spool file and a condition: bytes are served
as soon as they are written), and the build carries on when a reader goes away, so a retry
finds the finished file in the cache instead of starting again. When it is done the spool
is copied into the cache (the media store: the instance folder or a bucket) in blocks
(bounded memory) and then deleted; readers that still
have it open finish reading it (POSIX keeps an unlinked file until it is closed).

A build that fails before its first byte is forgotten (the next request tries again: the
engine may be back); its error goes to the readers waiting for it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reader.speech.cache import AudioCache

BLOCK = 64 * 1024
WAIT = 600.0  # the longest a reader waits for the next bytes of a build (a stuck build)


class Build:
    """One running build: its spool file, how much of it is written, and its size."""

    def __init__(self, key: str):
        self.key = key
        fd, name = tempfile.mkstemp(prefix="gallery-", suffix=".mp3")
        self._out = os.fdopen(fd, "wb")
        self.spool = Path(name)
        self._cond = threading.Condition()
        self.written = 0
        self.size: int | None = None  # known with the header
        self.done = False
        self.error: BaseException | None = None
        self.readers = 0

    # -- the builder's side
    def write(self, chunk: bytes) -> None:
        self._out.write(chunk)
        self._out.flush()
        with self._cond:
            self.written += len(chunk)
            self._cond.notify_all()

    def started(self, size: int) -> None:
        with self._cond:
            self.size = size
            self._cond.notify_all()

    def finish(self, error: BaseException | None = None) -> None:
        self._out.close()
        with self._cond:
            self.done, self.error = True, error
            self._cond.notify_all()

    # -- a reader's side
    def wait_started(self, timeout: float = WAIT) -> int:
        """The file's size, once its header is written; the build's error if it failed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.size is not None or self.done, timeout):
                raise TimeoutError("the gallery file did not start in time")
            if self.error is not None:
                raise self.error
            if self.size is None:
                raise RuntimeError("the gallery file was finished without a header")
            return self.size

    def follow(self) -> Iterator[bytes]:
        """The file's bytes as they are written (raises the build's error, if it fails
        midway: the response is cut short, which the client sees against its length).
        The spool is opened now, while it surely exists."""
        f = open(self.spool, "rb")  # noqa: SIM115 (closed by the generator)
        with self._cond:
            self.readers += 1
        return self._chunks(f)

    def _chunks(self, f) -> Iterator[bytes]:
        try:
            with f:
                at = 0
                while True:
                    with self._cond:
                        if not self._cond.wait_for(
                                lambda at=at: self.written > at or self.done, WAIT):
                            raise TimeoutError("the gallery file stopped growing")
                        written, done, error = self.written, self.done, self.error
                    if error is not None:
                        raise error
                    if written > at:
                        block = f.read(min(BLOCK, written - at))
                        at += len(block)
                        yield block
                    elif done:
                        return
        finally:
            with self._cond:
                self.readers -= 1


class GalleryBuilds:
    """The builds of one cache's whole-gallery files (one per key at a time)."""

    def __init__(self, cache: AudioCache, fmt: str = "mp3"):
        self.cache = cache
        self.fmt = fmt
        self._lock = threading.Lock()
        self._running: dict[str, Build] = {}
        self.started = 0  # builds this process started (tests: never twice for one content)

    def cached(self, key: str) -> str | None:
        """The media name of the finished file of ``key``, or None."""
        return self.cache.get(key, self.fmt)

    def running(self, key: str) -> Build | None:
        with self._lock:
            return self._running.get(key)

    def open(self, key: str, make: Callable[[Build], Iterable[bytes]],
             ) -> str | tuple[Build, Iterator[bytes]]:
        """The media name of the cached file of ``key``, or the build making it and its bytes
        as they come.
        ``make(build)`` yields the file's bytes; it calls ``build.started(size)`` once it
        knows the size."""
        with self._lock:
            path = self.cached(key)
            if path is not None:
                return path
            build = self._running.get(key)
            if build is None:
                build = self._running[key] = Build(key)
                self.started += 1
                threading.Thread(target=self._run, args=(build, make), daemon=True,
                                 name=f"gallery-file-{key[:8]}").start()
            return build, build.follow()

    def _run(self, build: Build, make: Callable[[Build], Iterable[bytes]]) -> None:
        try:
            for chunk in make(build):
                build.write(chunk)
            build.finish()
            if build.size is not None and build.written != build.size:
                raise RuntimeError(f"the gallery file is {build.written} bytes, "
                                   f"{build.size} were announced")
            self.cache.put(build.key, self.fmt, _blocks(build.spool))
        except BaseException as e:  # noqa: BLE001 (handed to the readers)
            if not build.done:
                build.finish(e)
        finally:
            with self._lock:
                self._running.pop(build.key, None)
            with contextlib.suppress(OSError):
                build.spool.unlink()


def _blocks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            yield block
