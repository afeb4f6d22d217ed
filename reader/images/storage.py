"""Where photos live in the instance folder: originals by content, derivatives beside them.

    images/originals/ab/<key>              the file exactly as imported (never served)
    images/derived/ab/<key>/v1/960.webp    derivatives; `manifest.json` is written last
    images/tmp/                            files being written (renamed into place when whole)

The key is the SHA-256 of the original's bytes, so the same photo is stored once, and a file
written for an import that then fails is harmless: nothing refers to it, and a later import of
the same photo reuses it. Every file is written under a temporary name and renamed into place,
so a crash never leaves a half-written file under a real name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

KEY_RE = re.compile(r"^[0-9a-f]{64}$")
DERIVED_VERSION = "v1"  # bump when the derivative recipe changes: old ones are then rebuilt


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ImageStore:
    def __init__(self, instance: str | os.PathLike):
        self.root = Path(instance) / "images"

    def original_path(self, key: str) -> Path:
        return self.root / "originals" / key[:2] / key

    def derived_dir(self, key: str) -> Path:
        return self.root / "derived" / key[:2] / key / DERIVED_VERSION

    def manifest_path(self, key: str) -> Path:
        return self.derived_dir(key) / "manifest.json"

    def write_atomic(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` so the path holds either nothing or the whole file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=path.name + ".")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_original(self, key: str, data: bytes) -> Path:
        path = self.original_path(key)
        if not path.exists():
            self.write_atomic(path, data)
        return path
