"""Page furniture in gallery texts: lines a page prints around its photos that are no one's
words (navigation, counters, time stamps, share and licensing links, rights notices,
labels), recognised by shape so that none of them becomes a title, a description or a
caption; and the shapes of bylines, which only :func:`~reader.importers.textlayout.drop_bylines`
can tell from a description or a credit, by where they stand.
"""

from __future__ import annotations

import datetime as dt
import html
import re

_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"\d{1,2}(?:[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?|\s*[ap]\.?\s?m\b\.?)"
# `+03`, `+03:00`, `GMT`, `GMT+1`, `UTC+03:00`, `BST`, `EDT`, `CEST`, `ET`
_ZONE = r"(?:[+-]\d{2}(?::?\d{2})?|(?:utc|gmt)(?:\s?[+-]\s?\d{1,2}(?::?\d{2})?)?|[a-z]{1,4}t\b)"
_DATE = (rf"(?:{_DAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})")
# Dates without a year (`April 2`, `2 April`) and numeric ones (`02/04/2024`): time stamps
# too, though they give no published date.
_SHORT_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|"
               rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})")
# `3 hours ago`, `an hour ago`, `5 mins ago`, and the bare `ago` of `Updated ago` (a page whose
# relative time was not copied), `just now`, `today`, `yesterday`.
_RELATIVE = (r"(?:(?:\d+|an?|one|a\s+few)\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?"
             r"|weeks?|months?|years?|[smhdw])\s+)?ago|just\s+now|today|yesterday")
_STAMP = (rf"(?:{_DAY}\s*)?(?:{_DATE}|{_SHORT_DATE}|{_RELATIVE}|{_TIME})"
          rf"(?:\s*{_ZONE})*")
# `Published`, `Updated:`, `Last updated on`, `First published at`, `Posted`
_LABEL = (r"(?:(?:last|first)\s+)?(?:updated|modified|edited|posted|published|released)"
          r"(?:\s+(?:on|at))?\s*:?")
