"""A size quota over any `MediaStore`, least recently used first out.

Only re-creatable files count and can be evicted (`base.EVICTABLE`: audio, exports,
derivatives); originals are never evicted. A file stored ``pinned`` (the pre-built audio of
the configured default voice and rate) is never evicted either, and does not count: like the
originals, it grows with the library, not with what clients ask for. A file being streamed to
a client in this process is never evicted while it streams.

Sizes and last-access times live in an index (`MediaIndex`) kept by the library's store, in
its database (the table ``media_cache``: the SQLite file, or PostgreSQL), so the quota needs no
directory walk, works the same on a bucket (where listing is slow and there is no access time),
and app servers sharing a database and a bucket share one quota and one least-recently-used
order: a file one server evicts is gone for all. Recording an access is best effort: on a full
disk the index may not take writes, and readers must still get every cached file.

Before each write the free space is checked (`MediaStore.free_bytes`): below ``min_free`` the
write is refused with `MediaFull`, so readers keep a disk with room for the library's own
journal, and the writer gets a clear answer instead of a half-written file.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from reader.errors import MediaFull
from reader.media.base import EVICTABLE, Data, MediaStore, evictable

EVICT_BATCH = 64  # rows read per round of eviction
TOUCH_EVERY = 5.0  # seconds: an access is recorded at most this often per file (per process)


class MediaIndexError(Exception):
    """Raised by a `MediaIndex` that cannot write (a full disk, a lost database)."""


class MediaIndex(Protocol):
    """Sizes and last accesses of the stored re-creatable files (the store keeps it:
    `Store.media_index()`). Each call is one statement of its own, outside the library's write
    lock; errors the database raises come out as `MediaIndexError`. Picklable (process pools)."""

    def count(self) -> int: ...

    def add_unknown(self, rows: Sequence[tuple[str, int]]) -> None:
        """Index (name, size) pairs not indexed yet, as least recently used."""

    def used(self) -> int:
        """Bytes of the unpinned files."""

    def record(self, name: str, size: int, pinned: bool, at: float) -> None:
        """Index ``name`` (or update it), used at ``at``; once pinned it stays pinned."""

    def touch(self, name: str, at: float) -> None:
        """Best effort, quick: a busy or full database just skips it."""

    def oldest(self, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` unpinned (name, size), least recently used first."""

    def claim(self, name: str) -> int | None:
        """Remove ``name``'s row; its size if this call removed it (None: another server's
        eviction took it first, or it was never indexed)."""


