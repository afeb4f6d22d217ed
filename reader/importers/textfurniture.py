"""Page furniture in gallery texts: lines a page prints around its photos that are no one's
words (navigation, counters, time stamps, labels), recognised by shape so that none of them
becomes a title, a description or a caption.
"""

from __future__ import annotations

import datetime as dt
import html
import re

_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
_ZONE = r"(?:[+-]\d{2}(?::?\d{2})?|utc|gmt|[a-z]{2,5}t)"
_DATE = (rf"(?:{_DAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
         rf"\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})")
# A line that is only a date and/or a time, with an optional label and zones:
# `Sep 3, 2021 9:15 am +03 +03:00`, `Last updated at 10:42`, `Updated 3 hours ago`.
DATETIME_LINE = re.compile(
    rf"^(?:(?:last\s+)?(?:updated|modified|posted)(?:\s+(?:on|at))?\s*:?\s*)?"
    rf"(?:{_DATE}(?:\s*[,|·•-]?\s*(?:at\s+)?{_TIME})?|{_TIME}|\d+\s+(?:minutes?|hours?|days?)\s+ago)"
    rf"(?:\s+{_ZONE})*$",
    re.IGNORECASE,
)
FURNITURE = re.compile(
    r"^(?:advertisements?|sponsored|\d+\s+(?:images|photos|pictures|slides)|"
    r"skip to (?:main )?content|(?:photo|picture|image)s?\s+gallery|gallery|slideshow|"
    r"published|updated|close|close gallery|next|previous|prev|share|share this|copy link|"
    r"enlarge (?:this )?image|view (?:image )?in full ?screen|full ?screen|"
    r"(?:(?:photo|image|picture|slide)\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}|"  # `3 / 38`
    r"[\w .&'’-]{1,40}\s+logo)$",                           # `BBC News logo`, `Site logo`
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
    """The ISO date of a date/time furniture line (`Sep 3, 2021 9:15 am +03 +03:00`), if it
    holds a whole date."""
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
