"""The one small interface every place that keeps bytes goes through, and its names.

A *name* is a relative, slash-separated path such as ``audio/ab/<key>.mp3``: the same on the
local folder (a file under the instance folder) and in a bucket (an object under the prefix).
Writes are atomic on every implementation: a name holds nothing or the whole file, never a
half-written one (a temporary file renamed into place; an S3 PUT is atomic by itself).

What lives where (the layout both implementations share):

    images/originals/ab/<key>             the photo as imported: never evicted, never served
    images/derived/ab/<key>/v1/<file>     derivatives: re-made from the original on demand
    audio/ab/<key>.<fmt>                  rendered speech: re-made from the text on demand
    exports/<slug>-<hash>.<ext>           EPUB and site.zip downloads: re-made on demand
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from reader.errors import MediaFull

__all__ = ["MediaStore", "MediaFull", "check_name", "EVICTABLE", "evictable", "BLOCK"]

BLOCK = 256 * 1024  # bytes per chunk when streaming
# Re-creatable things: a quota may evict them (least recently used first). Originals never.
EVICTABLE = ("audio/", "exports/", "images/derived/")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")


def check_name(name: str) -> str:
    """``name`` if it is a clean relative name (no ``..``, no leading ``/``), else ValueError."""
    if not _NAME.match(name) or len(name) > 512:
        raise ValueError(f"not a media name: {name!r}")
    return name


def evictable(name: str) -> bool:
    return name.startswith(EVICTABLE)


Data = bytes | bytearray | Iterable[bytes]


@runtime_checkable
class MediaStore(Protocol):
    """Where bytes live. ``get``/``open_range`` raise FileNotFoundError for a missing name;
    ``put`` raises `MediaFull` when there is no room (and leaves nothing behind)."""

    description: str  # for `reader config` and messages: "folder /x" or "s3://bucket/prefix"

    def put(self, name: str, data: Data) -> int:
        """Store ``data`` under ``name`` atomically; returns its size in bytes."""

    def get(self, name: str) -> bytes: ...

    def open_range(self, name: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The bytes ``start`` to ``stop`` (exclusive; None: to the end), in chunks."""

    def size(self, name: str) -> int | None:
        """The stored size, or None when there is no such (whole) file."""

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None:
        """Remove ``name``; no error when it is not there."""

    def url(self, name: str, expires: int = 3600) -> str | None:
        """A URL a browser could fetch directly (presigned), or None (served by the app)."""

    def names(self, prefix: str = "") -> Iterator[tuple[str, int]]:
        """Every stored (name, size) under ``prefix``."""

    def local_path(self, name: str) -> Path | None:
        """The file on this machine that holds ``name``, when there is one."""

    def free_bytes(self) -> int | None:
        """Free space where new files go, when the store can tell (a disk), else None."""


def chunks(data: Data) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
    else:
        yield from data


def file_chunks(path: str | Path) -> Iterator[bytes]:
    """A local file's bytes in chunks, for `MediaStore.put` (the file is closed at the end)."""
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            yield block
