"""The audio cache: files named by a hash of everything that makes their content.

Key = SHA-256 of (text, voice, rate, volume, engine version, format). The files live in the
media store (`reader.media`: the instance folder's ``audio/``, or a bucket) under
``audio/ab/<key>.<fmt>``: per clip a FLAC, an MP3 and two WebVTT files (`STORED`), and
the whole-gallery MP3s; every write there is atomic, so a reader gets the whole file or none,
even if the process dies mid-write. The store's quota may evict a file (it is made again on
the next request) unless it was stored ``pinned`` (the configured default voice and rate).

`AudioCache(folder)` on a plain folder (no quota) keeps the files directly under it, as tools
and tests that want a private cache use it. An empty file counts as missing (after a machine
crash ext4 can leave a renamed new file empty); `AudioCache(folder, durable=True)` fsyncs.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from reader.media import LocalMedia, MediaStore
from reader.media.local import TEMP_PREFIX

__all__ = ["DERIVED", "FORMATS", "STORED", "TEMP_PREFIX", "AudioCache", "cache_key"]

# What the audio URLs serve. "words.vtt": a cue per word (the listening player's word
# highlight; see cues.py).
FORMATS = {"wav": "audio/wav", "mp3": "audio/mpeg", "vtt": "text/vtt",
           "words.vtt": "text/vtt"}
# What the cache keeps of a clip: one compressed copy to play (MP3), the lossless master
# (FLAC: the WAV URL and the whole-gallery file are made from it, bit for bit the engine's
# shaped samples, at about half a WAV's size) and the cues. A WAV is derived on request.
STORED = ("flac", "mp3", "vtt", "words.vtt")
DERIVED = {"wav": "flac"}  # served format -> the stored one it is made from
LOCAL_COPIES = 64  # files kept on this machine for callers that need a path (S3 store)


def cache_key(text: str, voice: str, rate: int, volume: float, engine: str, fmt: str) -> str:
    blob = json.dumps([text, voice, int(rate), round(float(volume), 3), engine, fmt],
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class AudioCache:
    def __init__(self, where: str | os.PathLike | MediaStore, durable: bool = False):
        if isinstance(where, str | os.PathLike):
            self.media = LocalMedia(where, durable=durable)
            self.prefix = ""
            Path(where).mkdir(parents=True, exist_ok=True)
            self.sweep()
        else:
            self.media = where
            self.prefix = "audio/"
        self._copies: OrderedDict[str, Path] = OrderedDict()
        self._copies_lock = threading.Lock()
        self._scratch: tempfile.TemporaryDirectory | None = None

    def name(self, key: str, fmt: str) -> str:
        return f"{self.prefix}{key[:2]}/{key}.{fmt}"

    def get(self, key: str, fmt: str) -> str | None:
        """The media name of the stored file, or None when it is not (wholly) stored."""
        name = self.name(key, fmt)
        return name if self.media.exists(name) else None

    def read(self, key: str, fmt: str) -> bytes:
        return self.media.get(self.name(key, fmt))

    def put(self, key: str, fmt: str, data: bytes | Iterable[bytes],
            pinned: bool = False) -> str:
        name = self.name(key, fmt)
        if pinned and hasattr(self.media, "pin"):
            self.media.put(name, data, pinned=True)
        else:
            self.media.put(name, data)
        return name

    def pin(self, key: str, fmt: str) -> None:
        if hasattr(self.media, "pin"):
            self.media.pin(self.name(key, fmt))

    def path(self, key: str, fmt: str) -> Path:
        """A file on this machine holding the stored file: the file itself in a folder store,
        else a copy in a temporary folder (the last `LOCAL_COPIES` are kept)."""
        name = self.name(key, fmt)
        local = self.media.local_path(name)
        if local is not None:
            return local
        with self._copies_lock:
            if name in self._copies and self._copies[name].exists():
                self._copies.move_to_end(name)
                return self._copies[name]
            if self._scratch is None:
                self._scratch = tempfile.TemporaryDirectory(prefix="reader-audio-")
            copy = Path(self._scratch.name) / f"{key}.{fmt}"
            copy.write_bytes(self.media.get(name))
            self._copies[name] = copy
            while len(self._copies) > LOCAL_COPIES:
                _old, p = self._copies.popitem(last=False)
                p.unlink(missing_ok=True)
            return copy

    def scratch(self, key: str, fmt: str, data: bytes) -> Path:
        """``data`` (a format made on request, e.g. a WAV) in a file on this machine, among
        the last `LOCAL_COPIES` kept."""
        with self._copies_lock:
            if self._scratch is None:
                self._scratch = tempfile.TemporaryDirectory(prefix="reader-audio-")
            copy = Path(self._scratch.name) / f"{key}.{fmt}"
            copy.write_bytes(data)
            self._copies[f"scratch:{key}.{fmt}"] = copy
            while len(self._copies) > LOCAL_COPIES:
                _old, p = self._copies.popitem(last=False)
                p.unlink(missing_ok=True)
            return copy

    def drop(self, fmt: str) -> int:
        """Delete every stored file of ``fmt`` (a format no longer kept: the WAVs of earlier
        versions, now made from the FLAC on request); returns how many."""
        n = 0
        for name, _size in list(self.media.names(self.prefix)):
            if name.endswith("." + fmt) and not name.endswith(".words." + fmt):
                self.media.delete(name)
                n += 1
        return n

    def sweep(self, older_than: float = 3600.0) -> int:
        """Delete temporary files a killed writer left behind (folder stores); how many."""
        sweep = getattr(self.media, "sweep", None) or getattr(
            getattr(self.media, "inner", None), "sweep", None)
        return sweep(self.prefix, older_than) if sweep else 0
