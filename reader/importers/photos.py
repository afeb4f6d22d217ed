"""Importer for photo folders and zips: one gallery whose words come from the photos' metadata.

A photo source is a folder, or a `.zip`, of JPEG, PNG and WebP files. Per photo, the alt
text, caption and credit come from its XMP, IPTC and EXIF (order of preference:
`reader/images/metadata.py`). Two optional text files sit beside the photos:

- ``gallery.txt``: the gallery's own words. Paragraphs are separated by blank lines: the first
  is the title, the second the standfirst, the rest the body. Without it, the title is made
  from the folder's (or zip's) name.
- ``order.txt``: one photo file name a line (``#`` starts a comment). Listed photos come first,
  in that order; photos it does not list follow in file-name order, with a note. Without it,
  photos are in file-name order, numbers compared as numbers (``2.jpg`` before ``10.jpg``).

`attach_photos` pairs a gallery text's items with a folder's (or zip's) photos in that order
(`reader import gallery.txt --images DIR`): the counts must match.

Each bad file gets its own message and the rest of the gallery still imports:

- in a folder: symbolic links are refused (a photo folder must hold the files themselves);
  subfolders, and files that are not photos, are skipped with a note;
- in a zip: members with ``..`` in their path, absolute paths, symbolic links or encryption are
  refused; the zip as a whole is refused past :class:`ZipLimits` (member count, total
  uncompressed size), and a member past the per-file size or compression ratio is refused.
  Members are never extracted by their own names: each is spooled to a numbered temporary file,
  its size counted as it is read (a zip's declared sizes can lie), then removed;
- every photo file: see `reader/images/opening.py` (bombs, damage, lying types, huge sizes).

Photo files are stored (content-addressed, see `reader/images/storage.py`) before the gallery;
the gallery row and its image records are then written in one transaction by the caller.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import InputError
from reader.images.opening import EXTENSIONS, MAX_FILE_BYTES
from reader.images.pipeline import PhotoOutcome, PhotoTask, process_many
from reader.importers import MAX_SOURCE_BYTES
from reader.model import Gallery, GalleryWarning, Item, StoredImage

GALLERY_TEXT = "gallery.txt"
ORDER_FILE = "order.txt"
IGNORED = re.compile(r"^(\.|__MACOSX$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
Progress = Callable[[int, int], None]  # (photos done so far, photos in all)


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5_000
    max_total_bytes: int = 4 * 1024**3
    max_member_bytes: int = MAX_FILE_BYTES
    max_ratio: int = 100  # JPEG/PNG/WebP barely compress; 100:1 is a bomb, not a photo


@dataclass
class PhotoImport:
    """A photo source's outcome: the gallery (or None), its images, and what went wrong."""

    source: str
    gallery: Gallery | None = None
    images: list[StoredImage] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)  # one per refused file


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


def is_photo_source(path: str | Path) -> bool:
    """A zip, or a folder with at least one photo file in it."""
    p = Path(path)
    if p.suffix.lower() == ".zip":
        return True
    if p.is_dir():
        return any(Path(n).suffix.lower() in EXTENSIONS for n in os.listdir(p))
    return False


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


# -- order and gallery text --------------------------------------------------------------
def _ordered(found: _Collected) -> list[_Entry]:
    raw = found.texts.get(ORDER_FILE)
    if raw is None:
        return found.entries
    where = found.where(ORDER_FILE)
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        found.notes.append(f"{ORDER_FILE}: not UTF-8 text; ignored (photos in file-name order)")
        return found.entries
    by_name = {e.name: e for e in found.entries}
    by_folded = {e.name.casefold(): e for e in found.entries}
    ordered: list[_Entry] = []
    for n, line in enumerate(lines, start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        entry = by_name.get(name) or by_folded.get(name.casefold())
        if entry is None:
            found.notes.append(f"{where} line {n}: no photo called {name!r} (or it was "
                               "refused); ignored")
        elif entry in ordered:
            found.notes.append(f"{where} line {n}: {name!r} is listed twice; the first place "
                               "counts")
        else:
            ordered.append(entry)
    rest = [e for e in found.entries if e not in ordered]
    for e in rest:
        found.notes.append(f"{e.name}: not listed in {ORDER_FILE}; placed after the listed "
                           "photos")
    return ordered + rest


def _gallery_words(found: _Collected, fallback_title: str) -> Gallery:
    from reader.importers import decode_source

    raw = found.texts.get(GALLERY_TEXT)
    if raw is None:
        found.notes.append(f"no {GALLERY_TEXT}; the title is made from the name "
                           f"{fallback_title!r}")
        return Gallery(title=fallback_title)
    text = decode_source(raw, found.where(GALLERY_TEXT)).lstrip("\ufeff")
    paragraphs = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise InputError("has no text (its first paragraph is the gallery's title)",
                         source=found.where(GALLERY_TEXT))
    return Gallery(title=paragraphs[0], standfirst=paragraphs[1] if len(paragraphs) > 1 else None,
                   body=paragraphs[2:])


def _title_from(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem if path.suffix.lower() == ".zip" else path.name)
    words = words.strip() or "Photos"
    return words[:1].upper() + words[1:]


# -- running ------------------------------------------------------------------------------
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


def _run(found: _Collected, instance: Path, lang: str | None, jobs: int | None,
         progress: Progress | None) -> list[PhotoOutcome]:
    entries = _ordered(found)
    tasks = [PhotoTask(str(e.path), found.where(e.name), str(instance), lang) for e in entries]
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(tasks))

    return process_many(tasks, jobs=jobs, progress=tick)


