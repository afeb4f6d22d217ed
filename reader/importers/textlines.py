"""One line of a gallery text and what it is on its own (before the layout is worked out).

Each line is classified by its shape alone: blank, page furniture, a provenance note, BBC's
``Image caption,`` marker, a ``Published On`` line, a caption ending in a credit, a credit on
its own, an agency's name on its own, or plain text. How lines pair up into photos is
:mod:`reader.importers.textlayout`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto

import reader.importers.textcredits as credits
from reader.errors import InputError
from reader.importers.textfurniture import CAPTION_MARKER, NOTE, is_furniture, strip_html
from reader.validate import CONTROL, describe

MAX_LINE_CHARS = 20_000

HEADER = re.compile(r"^date\s+(\S+)\s*(.*)$")
BREADCRUMB = re.compile(r"^[^|.!?]{1,60}(\|[^|.!?]{1,80})+$")  # `News|In Pictures`
_PUBLISHED = re.compile(r"^Published\s+On\s+(.+)$", re.IGNORECASE)
_BULLET = re.compile(r"^[•·▪‣◦*–-]\s+")
_CONTROL = CONTROL  # the one validator's set (reader/validate.py): C0, DEL, C1, surrogates


class Kind(Enum):
    BLANK = auto()
    FURNITURE = auto()  # dropped; does not break a block
    NOTE = auto()  # "This image originally appeared in …": dropped
    MARKER = auto()  # "Image caption,": the next paragraph is a caption
    TEXT = auto()
    CAPTION = auto()
    CREDIT = auto()  # a line that is only a credit
    AGENCY = auto()  # a line that is only an agency's name
    PUBLISHED = auto()


SKIPPED = (Kind.BLANK, Kind.FURNITURE, Kind.NOTE, Kind.MARKER)


@dataclass(eq=False)
class Line:
    number: int
    text: str  # trimmed, bullet and HTML tags removed
    kind: Kind
    caption: str | None = None
    credit: str | None = None
    bulleted: bool = False
    unclosed: bool = False
    used: bool = False  # claimed as title, standfirst, description, …
    alt: Line | None = None  # a caption's description, where the layout says which it is
    credit_before: bool = False  # a caption whose credit line came before it


def ends_sentence(text: str) -> bool:
    return text.endswith(tuple(credits.SENTENCE_END_CHARS))


def classify(number: int, raw: str) -> Line:
    line = _classify(number, raw)
    # A caption or credit that is itself raw HTML (`<b>…</b> [Agency]`) is stored as text.
    if line.caption is not None:
        line.caption = strip_html(line.caption)
    if line.credit is not None:
        line.credit = strip_html(line.credit)
    return line


def _classify(number: int, raw: str) -> Line:
    text = raw.strip()
    if len(text) > MAX_LINE_CHARS:
        raise InputError(f"line is {len(text):,} characters long (limit {MAX_LINE_CHARS:,})",
                         line=number)
    bad = _CONTROL.search(text)
    if bad:
        raise InputError(f"{describe(bad.group())} in the text", line=number)
    text = strip_html(text)
    if not text:
        return Line(number, "", Kind.BLANK)
    if HEADER.match(text):
        return Line(number, text, Kind.TEXT)
    bulleted = bool(_BULLET.match(text))
    if bulleted:
        text = _BULLET.sub("", text, count=1).strip()
    if CAPTION_MARKER.match(text):
        return Line(number, text, Kind.MARKER)
    if NOTE.match(text):
        return Line(number, text, Kind.NOTE)
    if m := _PUBLISHED.match(text):
        return Line(number, m.group(1).strip(), Kind.PUBLISHED)
    if is_furniture(text):
        return Line(number, text, Kind.FURNITURE)
    if credits.AGENCY_ALONE.match(text):
        return Line(number, text, Kind.AGENCY, credit=text)
    if not bulleted and (credit := credits.credit_alone(text)):
        return Line(number, text, Kind.CREDIT, credit=credit)
    m = credits.BRACKETED.match(text)
    if m and m.group("caption"):
        return Line(number, text, Kind.CAPTION, caption=m.group("caption"),
                    credit=m.group("credit").strip(), bulleted=bulleted)
    m = credits.PARENTHESISED.match(text)
    if m and m.group("caption") and credits.credit_like(m.group("credit")):
        return Line(number, text, Kind.CAPTION, caption=m.group("caption"),
                    credit=m.group("credit").strip(), bulleted=bulleted)
    if split := credits.split_bare_credit(text):
        return Line(number, text, Kind.CAPTION, caption=split[0], credit=split[1],
                    bulleted=bulleted)
    m = credits.UNCLOSED.match(text)
    if m and m.group("caption"):
        return Line(number, text, Kind.CAPTION, caption=m.group("caption"),
                    credit=m.group("credit").strip() or None, bulleted=bulleted, unclosed=True)
    return Line(number, text, Kind.TEXT, bulleted=bulleted)
