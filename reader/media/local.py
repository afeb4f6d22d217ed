"""Media in a folder on this machine (the default: the instance folder, today's layout).

Each file is written under a temporary name (``.partial-…``) beside its final one, then
renamed into place (atomic on POSIX and Windows); a writer killed mid-write leaves only the
temporary file, which `sweep` removes later. No fsync unless ``durable``: it guards only
against the machine crashing, and every re-creatable file can be made again; after such a
crash ext4 can leave a renamed new file empty, so an empty file counts as missing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from reader.errors import MediaFull
from reader.media.base import BLOCK, Data, check_name, chunks

TEMP_PREFIX = ".partial-"


class LocalMedia:
    def __init__(self, root: str | os.PathLike, durable: bool = False):
        self.root = Path(root)
        self.durable = durable
        self.description = f"folder {self.root}"

    def path(self, name: str) -> Path:
        return self.root / check_name(name)

    def put(self, name: str, data: Data) -> int:
        final = self.path(name)
        size = 0
        tmp = None
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=final.suffix, dir=final.parent)
            with os.fdopen(fd, "wb") as f:
                for block in chunks(data):
                    f.write(block)
                    size += len(block)
                if self.durable:
                    f.flush()
                    os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, final)
        except OSError as e:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise MediaFull(f"no room to store {name} in {self.root}") from None
            raise
        except BaseException:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise
        return size

    def get(self, name: str) -> bytes:
        data = self.path(name).read_bytes()
        if not data:
            raise FileNotFoundError(name)
        return data

    def open_range(self, name: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        f = open(self.path(name), "rb")  # noqa: SIM115  (opened now: a missing file fails here)
        return _read_range(f, start, stop)

    def size(self, name: str) -> int | None:
        try:
            n = self.path(name).stat().st_size
        except OSError:
            return None
        return n or None

    def exists(self, name: str) -> bool:
        return self.size(name) is not None

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def url(self, name: str, expires: int = 3600) -> str | None:
        return None

    def names(self, prefix: str = "") -> Iterator[tuple[str, int]]:
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return
        for dirpath, _dirs, files in os.walk(base):
            for f in files:
                if f.startswith(TEMP_PREFIX):
                    continue
                p = Path(dirpath) / f
                with contextlib.suppress(OSError):
                    yield p.relative_to(self.root).as_posix(), p.stat().st_size

    def local_path(self, name: str) -> Path | None:
        return self.path(name)

    def free_bytes(self) -> int | None:
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return shutil.disk_usage(folder).free

    def sweep(self, prefix: str = "", older_than: float = 3600.0) -> int:
        """Delete temporary files a killed writer left behind; returns how many."""
        n, now = 0, time.time()
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return 0
        for dirpath, _dirs, files in os.walk(base):
            for f in files:
                if not f.startswith(TEMP_PREFIX):
                    continue
                p = Path(dirpath) / f
                with contextlib.suppress(OSError):
                    if now - p.stat().st_mtime > older_than:
                        p.unlink()
                        n += 1
        return n


def _read_range(f, start: int, stop: int | None) -> Iterator[bytes]:
    with f:
        f.seek(start)
        left = None if stop is None else stop - start
        while left is None or left > 0:
            block = f.read(BLOCK if left is None else min(BLOCK, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block