def _record(outcome: PhotoOutcome) -> StoredImage:
    assert outcome.key and outcome.format
    return StoredImage(key=outcome.key, format=outcome.format, width=outcome.width,
                       height=outcome.height, size=outcome.size,
                       name=outcome.name.rsplit("/", 1)[-1].rsplit(":", 1)[-1],
                       ext_description=outcome.text.ext_description)


def _spool_dir(instance: Path) -> tempfile.TemporaryDirectory:
    tmp = instance / "images" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="spool-", dir=tmp)


def load_photo_gallery(path: str | Path, *, instance: str | Path, lang: str | None = None,
                       jobs: int | None = None, progress: Progress | None = None,
                       limits: ZipLimits = ZipLimits()) -> PhotoImport:
    """One gallery from a folder or zip of photos (see the module doc)."""
    from reader.importers.lang import check_lang, detect_lang

    path, instance = Path(path), Path(instance)
    result = PhotoImport(str(path))
    try:
        with _spool_dir(instance) as spool:
            found = _collect(path, Path(spool), limits)
            result.errors.extend(found.errors)
            gallery = _gallery_words(found, _title_from(path))
            outcomes = _run(found, instance, lang, jobs, progress)
    except InputError as e:
        result.errors.append(e)
        return result
    items: list[Item] = []
    for o in outcomes:
        if not o.ok:
            result.errors.append(InputError(o.error or "refused", source=o.name))
            continue
        name = found.relative(o.name)
        found.notes.extend(f"{name}: {note}" for note in o.notes)
        if not o.text.caption:
            found.notes.append(f"{name}: no caption in its metadata (XMP dc:description, "
                               "IPTC Caption-Abstract or EXIF ImageDescription)")
        items.append(Item(position=len(items) + 1, caption=o.text.caption or "",
                          credit=o.text.credit, alt=o.text.alt, image=o.key))
        result.images.append(_record(o))
    if not items:
        result.errors.append(InputError("no photo in it could be imported", source=str(path)))
        result.images = []
        return result
    gallery.items = items
    gallery.source = str(path.resolve())
    gallery.warnings = [GalleryWarning(None, note) for note in found.notes]
    gallery.lang = check_lang(lang, source=str(path)) if lang else detect_lang(gallery)
    result.gallery = gallery
    return result


def attach_photos(gallery: Gallery, images: str | Path, *, instance: str | Path,
                  jobs: int | None = None, progress: Progress | None = None,
                  limits: ZipLimits = ZipLimits()) -> PhotoImport:
    """Pair a gallery text's items with the photos of a folder or zip, in order.

    The text's words win; a photo's metadata fills only what the text leaves empty (alt text,
    credit). If any photo is refused, or the counts differ, nothing is attached: the result
    has no gallery and says why.
    """
    images, instance = Path(images), Path(instance)
    result = PhotoImport(str(images))
    source = gallery.source or "gallery text"
    try:
        with _spool_dir(instance) as spool:
            found = _collect(images, Path(spool), limits)
            result.errors.extend(found.errors)
            if found.errors:
                raise InputError(f"{len(found.errors)} file(s) in {images} were refused, so the "
                                 "photos cannot be paired with the text's items; nothing was "
                                 "imported", source=source)
            entries = _ordered(found)
            if len(entries) != len(gallery.items):
                listed = ", ".join(e.name for e in entries[:8]) + (
                    ", …" if len(entries) > 8 else "")
                raise InputError(
                    f"the text has {len(gallery.items)} photos but {images} holds "
                    f"{len(entries)} photo files ({listed or 'none'}); photos are paired with "
                    "the text's items in order, so the counts must be equal", source=source)
            found.entries = entries
            outcomes = _run(found, instance, gallery.lang, jobs, progress)
    except InputError as e:
        result.errors.append(e)
        return result
    bad = [o for o in outcomes if not o.ok]
    if bad:
        result.errors.extend(InputError(o.error or "refused", source=o.name) for o in bad)
        result.errors.append(InputError(
            f"{len(bad)} of {len(outcomes)} photos could not be used, so the photos cannot be "
            "paired with the text's items; nothing was imported", source=source))
        return result
    for item, o in zip(gallery.items, outcomes, strict=True):
        item.image = o.key
        item.alt = item.alt or o.text.alt
        item.credit = item.credit or o.text.credit
        gallery.warnings.extend(GalleryWarning(None, f"{found.relative(o.name)}: {n}")
                                for n in o.notes)
        result.images.append(_record(o))
    gallery.warnings.extend(GalleryWarning(None, n) for n in found.notes)
    result.gallery = gallery
    return result
