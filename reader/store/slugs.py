"""Slugs and the checks every store makes before it keeps a gallery (shared by every
implementation, so they all accept and refuse the same galleries)."""

from __future__ import annotations

import re

from slugify import slugify

from reader.errors import InputError
from reader.model import Gallery, too_many_photos
from reader.validate import check_gallery_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80


def make_slug(title: str) -> str:
    """A readable URL slug from a title: "Photos: Russia's Kherson" → "russias-kherson"."""
    title = re.sub(r"^\s*(photos|pictures|in pictures|gallery)\s*:\s*", "", title, flags=re.I)
    slug = slugify(title, max_length=SLUG_MAX, word_boundary=True, replacements=[["'", ""],
                                                                                   ["’", ""]])
    return slug or "gallery"


def check_gallery(gallery: Gallery) -> None:
    """Refuse, with `InputError`, a gallery no store may keep."""
    if not gallery.title.strip():
        raise InputError("a gallery needs a title", source=gallery.source, field="title")
    if not gallery.items:
        raise InputError("a gallery needs at least one photo", source=gallery.source,
                         field="items")
    if message := too_many_photos(len(gallery.items)):
        raise InputError(message, source=gallery.source, field="items")
    if gallery.slug is not None and (len(gallery.slug) > SLUG_MAX
                                     or not SLUG_RE.match(gallery.slug)):
        shown = gallery.slug if len(gallery.slug) <= 40 else gallery.slug[:40] + "…"
        raise InputError(f"{shown!r} is not a slug (at most {SLUG_MAX} lower-case letters, "
                         "digits and single hyphens)", source=gallery.source, field="slug")
    check_gallery_text(gallery)  # reader/validate.py: the one input validator
