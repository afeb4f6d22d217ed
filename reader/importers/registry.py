"""What the reader can import, in one registry: each kind of source registers a class here,
and every place that needs to know reads it (`reader import` for files and folders, its
messages, the editor's upload and the upload field's ``accept=`` list).

    @register_importer
    class MarkdownImporter(Importer):
        name = "markdown"
        suffixes = (".md",)
        description = "Markdown galleries (.md)"
        media_types = ("text/markdown",)

        def parse(self, text: str, source: str) -> Gallery: ...

A text importer gets the source's text (already checked: UTF-8, not empty, not binary, at
most 2 MiB) and returns a `Gallery` or raises `InputError` naming the line. ``sniff`` lets
an importer claim a file that has no suffix by its first characters. An importer with
``photos = True`` (a zip of photos) is handled by the photo pipeline, not by ``parse``.
"""

from __future__ import annotations

from pathlib import PurePath

from reader.model import Gallery


class Importer:
    name: str = ""
    suffixes: tuple[str, ...] = ()  # lower case, with the dot
    description: str = ""  # for messages: "gallery texts (.txt)"
    media_types: tuple[str, ...] = ()  # for an upload field's accept= list
    in_folders: bool = True  # `reader import FOLDER` picks up these files
    keeps_source: bool = False  # the document names its own source (else: the file's path)
    photos: bool = False  # a source of photos, imported by reader.importers.photos

    def sniff(self, head: str) -> bool:
        """Does a file without a suffix, starting with ``head``, look like this kind?"""
        return False

    def parse(self, text: str, source: str) -> Gallery:
        raise NotImplementedError


IMPORTERS: dict[str, Importer] = {}


def register_importer(cls: type[Importer]) -> type[Importer]:
    """Register an `Importer` class (usable as a class decorator); a later one with the same
    name replaces the earlier."""
    IMPORTERS[cls.name] = cls()
    return cls


def importer_for(name: str, head: str | None = None) -> Importer | None:
    """The importer for a file called ``name`` (by its suffix; a file without one by its first
    characters ``head``, else as a gallery text), or None."""
    suffix = PurePath(name).suffix.lower()
    if suffix:
        return next((i for i in IMPORTERS.values() if suffix in i.suffixes), None)
    if head is not None:
        for importer in IMPORTERS.values():
            if importer.sniff(head):
                return importer
    return IMPORTERS.get("text")


def folder_suffixes() -> set[str]:
    """Suffixes of the text sources a folder import picks up."""
    return {s for i in IMPORTERS.values() if i.in_folders and not i.photos for s in i.suffixes}


def describe(*, photos: bool = True) -> str:
    """"gallery texts (.txt), gallery documents (.json) or zips of photos (.zip)"."""
    parts = [i.description for i in IMPORTERS.values() if photos or not i.photos]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def accept_list() -> str:
    """An upload field's ``accept=`` value: every registered suffix and media type."""
    items = [s for i in IMPORTERS.values() for s in i.suffixes]
    items += [m for i in IMPORTERS.values() for m in i.media_types]
    return ",".join(dict.fromkeys(items))
