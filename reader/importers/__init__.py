"""Importers: turn a source (gallery text, JSON document, folder) into plain :class:`Gallery`.

`load_path` is the one entry point; it picks the importer by what the path is (the registry,
`reader.importers.registry`), and fills in the gallery's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.errors import InputError
from reader.importers.jsondoc import parse_gallery_json
from reader.importers.lang import check_lang, detect_lang
from reader.importers.registry import (
    IMPORTERS,
    Importer,
    describe,
    folder_suffixes,
    importer_for,
    register_importer,
)
from reader.importers.text import parse_gallery_text
from reader.model import Gallery, too_many_photos

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a gallery text is a few KB; 2 MiB is far past any real one


@register_importer
class TextImporter(Importer):
    name = "text"
    suffixes = (".txt", ".text")
    description = "gallery texts (.txt)"
    media_types = ("text/plain",)

    def parse(self, text: str, source: str) -> Gallery:
        return parse_gallery_text(text, source=source)


@register_importer
class JsonImporter(Importer):
    name = "json"
    suffixes = (".json",)
    description = "gallery documents (.json)"
    media_types = ("application/json",)
    keeps_source = True

    def sniff(self, head: str) -> bool:
        return head.lstrip("\ufeff \t\r\n").startswith("{")

    def parse(self, text: str, source: str) -> Gallery:
        return parse_gallery_json(text, source=source)


@register_importer
class PhotoZipImporter(Importer):
    """A zip of photos (a folder of them is found by its contents): reader.importers.photos."""

    name = "photos"
    suffixes = (".zip",)
    description = "zips of photos (.zip)"
    media_types = ("application/zip",)
    photos = True


@dataclass
class Loaded:
    """One source's outcome: a gallery, or the error that stopped it."""

    source: str
    gallery: Gallery | None = None
    error: InputError | None = None


def decode_source(data: bytes, source: str) -> str:
    """Bytes of a text source → str, refusing what is not a UTF-8 text."""
    if not data.strip():
        raise InputError("the file is empty", source=source)
    if len(data) > MAX_SOURCE_BYTES:
        raise InputError(f"the file is {len(data):,} bytes; a gallery text may be at most "
                         f"{MAX_SOURCE_BYTES:,}", source=source)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError("this is a binary file, not a gallery text", source=source, line=line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                         "save the file as UTF-8", source=source, line=line) from None


def parse_source(data: bytes, source: str, *, kind: str = "text",
                 lang: str | None = None) -> Gallery:
    """Parse one source's bytes with the importer registered as ``kind``."""
    text = decode_source(data, source)
    gallery = IMPORTERS[kind].parse(text, source)
    if message := too_many_photos(len(gallery.items)):
        raise InputError(message, source=source, field="items")
    if lang:
        gallery.lang = check_lang(lang, source=source)
    elif not gallery.lang:
        gallery.lang = detect_lang(gallery)
    return gallery


def _load_file(path: Path, lang: str | None) -> Gallery:
    source = str(path)
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise InputError(f"the file is {size:,} bytes; a gallery text may be at most "
                         f"{MAX_SOURCE_BYTES:,}", source=source)
    data = path.read_bytes()
    importer = importer_for(path.name, data[:64].decode("utf-8", "replace"))
    if importer is None or importer.photos:
        raise InputError(f"cannot import a {path.suffix.lower()!r} file here (this reader "
                         f"imports {describe(photos=False)})", source=source)
    gallery = parse_source(data, source, kind=importer.name, lang=lang)
    if gallery.source is None or not importer.keeps_source:
        gallery.source = str(path.resolve())
    return gallery


def load_path(path: str | Path, *, lang: str | None = None) -> list[Loaded]:
    """Every gallery a path holds: a file gives one; a folder gives one per gallery file in it."""
    p = Path(path)
    if not p.exists():
        return [Loaded(str(path), error=InputError("no such file or folder", source=str(path)))]
    if p.is_dir():
        files = gallery_files(p)
        if not files:
            return [Loaded(str(path), error=InputError(
                f"the folder holds no {describe(photos=False)}", source=str(path)))]
        return [load_file(f, lang) for f in files]
    return [load_file(p, lang)]


def gallery_files(folder: Path) -> list[Path]:
    """The gallery files a folder holds, in name order (bulk import lists them first, to
    count them for its progress bar, then loads them one at a time)."""
    return sorted(f for f in folder.iterdir()
                  if f.is_file() and not f.is_symlink() and not f.name.startswith(".")
                  and f.suffix.lower() in folder_suffixes())


def load_file(path: Path, lang: str | None = None) -> Loaded:
    """One file's outcome, never raising for bad input."""
    try:
        return Loaded(str(path), gallery=_load_file(path, lang))
    except InputError as e:
        return Loaded(str(path), error=e)
    except OSError as e:
        return Loaded(str(path), error=InputError(f"cannot read: {e.strerror}",
                                                  source=str(path)))


def load_files(files: list[Path], lang: str | None = None, jobs: int = 1) -> Iterator[Loaded]:
    """Load many files in order; with ``jobs`` > 1, parse them in that many worker processes
    (reading, parsing and language detection are CPU work; the caller keeps writing)."""
    if jobs <= 1 or len(files) < 2 * jobs:
        for f in files:
            yield load_file(f, lang)
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for source, gallery, error in pool.imap(_load_in_worker, [(f, lang) for f in files],
                                                chunksize=16):
            yield Loaded(source, gallery=gallery,
                         error=None if error is None else InputError(error[0], source=error[1],
                                                                     line=error[2],
                                                                     field=error[3]))


def _load_in_worker(job: tuple[Path, str | None]):
    # InputError's keyword arguments do not survive pickling: send its parts.
    loaded = load_file(*job)
    e = loaded.error
    return (loaded.source, loaded.gallery,
            None if e is None else (e.message, e.source, e.line, e.field))
