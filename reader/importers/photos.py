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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import InputError, MediaFull
from reader.images.opening import EXTENSIONS
from reader.images.pipeline import PhotoOutcome, PhotoTask, process_many
from reader.images.spool import spool_dir
from reader.importers.photo_files import (  # noqa: F401  (part of this module's face)
    GALLERY_TEXT,
    IGNORED,
    ORDER_FILE,
    ZipLimits,
    _collect,
    _Collected,
    _Entry,
    natural_key,
)
from reader.model import MAX_PHOTOS, Gallery, GalleryWarning, Item, StoredImage, too_many_photos

DEFAULT_LIMITS = ZipLimits()
Progress = Callable[[int, int], None]  # (photos done so far, photos in all)


@dataclass
class PhotoImport:
    """A photo source's outcome: the gallery (or None), its images, and what went wrong."""

    source: str
    gallery: Gallery | None = None
    images: list[StoredImage] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)  # one per refused file


def is_photo_source(path: str | Path) -> bool:
    """A zip, or a folder with at least one photo file in it."""
    p = Path(path)
    if p.suffix.lower() == ".zip":
        return True
    if p.is_dir():
        return any(Path(n).suffix.lower() in EXTENSIONS for n in os.listdir(p))
    return False


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
def _run(found: _Collected, instance: Path, lang: str | None, jobs: int | None,
         progress: Progress | None) -> list[PhotoOutcome]:
    entries = _ordered(found)
    if message := too_many_photos(len(entries), "photo files"):  # before any is processed
        raise InputError(f"the first photo over the limit: {message}",
                         source=found.where(entries[MAX_PHOTOS].name))
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


def no_room(outcomes: list[PhotoOutcome], source: str) -> None:
    """A full disk is no fault of the photos: the whole import stops with `MediaFull`."""
    full = next((o for o in outcomes if o.full), None)
    if full is not None:
        raise MediaFull(f"{source}: {full.name}: {full.error}; nothing was imported")


def load_photo_gallery(path: str | Path, *, instance: str | Path, lang: str | None = None,
                       jobs: int | None = None, progress: Progress | None = None,
                       limits: ZipLimits = DEFAULT_LIMITS, name: str | None = None
                       ) -> PhotoImport:
    """One gallery from a folder or zip of photos (see the module doc). ``name``: the name
    the folder or zip had for the person (an upload's), when ``path`` is a temporary file."""
    from reader.importers.lang import check_lang, detect_lang

    path, instance = Path(path), Path(instance)
    result = PhotoImport(str(path))
    try:
        with spool_dir(instance) as spool:  # locked while used; swept after a crash
            found = _collect(path, spool, limits)
            result.errors.extend(found.errors)
            gallery = _gallery_words(found, _title_from(Path(name) if name else path))
            outcomes = _run(found, instance, lang, jobs, progress)
    except InputError as e:
        result.errors.append(e)
        return result
    no_room(outcomes, name or str(path))
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
                  limits: ZipLimits = DEFAULT_LIMITS) -> PhotoImport:
    """Pair a gallery text's items with the photos of a folder or zip, in order.

    The text's words win; a photo's metadata fills only what the text leaves empty (alt text,
    credit). If any photo is refused, or the counts differ, nothing is attached: the result
    has no gallery and says why.
    """
    images, instance = Path(images), Path(instance)
    result = PhotoImport(str(images))
    source = gallery.source or "gallery text"
    try:
        with spool_dir(instance) as spool:
            found = _collect(images, spool, limits)
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
    no_room(outcomes, str(images))
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
