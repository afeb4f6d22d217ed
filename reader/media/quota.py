"""A size quota over any `MediaStore`, least recently used first out.

Only re-creatable files count and can be evicted (`base.EVICTABLE`: audio, exports,
derivatives); originals are never evicted. A file stored ``pinned`` (the pre-built audio of
the configured default voice and rate) is never evicted either, and does not count: like the
originals, it grows with the library, not with what clients ask for. A file being streamed to
a client in this process is never evicted while it streams.

Sizes and last-access times live in a small SQLite index (``media-index.sqlite3`` in the
instance folder), so the quota needs no directory walk and works the same on a bucket, where
listing is slow and there is no access time. Recording an access is best effort: on a full
disk the index may not take writes, and readers must still get every cached file.

Before each write the free space is checked (`MediaStore.free_bytes`): below ``min_free`` the
write is refused with `MediaFull`, so readers keep a disk with room for the library's own
journal, and the writer gets a clear answer instead of a half-written file.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from reader.errors import MediaFull
from reader.media.base import Data, MediaStore, evictable

SCHEMA = """CREATE TABLE IF NOT EXISTS media (
    name TEXT PRIMARY KEY, size INTEGER NOT NULL, last_access REAL NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0)"""
TOUCH_EVERY = 5.0  # seconds: an access is recorded at most this often per file


class BoundedMedia:
    """``inner`` with a quota (bytes; 0 = none) on its re-creatable files."""

    def __init__(self, inner: MediaStore, index: str | Path, quota: int = 0,
                 min_free: int = 0):
        self.inner = inner
        self.quota = quota
        self.min_free = min_free
        self.description = inner.description
        self._index_path = str(index)
        self._lock = threading.RLock()
        self._busy: Counter[str] = Counter()
        self._touched: dict[str, float] = {}
        self.evicted = 0
        with self._db() as db:
            db.execute(SCHEMA)
            known = db.execute("SELECT count(*) FROM media").fetchone()[0]
        if not known:
            self.reconcile()

    # -- the index -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self):
        db = sqlite3.connect(self._index_path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            yield db
        finally:
            db.close()

    def reconcile(self) -> int:
        """Index every re-creatable file already stored (a folder from before the quota)."""
        rows = [(n, s, 0.0) for prefix in ("audio/", "exports/", "images/derived/")
                for n, s in self.inner.names(prefix)]
        with self._lock, self._db() as db:
            db.executemany("INSERT OR IGNORE INTO media (name, size, last_access) "
                           "VALUES (?, ?, ?)", rows)
        return len(rows)

    def used(self) -> int:
        """Bytes of re-creatable files under the quota (pinned ones are not: like the
        originals they grow with the library, not with requests), as the index knows them."""
        with self._db() as db:
            return db.execute("SELECT coalesce(sum(size), 0) FROM media WHERE pinned = 0"
                              ).fetchone()[0]

    def _record(self, name: str, size: int, pinned: bool) -> None:
        with self._db() as db:
            db.execute("INSERT INTO media (name, size, last_access, pinned) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET size = excluded.size, "
                       "last_access = excluded.last_access, "
                       "pinned = max(pinned, excluded.pinned)",
                       (name, size, time.time(), int(pinned)))

    def _touch(self, name: str) -> None:
        if not evictable(name):
            return
        now = time.monotonic()
        if now - self._touched.get(name, 0.0) < TOUCH_EVERY:
            return
        self._touched[name] = now
        try:
            with self._db() as db:
                db.execute("UPDATE media SET last_access = ? WHERE name = ?", (time.time(), name))
        except sqlite3.Error:
            pass  # a full or read-only disk: serving matters more than the access time

    def evict(self, room: int = 0) -> int:
        """Delete least recently used, unpinned, idle files until ``room`` more bytes fit
        under the quota; returns the bytes freed."""
        return self.shrink(self.quota - room) if self.quota else 0

    def shrink(self, target: int) -> int:
        """Evict (least recently used first) until the cache holds at most ``target`` bytes,
        or nothing more may go; returns the bytes freed."""
        freed = 0
        with self._lock, self._db() as db:
            used = db.execute("SELECT coalesce(sum(size), 0) FROM media WHERE pinned = 0"
                              ).fetchone()[0]
            if used <= target:
                return 0
            rows = db.execute("SELECT name, size FROM media WHERE pinned = 0 "
                              "ORDER BY last_access").fetchall()
            for name, size in rows:
                if used <= target:
                    break
                if self._busy[name]:
                    continue
                try:
                    self.inner.delete(name)
                except OSError:
                    continue
                db.execute("DELETE FROM media WHERE name = ?", (name,))
                self._touched.pop(name, None)
                used -= size
                freed += size
                self.evicted += 1
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
                except sqlite3.OperationalError as e:
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
            with contextlib.suppress(sqlite3.Error), self._db() as db:
                db.execute("DELETE FROM media WHERE name = ?", (name,))

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