_SEP = r"\s*(?:[,|·•–—-]\s*)?(?:(?:at|on)\s+)?"
# A line that is only time stamps, each with an optional label: `Sep 3, 2021 9:15 am +03
# +03:00`, `Last updated at 10:42`, `Updated 3:14 PM UTC, April 2, 2024`, `Published 3 hours
# ago`, `March 31, 2024 10:15 AM GMT+1 Updated ago`, `Tuesday 14 November 2023 10.42 GMT`.
DATETIME_LINE = re.compile(
    rf"^(?:{_LABEL}\s*)?{_STAMP}(?:{_SEP}(?:{_LABEL}\s*)?{_STAMP})*(?:{_SEP}{_LABEL})?$",
    re.IGNORECASE,
)
_LEADING_LABEL = re.compile(rf"^{_LABEL}\s*", re.IGNORECASE)
_TRAILING_LABEL = re.compile(rf"\s*(?:[,|·•–—-]\s*)?{_LABEL}(?:\s*ago)?$", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(r"^(?:first\s+)?(?:published|posted|released)\b", re.IGNORECASE)

# Share bars, licensing links, social buttons, related-links headings and rights notices.
_SOCIAL = (r"share|share this(?:\s+(?:article|story|gallery|page|image|photo|video))?|"
           r"share (?:on|via|to) [\w ]{1,20}|save|saved|save (?:article|story|for later)|"
           r"follow|follow us|read more|read more (?:on|about|from) [\w ]{1,40}|"
           r"related|related (?:stories|articles|content|coverage|topics|links|galleries)|"
           r"more (?:stories|galleries)|facebook|twitter|whatsapp|e-?mail|print|linkedin|"
           r"reddit|pinterest|telegram|copy link|copy|link copied|comments?|"
           r"(?:purchase )?licensing rights|reprints?(?: (?:&|and) permissions)?|"
           r"(?:all\s+)?(?:photo(?:graph)?s|images|pictures)\s+(?:are\s+)?"
           r"(?:subject\s+to\s+copyright|copyright(?:ed)?)(?:\s+[\w.]+){0,4}|"
           r"(?:(?:©|\(c\)|copyright)\s*)?(?:\d{4}\s+)?[\w .&'’-]{0,40}?"
           r"\ball rights reserved")
FURNITURE = re.compile(
    r"^(?:advertisements?|sponsored|\d+\s+(?:images|photos|pictures|slides)|"
    r"skip to (?:main )?content|(?:photo|picture|image)s?\s+gallery|gallery|slideshow|"
    r"published|updated|close|close gallery|next|previous|prev|"
    r"enlarge (?:this )?image|view (?:image )?in full ?screen|full ?screen|"
    r"(?:(?:photo|image|picture|slide)\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}|"  # `3 / 38`
    rf"{_SOCIAL}|"
    r"[\w .&'’-]{1,40}\s+logo)\.?$",                       # `BBC News logo`, `Site logo`
    re.IGNORECASE,
)
# A provenance note between a caption and its credit: dropped (see the README).
NOTE = re.compile(r"^this (?:image|photo|photograph|picture) (?:\w+ )?(?:appeared|was published)\b",
                  re.IGNORECASE)
# BBC's marker: the paragraph after it is the caption of the photo described above it.
CAPTION_MARKER = re.compile(r"^image caption\s*,?$", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_LAST_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>$")


_DATE_ONLY = re.compile(rf"(?:{_DAY}\s+)?(?P<date>{_DATE})", re.IGNORECASE)


def dated_line(text: str) -> str | None:
    """The ISO date of a time stamp line (`Sep 3, 2021 9:15 am +03 +03:00`), if it holds a
    whole date."""
    if not DATETIME_LINE.match(text) or not (m := _DATE_ONLY.search(text)):
        return None
    raw = re.sub(r"(?<=\d)(st|nd|rd|th)\b|[.,]", "", m.group("date"), flags=re.IGNORECASE)
    raw = re.sub(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+", "", raw.strip(), flags=re.I)
    raw = re.sub(r"\bsept\b", "sep", raw, flags=re.IGNORECASE)
    for fmt in ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def stamp_text(text: str) -> str:
    """A time stamp line as the gallery's `published` text: without its labels
    (`Updated 3:14 PM UTC, April 2, 2024` → `3:14 PM UTC, April 2, 2024`)."""
    return _TRAILING_LABEL.sub("", _LEADING_LABEL.sub("", text)).strip() or text


def says_published(text: str) -> bool:
    """A time stamp labelled as the publication (`Published …`), not an update."""
    return bool(_PUBLISHED_LABEL.match(text))


def is_furniture(text: str) -> bool:
    return bool(FURNITURE.match(text) or DATETIME_LINE.match(text))


def is_html(text: str) -> bool:
    """A line of raw HTML: it starts with a tag and ends with one (``<p>…</p>``)."""
    return bool(_TAG.match(text)) and text.endswith(">") and bool(_LAST_TAG.search(text))


def strip_html(text: str) -> str:
    """A line of raw HTML (``<p>…</p>``) → its text, entities decoded; any other line, even one
    that mentions a tag (a sign reading "<b>OPEN</b>"), is kept as written."""
    if not is_html(text):
        return text
    return _TAG.sub("", html.unescape(_TAG.sub("", text))).strip()


# Bylines: who wrote the gallery or took its photos, printed under its title.
_WRITER_BY = re.compile(r"^(?:by|words\s+by|text\s+by|story\s+by|written\s+by|reporting\s+by)"
                        r"\s+(?P<names>\S.*?)\.?$", re.IGNORECASE)
_PHOTOS_BY = re.compile(r"^(?:(?:words|text)\s+and\s+)?(?:photos|photographs|pictures|images|"
                        r"photography|photo|photograph|picture)\s+by\s+(?P<names>\S.*?)\.?$",
                        re.IGNORECASE)
_NAME_SEP = re.compile(r"\s*(?:,|&|\band\b|/)\s*")
_PARTICLES = {"de", "da", "del", "della", "di", "do", "dos", "du", "van", "von", "der", "den",
              "al", "el", "bin", "ibn", "la", "le", "ter", "y", "for", "of", "the", "via"}


def _names(text: str) -> bool:
    """`JOHN SMITH`, `Jane Roe and Ola Nowak`, `Jane Roe, Associated Press`: a few capitalised
    names, no sentence."""
    if len(text) > 120:
        return False
    parts = _NAME_SEP.split(text)
    if len(parts) > 5:
        return False
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 5 or not words[0][0].isupper():
            return False
        if any(not (w[0].isupper() or w.lower() in _PARTICLES) or w[-1] in ".!?" and len(w) > 2
               for w in words):
            return False
    return True


def names_line(text: str) -> bool:
    """A line of names only (`BBC News, Cumbria`, `Associated Press`)."""
    return not text.endswith((".", "!", "?")) and _names(text)


def writer_byline(text: str) -> bool:
    """`By JOHN SMITH`, `By Jane Roe and Ola Nowak`, `By Jane Roe, AP`, `Words by Jane Roe`."""
    return bool((m := _WRITER_BY.match(text)) and _names(m.group("names")))


def photo_byline(text: str) -> bool:
    """`Photos by Jane Roe`, `Words and pictures by Jane Roe`: a byline only at the top of a
    gallery; after a caption the same shape is that photo's credit."""
    return bool((m := _PHOTOS_BY.match(text)) and _names(m.group("names")))
