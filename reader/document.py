"""The JSON gallery document of `../shared/INTERFACE.md`, built from the model.

Shared by the API and `reader import --json`, so both always say the same thing. Fields that
belong to later layers (an item's `image` and `speech`) are filled in by the callers that know
them, through the `extras` hook.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from reader.model import Gallery, Item
from reader.store import Summary

ItemExtras = Callable[[Gallery, Item], dict[str, Any]]


def gallery_document(gallery: Gallery, extras: ItemExtras | None = None) -> dict[str, Any]:
    items = []
    for item in gallery.items:
        doc = {"position": item.position, "alt": item.alt, "caption": item.caption,
               "credit": item.credit, "image": None, "speech": None}
        if extras is not None:
            doc.update(extras(gallery, item))
        items.append(doc)
    return {
        "slug": gallery.slug,
        "title": gallery.title,
        "section": gallery.section,
        "date": gallery.date,
        "published": gallery.published,
        "standfirst": gallery.standfirst,
        "body": list(gallery.body),
        "lang": gallery.lang,
        "source": gallery.source,
        "warnings": [{"line": w.line, "message": w.message} for w in gallery.warnings],
        "items": items,
    }


# An absolute path (POSIX or Windows) inside a message, not part of a word or URL ("Reuters/
# Ana", "http://…"): everything up to a space, quote, bracket, colon-space or the end.
_PATH = re.compile(r"(?<![\w/:.~-])(?:[A-Za-z]:\\|/)(?:[^\s\"'():]|:(?!\s|$))+")


def without_paths(text: str) -> str:
    """``text`` with every absolute path shortened to its file name."""
    return _PATH.sub(lambda m: PurePath(m.group().replace("\\", "/")).name or "…", text)


def public_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as anonymous readers get it: no server path anywhere (``source`` is the
    file's name; paths in warnings are shortened to file names). Editors get it whole."""
    out = dict(doc)
    if out.get("source"):
        out["source"] = PurePath(out["source"].replace("\\", "/")).name
    out["warnings"] = [{**w, "message": without_paths(w["message"])}
                       for w in doc.get("warnings", [])]
    return out


def summary_document(s: Summary) -> dict[str, Any]:
    return {"slug": s.slug, "title": s.title, "date": s.date, "item_count": s.item_count,
            "lang": s.lang}
