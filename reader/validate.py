"""The one input validator: what any text must be before the library keeps it.

Every way in (gallery texts, JSON documents, photo metadata, the editor's forms) ends in a
store's `check_gallery`, which calls `check_gallery_text`: so all of them accept and refuse
the same things, with an `InputError` naming the source and the field:

- valid Unicode: no lone surrogates (``"\\ud800"`` in JSON decodes to one; it cannot be
  stored, spoken or written into an EPUB);
- no control characters: C0 (tab and line breaks excepted), DEL and
  C1 (an escape sequence would reach terminals through `reader list`, and XML 1.0 forbids
  most of them, so the EPUB would be invalid);
- bounded lengths (`LIMITS`, per field, generous for real galleries) and a bounded slug
  (`reader.store.slugs.SLUG_MAX`).

Where the text comes from a camera rather than a person (photo metadata), `clean_control`
drops the same characters instead of refusing the photo. JSON nesting is bounded where it is
parsed (`reader.importers.jsondoc`).
"""

from __future__ import annotations

import re

from reader.errors import InputError
from reader.model import Gallery

# C0 except tab/LF/CR, DEL, C1, and every UTF-16 surrogate (only lone ones reach a str).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile(r"[\r\n]")

# Characters per field. Real gallery texts: titles under 200, captions under 2,000.
LIMITS = {
    "title": 500, "section": 200, "published": 100, "standfirst": 10_000, "body": 20_000,
    "lang": 35, "source": 4_096, "caption": 20_000, "credit": 1_000, "alt": 10_000,
    "warning": 2_000,
}
MAX_ITEMS = 10_000
MAX_PARAGRAPHS = 2_000


def describe(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X} (not valid Unicode)"
    return f"control character U+{code:04X}"


def check_text(value: str | None, field: str, *, source: str | None = None,
               limit: int | None = None, multiline: bool = False) -> None:
    """Refuse (`InputError`) text that is not valid Unicode, holds a control character or a
    line break where there should be none, or is longer than ``limit``."""
    if value is None:
        return
    bad = CONTROL.search(value) or (None if multiline else LINE_BREAKS.search(value))
    if bad:
        what = describe(bad.group()) if CONTROL.match(bad.group()) else "a line break"
        raise InputError(f"{what} at character {bad.start() + 1}", source=source,
                         field=field)
    if limit is not None and len(value) > limit:
        raise InputError(f"is {len(value):,} characters long; at most {limit:,}",
                         source=source, field=field)


def check_gallery_text(gallery: Gallery) -> None:
    src = gallery.source
    # Line breaks are allowed in every field (a pasted credit may hold one; the pages and
    # cues escape or fold them); control characters are not.
    for name in ("title", "section", "published", "lang"):
        check_text(getattr(gallery, name), name, source=src, limit=LIMITS[name],
                   multiline=True)
    check_text(gallery.source, "source", limit=LIMITS["source"], multiline=True)
    check_text(gallery.standfirst, "standfirst", source=src, limit=LIMITS["standfirst"],
               multiline=True)
    if len(gallery.body) > MAX_PARAGRAPHS:
        raise InputError(f"has {len(gallery.body):,} paragraphs; at most {MAX_PARAGRAPHS:,}",
                         source=src, field="body")
    for n, para in enumerate(gallery.body):
        check_text(para, f"body[{n}]", source=src, limit=LIMITS["body"], multiline=True)
    if len(gallery.items) > MAX_ITEMS:
        raise InputError(f"has {len(gallery.items):,} photos; at most {MAX_ITEMS:,}",
                         source=src, field="items")
    for n, item in enumerate(gallery.items):
        for name in ("caption", "credit", "alt"):
            check_text(getattr(item, name), f"items[{n}].{name}", source=src,
                       limit=LIMITS[name], multiline=True)
    for n, w in enumerate(gallery.warnings):
        check_text(w.message, f"warnings[{n}]", source=src, limit=LIMITS["warning"],
                   multiline=True)


def clean_control(value: str) -> str:
    """``value`` without the characters `check_text` refuses (for camera metadata)."""
    return CONTROL.sub("", value)
