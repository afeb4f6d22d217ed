"""The gallery's language (BCP 47), detected from its own words with py3langid."""

from __future__ import annotations

import re

from reader.errors import InputError
from reader.model import Gallery

_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def check_lang(tag: str, *, source: str | None = None) -> str:
    """Validate a language tag given by a person (``--lang``, a JSON field)."""
    tag = tag.strip()
    if not _BCP47.match(tag):
        raise InputError(f"{tag!r} is not a BCP 47 language tag such as 'en' or 'pt-BR'",
                         source=source, field="lang")
    return tag


def detect_lang(gallery: Gallery) -> str:
    """Best guess at the language of the gallery's own words (title, text and captions)."""
    import py3langid  # imported here: it loads its model on first use

    words = [gallery.title, gallery.standfirst or "", *gallery.body]
    words += [item.caption for item in gallery.items]
    text = "\n".join(w for w in words if w)
    if not text.strip():
        return "en"
    lang, _score = py3langid.classify(text)
    return lang
