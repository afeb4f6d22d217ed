"""Long builds (a gallery's `site.zip` and `book.epub`) run in the background, one per content
key, whatever the number of requests waiting for it.

A `Builder` is the small interface the web layer uses: ``start(key, work)`` returns the
`Build` of ``key`` (the one queued, running or failed, or a new one), and ``get(key)`` looks
one up. ``work`` is called once, with the build to report progress on (``build.progress(done,
total)``), and must leave its result where the caller looks for it (e.g. a file renamed into
place): a finished build is forgotten, its file is the record. `ThreadBuilder` runs the work
in a few threads of this process; a job queue shared by several processes can implement the
same two methods. No Flask here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KEEP_FAILED = 256  # failed builds remembered (so a retry shows the error, not a rebuild)
RETRY_FAILED_AFTER = 300.0  # seconds: then a request may start the build again


@dataclass
class Build:
    key: str
    state: str = QUEUED
    done: int = 0
    total: int = 0
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)


class Builder(Protocol):
    def start(self, key: str, work: Callable[[Build], None]) -> Build:
        """The build of ``key``: the one under way (or failed), else a new one running
        ``work`` once."""

    def get(self, key: str) -> Build | None: ...


class ThreadBuilder:
    """Builds in ``workers`` background threads of this process (a queue when all are busy)."""

    def __init__(self, workers: int = 1):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reader-build")
        self._builds: dict[str, Build] = {}
        self._lock = threading.Lock()
        self.runs = 0  # how many times some work was started (for tests and benches)

    def get(self, key: str) -> Build | None:
        with self._lock:
            return self._builds.get(key)

    def start(self, key: str, work: Callable[[Build], None]) -> Build:
        with self._lock:
            build = self._builds.get(key)
            if build is not None and not (build.state == FAILED and
                                          time.monotonic() - build.ended > RETRY_FAILED_AFTER):
                return build
            build = self._builds[key] = Build(key)
            self.runs += 1
        self._pool.submit(self._run, build, work)
        return build

    def _run(self, build: Build, work: Callable[[Build], None]) -> None:
        build.state = RUNNING
        try:
            work(build)
        except Exception as e:  # reported to every request waiting for it
            build.error = str(e) or type(e).__name__
            build.ended = time.monotonic()
            build.state = FAILED
            self._forget_old_failures()
        else:
            build.state = DONE
            with self._lock:  # its result is in place: the next request finds that
                self._builds.pop(build.key, None)

    def _forget_old_failures(self) -> None:
        with self._lock:
            failed = [k for k, b in self._builds.items() if b.state == FAILED]
            for k in failed[:-KEEP_FAILED]:
                del self._builds[k]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
