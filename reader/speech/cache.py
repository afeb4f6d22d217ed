"""The audio cache: files named by a hash of everything that makes their content.

Key = SHA-256 of (text, voice, rate, volume, engine version, format). A file is written to a
temporary name in the same folder, then renamed into place (atomic on POSIX and Windows), so
a reader gets the whole file or none, even if the process dies mid-write. Stray temporary
files (from a killed writer) are swept when the cache opens.

No fsync by default: it guards only against the *machine* crashing, costs about 4 ms a file
here (more than rendering a caption), and the cache can always be rebuilt. After such a
crash ext4 can leave a renamed new file empty, so an empty file counts as missing.
`AudioCache(durable=True)` fsyncs every file.
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
# "words.vtt": a cue per word (the listening player's word highlight; see cues.py).
FORMATS = {"wav": "audio/wav", "mp3": "audio/mpeg", "vtt": "text/vtt",
           "words.vtt": "text/vtt"}


def cache_key(text: str, voice: str, rate: int, volume: float, engine: str, fmt: str) -> str:
    blob = json.dumps([text, voice, int(rate), round(float(volume), 3), engine, fmt],
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class AudioCache:
    def __init__(self, folder: str | Path, durable: bool = False):
        self.folder = Path(folder)
        self.durable = durable
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()

    def path(self, key: str, fmt: str) -> Path:
        return self.folder / key[:2] / f"{key}.{fmt}"

    def get(self, key: str, fmt: str) -> Path | None:
        p = self.path(key, fmt)
        try:
            return p if p.stat().st_size > 0 else None
        except OSError:
            return None

    def put(self, key: str, fmt: str, data: bytes | Iterable[bytes]) -> Path:
        final = self.path(key, fmt)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=f".{fmt}", dir=final.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                for block in ([data] if isinstance(data, bytes | bytearray) else data):
                    f.write(block)
                if self.durable:
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