class BoundedMedia:
    """``inner`` with a quota (bytes; 0 = none) on its re-creatable files, indexed in
    ``index``. ``folder`` is the instance folder it serves (what `media_for` finds it by)."""

    def __init__(self, inner: MediaStore, index: MediaIndex, quota: int = 0,
                 min_free: int = 0, folder: str | Path = ""):
        self.inner = inner
        self.index = index
        self.quota = quota
        self.min_free = min_free
        self.folder = str(folder)
        self.description = inner.description
        self._lock = threading.RLock()
        self._busy: Counter[str] = Counter()
        self._touched: dict[str, float] = {}
        self.evicted = 0

    def __reduce__(self):  # picklable for process pools: what it was made of
        return (type(self), (self.inner, self.index, self.quota, self.min_free, self.folder))

    # -- the index -----------------------------------------------------------------------------
    def reconcile(self) -> int:
        """Index every re-creatable file already stored (a folder from before the quota, or
        from before the index moved into the database)."""
        rows = [(n, s) for prefix in EVICTABLE for n, s in self.inner.names(prefix)]
        self.index.add_unknown(rows)
        return len(rows)

    def used(self) -> int:
        """Bytes of re-creatable files under the quota (pinned ones are not: like the
        originals they grow with the library, not with requests), as the index knows them."""
        return self.index.used()

    def _record(self, name: str, size: int, pinned: bool) -> None:
        self.index.record(name, size, pinned, time.time())

    def _touch(self, name: str) -> None:
        if not evictable(name):
            return
        now = time.monotonic()
        if now - self._touched.get(name, 0.0) < TOUCH_EVERY:
            return
        self._touched[name] = now
        # A full disk or a busy database: serving matters more than the access time.
        with contextlib.suppress(MediaIndexError):
            self.index.touch(name, time.time())

    def evict(self, room: int = 0) -> int:
        """Delete least recently used, unpinned, idle files until ``room`` more bytes fit
        under the quota; returns the bytes freed."""
        return self.shrink(self.quota - room) if self.quota else 0

    def shrink(self, target: int) -> int:
        """Evict (least recently used first) until the cache holds at most ``target`` bytes,
        or nothing more may go; returns the bytes freed. Each file's row is claimed before
        its bytes go, so of two servers evicting at once only one deletes (and counts) it."""
        freed = 0
        with self._lock:
            while (used := self.index.used()) > target:
                progress = False
                for name, _size in self.index.oldest(EVICT_BATCH + len(self._busy)):
                    if used <= target:
                        break
                    if self._busy[name]:
                        continue  # being sent by this process
                    size = self.index.claim(name)
                    if size is None:
                        progress = True  # another server evicted it: count again
                        continue
                    try:
                        self.inner.delete(name)
                    except OSError:
                        self._record(name, size, False)  # still there: keep counting it
                        continue
                    self._touched.pop(name, None)
                    used -= size
                    freed += size
                    self.evicted += 1
                    progress = True
                if not progress:
                    break
        return freed

    # -- the MediaStore interface ----------------------------------------------------------------
    def check_room(self, size: int = 0, name: str = "") -> None:
        """Raise `MediaFull` unless ``size`` more bytes fit above the free-space floor (after
        evicting re-creatable files if ``name`` is one)."""
        free = self.inner.free_bytes()
        if free is None or free - size > self.min_free:
            return
        if not name or evictable(name):  # make room from the cache first
            self.shrink(self.used() - (self.min_free + size - free) - 1)
            free = self.inner.free_bytes()
        if free is not None and free - size <= self.min_free:
            raise MediaFull(f"the disk holding {self.description} is nearly full "
                            f"({free // 2**20} MiB free)")

    def put(self, name: str, data: Data, pinned: bool = False) -> int:
        size_known = len(data) if isinstance(data, bytes | bytearray) else 0
        self.check_room(size_known, name)
        if evictable(name):
            self.evict(room=size_known)
        with self._lock:
            self._busy[name] += 1  # not evicted between the write and its index row
        try:
            size = self.inner.put(name, data)
            if evictable(name):
                try:
                    self._record(name, size, pinned)
                except MediaIndexError as e:
                    self.inner.delete(name)
                    raise MediaFull(f"could not record {name}: {e}") from None
        finally:
            self._release(name)
        if evictable(name):
            self.evict()
        return size

    def pin(self, name: str) -> None:
        """Never evict ``name`` (already stored) from now on."""
        if evictable(name) and (size := self.inner.size(name)):
            self._record(name, size, True)

    def get(self, name: str) -> bytes:
        data = self.inner.get(name)
        self._touch(name)
        return data

    def open_range(self, name: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        with self._lock:
            self._busy[name] += 1
        try:
            stream = self.inner.open_range(name, start, stop)
        except BaseException:
            self._release(name)
            raise
        self._touch(name)
        return _Streaming(stream, lambda: self._release(name))

    def _release(self, name: str) -> None:
        with self._lock:
            self._busy[name] -= 1
            if self._busy[name] <= 0:
                del self._busy[name]

    def busy(self, name: str) -> bool:
        return self._busy[name] > 0

    def size(self, name: str) -> int | None:
        return self.inner.size(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def delete(self, name: str) -> None:
        self.inner.delete(name)
        if evictable(name):
            with contextlib.suppress(MediaIndexError):  # counted on; the file itself is gone
                self.index.claim(name)

    def url(self, name: str, expires: int = 3600) -> str | None:
        return self.inner.url(name, expires)

    def names(self, prefix: str = "") -> Iterator[tuple[str, int]]:
        return self.inner.names(prefix)

    def local_path(self, name: str) -> Path | None:
        return self.inner.local_path(name)

    def free_bytes(self) -> int | None:
        return self.inner.free_bytes()


class _Streaming:
    """An iterator over a stored file's chunks that marks the file idle again when it ends
    or is closed, even if it was never started (a HEAD request, a client gone at once)."""

    def __init__(self, stream: Iterator[bytes], done):
        self._stream, self._done = stream, done

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._stream)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            close = getattr(self._stream, "close", None)
            if close:
                close()
            done()
