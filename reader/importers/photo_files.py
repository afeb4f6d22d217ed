"""Collecting a photo source's files, safely: a folder (no symbolic links, no subfolders) or a
zip (no `..` or absolute paths, no links, no encrypted members; members, sizes and
compression ratios limited, sizes counted as read), spooled to a private folder. What
`reader.importers.photos` then orders, opens and stores. No Flask."""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import InputError
from reader.images.opening import EXTENSIONS, MAX_FILE_BYTES
from reader.importers import MAX_SOURCE_BYTES

GALLERY_TEXT = "gallery.txt"
ORDER_FILE = "order.txt"
IGNORED = re.compile(r"^(\.|__MACOSX$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5_000
    max_total_bytes: int = 4 * 1024**3
    max_member_bytes: int = MAX_FILE_BYTES
    max_ratio: int = 100  # JPEG/PNG/WebP barely compress; 100:1 is a bomb, not a photo


@dataclass
class _Entry:
    name: str  # as in the folder or zip (relative)
    path: Path  # where the bytes are now (the file itself, or a spooled copy)


@dataclass
class _Collected:
    label: str  # how messages name the source: "photos/" or "photos.zip"
    entries: list[_Entry] = field(default_factory=list)
    texts: dict[str, bytes] = field(default_factory=dict)  # gallery.txt, order.txt
    notes: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def where(self, name: str) -> str:
        return f"{self.label}:{name}" if self.label.endswith(".zip") else f"{self.label}/{name}"

    def relative(self, where: str) -> str:
        """A file's name inside the source, from the name `where` gave it."""
        for sep in (":", "/"):
            if where.startswith(self.label + sep):
                return where[len(self.label) + 1:]
        return where

    def refuse(self, name: str, message: str) -> None:
        self.errors.append(InputError(message, source=self.where(name)))


def natural_key(name: str) -> list:
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", name)]


# -- collecting files --------------------------------------------------------------------
def _collect_folder(folder: Path) -> _Collected:
    found = _Collected(str(folder))
    for entry in sorted(os.scandir(folder), key=lambda e: natural_key(e.name)):
        name = entry.name
        if IGNORED.match(name):
            continue
        if entry.is_symlink():
            found.refuse(name, "is a symbolic link; refused (a photo folder must hold the "
                               "files themselves)")
        elif entry.is_dir():
            found.notes.append(f"{name}/: a subfolder; skipped (photos are read from the "
                               "folder itself)")
        elif name.lower() in (GALLERY_TEXT, ORDER_FILE):
            with open(entry.path, "rb") as f:  # no more than a text may hold, plus one byte
                found.texts[name.lower()] = f.read(MAX_SOURCE_BYTES + 1)
        elif Path(name).suffix.lower() in EXTENSIONS:
            found.entries.append(_Entry(name, Path(entry.path)))
        else:
            found.notes.append(f"{name}: not a photo (JPEG, PNG or WebP); skipped")
    return found


def _member_problem(info: zipfile.ZipInfo, name: str) -> str | None:
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "has an absolute path; refused"
    if ".." in name.split("/"):
        return "has '..' in its path (it would land outside the folder); refused"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "is a symbolic link; refused"
    if info.flag_bits & 0x1:
        return "is encrypted; refused"
    return None


def _collect_zip(zpath: Path, spool: Path, limits: ZipLimits) -> _Collected:
    found = _Collected(str(zpath))
    try:
        zf = zipfile.ZipFile(zpath)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(f"not a readable zip archive ({e})", source=str(zpath)) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            raise InputError(f"the zip holds {len(infos):,} files; the limit is "
                             f"{limits.max_members:,} (a zip bomb?)", source=str(zpath))
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_total_bytes:
            raise InputError(f"the zip unpacks to {declared:,} bytes; the limit is "
                             f"{limits.max_total_bytes:,} (a zip bomb?)", source=str(zpath))
        names = [i.filename.replace("\\", "/") for i in infos]
        safe = [n for i, n in zip(infos, names, strict=True) if not _member_problem(i, n)]
        tops = {n.split("/", 1)[0] for n in safe}
        prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in n for n in safe) else ""
        total = 0
        for number, (info, name) in enumerate(zip(infos, names, strict=True)):
            if problem := _member_problem(info, name):
                found.refuse(name, problem)
                continue
            rel = name[len(prefix):] if prefix and name.startswith(prefix) else name
            base = rel.rsplit("/", 1)[-1]
            if any(IGNORED.match(part) for part in rel.split("/")):
                continue
            if "/" in rel:
                found.notes.append(f"{rel}: in a subfolder of the zip; skipped")
                continue
            is_photo = Path(base).suffix.lower() in EXTENSIONS
            is_text = base.lower() in (GALLERY_TEXT, ORDER_FILE)
            if not (is_photo or is_text):
                found.notes.append(f"{rel}: not a photo (JPEG, PNG or WebP); skipped")
                continue
            if info.file_size > limits.max_member_bytes:
                found.refuse(rel, f"unpacks to {info.file_size:,} bytes; a photo may be at "
                                  f"most {limits.max_member_bytes:,}")
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
                found.refuse(rel, f"compresses {ratio:,.0f} to 1 (photos barely compress); "
                                  "refused as a zip bomb")
                continue
            target = spool / f"{number:06d}"
            try:
                size = _spool(zf, info, target, limits.max_member_bytes,
                              limits.max_total_bytes - total)
            except _TooBig as e:
                if e.whole:
                    raise InputError(f"the zip unpacks to more than "
                                     f"{limits.max_total_bytes:,} bytes (its sizes lie: a zip "
                                     "bomb?)", source=str(zpath)) from None
                found.refuse(rel, f"unpacks to more than {limits.max_member_bytes:,} bytes "
                                  "(more than the zip declares); refused")
                continue
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as e:
                found.refuse(rel, f"is damaged inside the zip ({e}); skipped")
                continue
            total += size
            if is_text:
                found.texts[base.lower()] = target.read_bytes()[: MAX_SOURCE_BYTES + 1]
            else:
                found.entries.append(_Entry(rel, target))
    found.entries.sort(key=lambda e: natural_key(e.name))
    return found


class _TooBig(Exception):
    def __init__(self, whole: bool):
        self.whole = whole


def _spool(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, member_limit: int,
           total_left: int) -> int:
    size = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1024 * 1024):
            size += len(chunk)
            if size > total_left:
                raise _TooBig(whole=True)
            if size > member_limit or size > info.file_size:
                raise _TooBig(whole=False)
            dst.write(chunk)
    return size


def _collect(path: Path, spool: Path, limits: ZipLimits) -> _Collected:
    if path.is_symlink():
        raise InputError("is a symbolic link; give the folder or zip itself", source=str(path))
    if path.is_dir():
        return _collect_folder(path)
    if path.suffix.lower() == ".zip" and path.is_file():
        return _collect_zip(path, spool, limits)
    if not path.exists():
        raise InputError("no such file or folder", source=str(path))
    raise InputError("not a folder or zip of photos", source=str(path))
