"""Uploads' temporary files in ``INSTANCE/images/tmp``: held while in use, swept at start.

A photo import spools its zip and extracted members there; a crash (kill -9, power loss)
used to leave them forever. Each spool (a folder, or an uploaded file) holds an exclusive
``flock`` for as long as it is used, so `sweep` (run when the web app starts) removes exactly
the ones no live process holds, whatever their age and however many server processes share
the folder. The photo store's own temporary files (written, then renamed into place within
moments; `reader.images.storage`) hold no lock: they are removed once an hour old.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: nothing is locked, only old files are swept
    fcntl = None  # type: ignore[assignment]

LOCK = ".in-use"
SPOOL_PREFIX = "spool-"
UPLOAD_PREFIX = "upload-"
UNLOCKED_AGE = 3600.0  # seconds: the store's write-then-rename files live milliseconds


def tmp_dir(instance: str | Path) -> Path:
    path = Path(instance) / "images" / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _hold(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def _free(fd: int) -> bool:
    """True if nobody holds ``fd``'s file (we now do, until it is closed)."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def spool_dir(instance: str | Path) -> Iterator[Path]:
    """A private folder for one import, locked while the block runs, removed after."""
    folder = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=tmp_dir(instance)))
    fd = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        _hold(fd)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


@contextlib.contextmanager
def spool_file(instance: str | Path, data: bytes, suffix: str) -> Iterator[Path]:
    """``data`` in a private, locked temporary file for the block's length."""
    fd, name = tempfile.mkstemp(prefix=UPLOAD_PREFIX, suffix=suffix, dir=tmp_dir(instance))
    try:
        _hold(fd)
        with open(fd, "wb", closefd=False) as f:
            f.write(data)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
        os.close(fd)


def _unused(path: Path) -> bool:
    target = path / LOCK if path.is_dir() else path
    try:
        fd = os.open(target, os.O_RDONLY)
    except OSError:  # a spool folder without its lock file: a crash while making it
        return _old(path)
    try:
        return _free(fd) or (fcntl is None and _old(path))
    finally:
        os.close(fd)


def _old(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > UNLOCKED_AGE
    except OSError:
        return False


def sweep(instance: str | Path) -> list[str]:
    """Remove what crashed imports left in images/tmp; returns the names removed."""
    folder = Path(instance) / "images" / "tmp"
    if not folder.is_dir():
        return []
    removed = []
    for entry in folder.iterdir():
        spooled = entry.name.startswith((SPOOL_PREFIX, UPLOAD_PREFIX))
        if not (_unused(entry) if spooled else _old(entry)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry.name)
    return removed
