"""Importer for the JSON gallery document (the one `reader import --json` and the API give)."""

from __future__ import annotations

import json
from typing import Any

from reader.errors import InputError
from reader.importers.lang import check_lang
from reader.model import Gallery, GalleryWarning, Item


def _str(doc: dict, key: str, source: str, *, required: bool = False,
         where: str = "") -> str | None:
    value = doc.get(key)
    name = f"{where}{key}"
    if value is None:
        if required:
            raise InputError("is missing", source=source, field=name)
        return None
    if not isinstance(value, str):
        raise InputError(f"must be a string, not {type(value).__name__}", source=source,
                         field=name)
    value = value.strip()
    if required and not value:
        raise InputError("is empty", source=source, field=name)
    return value or None


MAX_DEPTH = 8  # a gallery document nests 4 deep (document, items, item, value)


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_DEPTH or not isinstance(value, dict | list):
        return level
    children = value.values() if isinstance(value, dict) else value
    return max((_depth(c, level + 1) for c in children), default=level)


def parse_gallery_json(text: str, *, source: str) -> Gallery:
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg} (column {e.colno})", source=source,
                         line=e.lineno) from None
    except RecursionError:  # 100,000 nested brackets: refused, not a crash
        raise InputError(f"nested too deeply (a gallery document nests {MAX_DEPTH} levels "
                         "at most)", source=source, line=1) from None
    if _depth(doc) > MAX_DEPTH:
        raise InputError(f"nested too deeply (a gallery document nests {MAX_DEPTH} levels "
                         "at most)", source=source, line=1)
    if not isinstance(doc, dict):
        raise InputError("a gallery document is a JSON object", source=source, line=1)
    items_doc = doc.get("items")
    if not isinstance(items_doc, list) or not items_doc:
        raise InputError("must be a non-empty list of photos", source=source, field="items")
    items = []
    for n, it in enumerate(items_doc, start=1):
        where = f"items[{n - 1}]."
        if not isinstance(it, dict):
            raise InputError("must be an object", source=source, field=where[:-1])
        items.append(Item(position=n,
                          caption=_str(it, "caption", source, required=True, where=where) or "",
                          credit=_str(it, "credit", source, where=where),
                          alt=_str(it, "alt", source, where=where)))
    body = doc.get("body") or []
    if not isinstance(body, list) or not all(isinstance(p, str) for p in body):
        raise InputError("must be a list of strings", source=source, field="body")
    date = _str(doc, "date", source)
    if date is not None:
        import datetime as dt

        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            raise InputError(f"{date!r} is not a YYYY-MM-DD date", source=source,
                             field="date") from None
    lang = _str(doc, "lang", source)
    warnings = []
    for w in doc.get("warnings") or []:
        if isinstance(w, dict) and isinstance(w.get("message"), str):
            line = w.get("line")
            warnings.append(GalleryWarning(line if isinstance(line, int) else None,
                                           w["message"]))
    return Gallery(
        title=_str(doc, "title", source, required=True) or "",
        items=items,
        slug=_str(doc, "slug", source),
        section=_str(doc, "section", source),
        date=date,
        published=_str(doc, "published", source),
        standfirst=_str(doc, "standfirst", source),
        body=[p.strip() for p in body if p.strip()],
        lang=check_lang(lang, source=source) if lang else "",
        source=_str(doc, "source", source),
        warnings=warnings,
    )
