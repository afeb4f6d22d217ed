"""The names of a photo's files in the media store: originals by content, derivatives beside.

    images/originals/ab/<key>              the file exactly as imported (never served, never
                                           evicted)
    images/derived/ab/<key>/v1/960.webp    derivatives; `manifest.json` is written last; they
                                           may be evicted by the cache quota and are made
                                           again from the original when asked for

The key is the SHA-256 of the original's bytes, so the same photo is stored once, and a file
written for an import that then fails is harmless: nothing refers to it, and a later import of
the same photo reuses it. Where the files are (a folder, a bucket) is the media store's
business (`reader.media`); every write there is atomic.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from reader.media import MediaStore, media_for

KEY_RE = re.compile(r"^[0-9a-f]{64}$")
DERIVED_VERSION = "v1"  # bump when the derivative recipe changes: old ones are then rebuilt


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ImageStore:
    """A photo's files by name, in ``media`` (a `MediaStore`, or an instance folder whose
    configured store is used)."""

    def __init__(self, media: MediaStore | str | os.PathLike):
        self.media = media_for(media) if isinstance(media, str | os.PathLike) else media

    @staticmethod
    def original_name(key: str) -> str:
        return f"images/originals/{key[:2]}/{key}"

    @staticmethod
    def derived_name(key: str, file: str) -> str:
        return f"images/derived/{key[:2]}/{key}/{DERIVED_VERSION}/{file}"

    def manifest_name(self, key: str) -> str:
        return self.derived_name(key, "manifest.json")

    def put_original(self, key: str, data: bytes) -> str:
        name = self.original_name(key)
        if not self.media.exists(name):
            self.media.put(name, data)
        return name

    def put_derived(self, key: str, file: str, data: bytes) -> str:
        name = self.derived_name(key, file)
        self.media.put(name, data)
        return name

    def original(self, key: str) -> bytes | None:
        try:
            return self.media.get(self.original_name(key))
        except FileNotFoundError:
            return None

    def has_derived(self, key: str, file: str) -> bool:
        return self.media.exists(self.derived_name(key, file))

    # -- where the files are, when they are on this machine (a folder store; tools, tests) ----
    def _local(self, name: str) -> Path:
        path = self.media.local_path(name)
        if path is None:
            raise ValueError(f"{self.media.description} keeps no files on this machine")
        return path

    @property
    def root(self) -> Path:
        return self._local("images")

    def original_path(self, key: str) -> Path:
        return self._local(self.original_name(key))

    def derived_dir(self, key: str) -> Path:
        return self._local(self.derived_name(key, "manifest.json")).parent

    def manifest_path(self, key: str) -> Path:
        return self._local(self.manifest_name(key))
