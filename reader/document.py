"""The JSON gallery document of `../shared/INTERFACE.md`, built from the model.

Shared by the API and `reader import --json`, so both always say the same thing. Fields that
belong to later layers (an item's `image` and `speech`) are filled in by the callers that know
them, through the `extras` hook.
"""

from __future__ import annotations

from collections.abc import Callable
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


def summary_document(s: Summary) -> dict[str, Any]:
    return {"slug": s.slug, "title": s.title, "date": s.date, "item_count": s.item_count,
            "lang": s.lang}
