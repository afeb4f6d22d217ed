"""The audio cache: files named by a hash of everything that makes their content.

Key = SHA-256 of (text, voice, rate, volume, engine version, format). A file is written to a
temporary name in the same folder, flushed to disk, then renamed into place (atomic on POSIX
and Windows), so a reader gets the whole file or none, even if the process dies mid-write.
Stray temporary files (from a killed writer) are swept when the cache opens.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

TEMP_PREFIX = ".partial-"
FORMATS = {"wav": "audio/wav", "mp3": "audio/mpeg", "vtt": "text/vtt"}


def cache_key(text: str, voice: str, rate: int, volume: float, engine: str, fmt: str) -> str:
    blob = json.dumps([text, voice, int(rate), round(float(volume), 3), engine, fmt],
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class AudioCache:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()

    def path(self, key: str, fmt: str) -> Path:
        return self.folder / key[:2] / f"{key}.{fmt}"

    def get(self, key: str, fmt: str) -> Path | None:
        p = self.path(key, fmt)
        return p if p.is_file() else None

    def put(self, key: str, fmt: str, data: bytes | Iterable[bytes]) -> Path:
        final = self.path(key, fmt)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=f".{fmt}", dir=final.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                for block in ([data] if isinstance(data, bytes | bytearray) else data):
                    f.write(block)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return final

    def sweep(self, older_than: float = 3600.0) -> int:
        """Delete temporary files a killed writer left behind; returns how many."""
        n, now = 0, time.time()
        for p in self.folder.glob(f"*/{TEMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                if now - p.stat().st_mtime > older_than:
                    p.unlink()
                    n += 1
        return n
