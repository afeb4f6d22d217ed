"""Editing a stored gallery one change at a time: an item's words, its place, its removal.

Store-level (no Flask); the editor pages call these. Each change is read-modify-save through
`Store.save`, so whatever the store keeps in step with a gallery (its search index, …) stays
in step. Each form carries the gallery's *version* (a hash of its content when the form was
made); a change is a compare-and-set on that version: the read, the check and the save run in
ONE store transaction (writers are serialised), so of simultaneous saves made from one version
exactly one wins and the others are refused with :class:`EditConflict` (409), instead of
silently overwriting another editor's work or acting on a photo that has since moved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable

from reader.errors import EditConflict, InputError
from reader.model import Gallery, Item
from reader.store import Store
from reader.validate import CONTROL, LIMITS, check_text, describe

__all__ = ["EditConflict", "check_item_fields", "clean_text", "delete_gallery", "delete_item",
           "edit_item", "gallery_version", "move_item"]

MAX_FIELD_CHARS = 20_000  # as the text importer's longest line
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def gallery_version(gallery: Gallery) -> str:
    data = json.dumps(dataclasses.asdict(gallery), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def clean_text(value: str | None, field: str, *, required: bool) -> str | None:
    """A one-paragraph text field as typed: trimmed, line breaks become spaces."""
    value = _LINE_BREAKS.sub(" ", (value or "").strip())
    if not value:
        if required:
            raise InputError("enter some text", field=field)
        return None
    if len(value) > MAX_FIELD_CHARS:
        raise InputError(f"at most {MAX_FIELD_CHARS:,} characters (this has {len(value):,})",
                         field=field)
    bad = CONTROL.search(value)  # the one validator's set (reader/validate.py)
    if bad:
        raise InputError(f"remove the {describe(bad.group())} at character {bad.start() + 1} "
                         "(an invisible character that is not text)", field=field)
    check_text(value, field, limit=LIMITS.get(field, MAX_FIELD_CHARS))
    return value


def _change(library: Store, slug: str, version: str,
            change: Callable[[Gallery], object]) -> Gallery:
    """Compare-and-set: in one transaction, load the gallery, check it is still at
    ``version``, apply ``change`` to it and save it."""
    with library.transaction():
        gallery = library.get(slug)
        if version != gallery_version(gallery):
            raise EditConflict(slug)
        change(gallery)
        return library.save(gallery)


def _item(gallery: Gallery, position: int) -> Item:
    if not 1 <= position <= len(gallery.items):
        raise InputError(f"this gallery has photos 1 to {len(gallery.items)}",
                         field="position")
    return gallery.items[position - 1]


def edit_item(library: Store, slug: str, position: int, version: str, *, alt: str | None,
              caption: str, credit: str | None) -> Gallery:
    """Replace one photo's description (alt), caption and credit.

    Raises :class:`InputError` naming the first bad field (checked before anything is stored).
    """
    fields = {"alt": clean_text(alt, "alt", required=False),
              "caption": clean_text(caption, "caption", required=True),
              "credit": clean_text(credit, "credit", required=False)}

    def change(gallery: Gallery) -> None:
        item = _item(gallery, position)
        item.alt, item.caption, item.credit = fields["alt"], fields["caption"], fields["credit"]

    return _change(library, slug, version, change)


def check_item_fields(alt: str | None, caption: str, credit: str | None) -> dict[str, str]:
    """Every field error at once (for a form), as {field: message}."""
    errors = {}
    for name, value, required in (("alt", alt, False), ("caption", caption, True),
                                  ("credit", credit, False)):
        try:
            clean_text(value, name, required=required)
        except InputError as e:
            errors[name] = e.message
    return errors


def move_item(library: Store, slug: str, position: int, to: int, version: str) -> Gallery:
    def change(gallery: Gallery) -> None:
        item = _item(gallery, position)
        if not 1 <= to <= len(gallery.items):
            raise InputError(f"a photo can move to places 1 to {len(gallery.items)}",
                             field="to")
        gallery.items.remove(item)
        gallery.items.insert(to - 1, item)

    return _change(library, slug, version, change)


def delete_item(library: Store, slug: str, position: int, version: str) -> Gallery:
    def change(gallery: Gallery) -> None:
        item = _item(gallery, position)
        if len(gallery.items) == 1:
            raise InputError("a gallery needs at least one photo; delete the gallery instead",
                             field="position")
        gallery.items.remove(item)

    return _change(library, slug, version, change)


def delete_gallery(library: Store, slug: str, version: str) -> None:
    with library.transaction():
        if version != gallery_version(library.get(slug)):
            raise EditConflict(slug)
        library.delete(slug)
