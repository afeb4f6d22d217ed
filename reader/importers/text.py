"""Importer for gallery texts: the plain-text copy of an "In Pictures" page.

The layout it knows (the seed's), top to bottom::

     date 2022-11-09 In Pictures          header: date and section
    News|In Pictures                      breadcrumb
    Photos: Kherson city                  title
    Russian troops have pulled back …     standfirst
    A serviceman standing guard …         description of the lead photo
    A serviceman stands guard … [Name/EPA]   caption with its credit
    Published On 9 Nov 2022
    Body paragraph …                      (one per line)
    Description … / Caption … [Credit]    the photos, two lines each
    Advertisement                         page furniture, dropped

and the variants real copies show: no header or breadcrumb; no descriptions; a blank line
between a description and its caption; bulleted captions; credits as `(AP Photo/Name)` at the
end of the caption or as a ` (Name / Agency)` line after it; the last photo cut off mid-word.

Text is kept exactly as written; only surrounding white space is trimmed. Anything that cannot be
read raises :class:`InputError` naming the line; anything damaged but survivable becomes a
:class:`GalleryWarning` on the gallery.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum, auto

from reader.errors import InputError
from reader.model import Gallery, GalleryWarning, Item

MAX_LINE_CHARS = 20_000

_HEADER = re.compile(r"^date\s+(\S+)\s*(.*)$")
_BREADCRUMB = re.compile(r"^[^|.!?]{1,60}(\|[^|.!?]{1,80})+$")
_PUBLISHED = re.compile(r"^Published\s+On\s+(.+)$", re.IGNORECASE)
_FURNITURE = re.compile(
    r"^(advertisement|advertisements|\d+\s+(images|photos|pictures)|skip to (main )?content)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[•·▪‣◦*–-]\s+")
_BRACKET_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]*\S[^\[\]]*)\]$")
_PAREN_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\((?P<credit>[^()]*\S[^()]*)\)$")
_CREDIT_LINE = re.compile(r"^[\[(](?P<credit>[^\[\]()]*\S[^\[\]()]*)[\])]$")
_UNCLOSED = re.compile(r"^(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]*)$")
_AGENCIES = re.compile(
    r"\b(AP|AFP|Reuters|EPA|Getty Images|Shutterstock|Sputnik|Anadolu|Xinhua|Al Jazeera|Photo)\b"
)
_SENTENCE_END = tuple(".!?…\"'”’)]»")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Kind(Enum):
    BLANK = auto()
    FURNITURE = auto()
    TEXT = auto()
    CAPTION = auto()
    CREDIT = auto()  # a line that is only a credit, belonging to the caption above it
    PUBLISHED = auto()


@dataclass
class Line:
    number: int
    text: str  # trimmed, bullet removed
    kind: Kind
    caption: str | None = None
    credit: str | None = None
    bulleted: bool = False
    unclosed: bool = False
    used: bool = False  # claimed as title, standfirst, description, …


def _credit_like(credit: str) -> bool:
    """A trailing parenthesis is a credit only if it looks like one: `AP Photo/Name`, `Reuters`."""
    return "/" in credit or bool(_AGENCIES.search(credit))


def _classify(number: int, raw: str) -> Line:
    text = raw.strip()
    if not text:
        return Line(number, "", Kind.BLANK)
    if len(text) > MAX_LINE_CHARS:
        raise InputError(f"line is {len(text):,} characters long (limit {MAX_LINE_CHARS:,})",
                         line=number)
    bad = _CONTROL.search(text)
    if bad:
        raise InputError(f"control character U+{ord(bad.group()):04X} in the text", line=number)
    if _FURNITURE.match(text):
        return Line(number, text, Kind.FURNITURE)
    bulleted = bool(_BULLET.match(text))
    if bulleted:
        text = _BULLET.sub("", text, count=1).strip()
    if m := _PUBLISHED.match(text):
        return Line(number, m.group(1).strip(), Kind.PUBLISHED)
    if (m := _CREDIT_LINE.match(text)) and not bulleted:
        return Line(number, text, Kind.CREDIT, credit=m.group("credit").strip())
    m = _BRACKET_CREDIT.match(text)
    if m and m.group("caption"):
        return Line(number, text, Kind.CAPTION, caption=m.group("caption"),
                    credit=m.group("credit").strip(), bulleted=bulleted)
    m = _PAREN_CREDIT.match(text)
    if m and m.group("caption") and _credit_like(m.group("credit")):
        return Line(number, text, Kind.CAPTION, caption=m.group("caption"),
                    credit=m.group("credit").strip(), bulleted=bulleted)
    m = _UNCLOSED.match(text)
    if m and m.group("caption"):
        return Line(number, text, Kind.CAPTION, caption=m.group("caption"),
                    credit=m.group("credit").strip() or None, bulleted=bulleted, unclosed=True)
    return Line(number, text, Kind.TEXT, bulleted=bulleted)


def _ends_sentence(text: str) -> bool:
    return text.endswith(_SENTENCE_END)


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def parse_gallery_text(text: str, *, source: str | None = None) -> Gallery:
    """Read a gallery text into a :class:`Gallery` (slug and lang are left to the caller)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        lines = [_classify(n, raw) for n, raw in enumerate(text.splitlines(), start=1)]
    except InputError as e:
        e.source = source
        raise
    warnings: list[GalleryWarning] = []

    def warn(line: int | None, message: str) -> None:
        warnings.append(GalleryWarning(line, message))

    content = [ln for ln in lines if ln.kind not in (Kind.BLANK, Kind.FURNITURE)]
    if not content:
        raise InputError("the file has no text", source=source, line=None)

    # Blocks: runs of lines with no blank line between them (furniture does not break a block).
    block_of: dict[int, int] = {}
    block = 0
    for ln in lines:
        if ln.kind is Kind.BLANK:
            block += 1
        elif ln.kind is not Kind.FURNITURE:
            block_of[ln.number] = block

    # A credit on a line of its own belongs to the nearest text line above it.
    for i, ln in enumerate(content):
        if ln.kind is not Kind.CREDIT:
            continue
        above = content[i - 1] if i else None
        if above is not None and above.kind is Kind.TEXT:
            above.kind, above.caption, above.credit = Kind.CAPTION, above.text, ln.credit
            ln.used = True
        else:
            warn(ln.number, f"credit {ln.text!r} has no caption above it; "
                 "ignored")
            ln.used = True

    # A cut-off ending: the last line stops mid-word, or an unclosed bracket ends the file.
    last = content[-1]
    captions = [ln for ln in content if ln.kind is Kind.CAPTION]
    if last.kind is Kind.CAPTION and last.unclosed:
        warn(last.number, "the text stops inside a credit bracket (cut off?); "
             f"photo {_clip(last.caption or '')!r} not imported")
        last.kind, last.used = Kind.TEXT, True
        captions.pop()
    elif last.kind is Kind.TEXT and captions and last.number > captions[-1].number:
        prev = content[-2]
        same_block = block_of[prev.number] == block_of[last.number]
        if last.bulleted or not _ends_sentence(last.text) or (
            same_block and prev.kind is Kind.CAPTION
        ):
            warn(last.number, "the text stops here without a caption's credit "
                 f"(cut off?); {_clip(last.text)!r} not imported")
            last.used = True

    # Header and breadcrumb.
    section = date = None
    head = 0
    if m := _HEADER.match(content[0].text):
        content[0].used = True
        head = 1
        try:
            date = dt.date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            warnings.append(GalleryWarning(content[0].number,
                                    f"header date {m.group(1)!r} is not a YYYY-MM-DD date"))
        section = m.group(2).strip() or None
    if head < len(content) and content[head].kind is Kind.TEXT and _BREADCRUMB.match(
        content[head].text
    ):
        crumb = content[head]
        crumb.used = True
        head += 1
        if section is None:
            section = crumb.text.split("|")[-1].strip() or None

    # Title: the first text line after the head; a text whose head runs straight into
    # photos (a wire "week in pictures" list) takes its title from the header.
    title = None
    if head < len(content) and content[head].kind is Kind.TEXT:
        title = content[head].text
        content[head].used = True
    elif section and content[0].used and _HEADER.match(content[0].text):
        title, section = section, None
        warn(content[0].number, "no title line; the header's text is used")
    if not captions:
        raise InputError("no photos found (a photo is a caption ending in a credit such as "
                         "[Name/Agency] or (AP Photo/Name))", source=source)
    if title is None:
        raise InputError("no title found (the first line, or the one after the header, should "
                         "be the gallery's title)", source=source, line=content[0].number)

    # Descriptions: the text line right above a caption, in its block; or, where the source
    # puts a blank line between every description and its caption, the one-line block above.
    index = {ln.number: i for i, ln in enumerate(content)}

    def same_block_above(cap: Line) -> Line | None:
        i = index[cap.number]
        above = content[i - 1] if i else None
        if (above is not None and above.kind is Kind.TEXT and not above.used
                and block_of[above.number] == block_of[cap.number]):
            return above
        return None

    def lone_block_above(cap: Line) -> Line | None:
        i = index[cap.number]
        above = content[i - 1] if i else None
        if above is None or above.kind is not Kind.TEXT or above.used:
            return None
        b = block_of[above.number]
        if b == block_of[cap.number]:
            return None
        alone = (i < 2 or block_of[content[i - 2].number] != b)
        return above if alone else None

    same = {c.number: same_block_above(c) for c in captions}
    lone = {c.number: lone_block_above(c) for c in captions}
    n_same = sum(1 for d in same.values() if d)
    n_lone = sum(1 for d in lone.values() if d)
    spaced = n_same == 0 and n_lone >= 2 and n_lone * 2 >= len(captions)
    descriptions = lone if spaced else same

    items = []
    for cap in captions:
        desc = descriptions[cap.number]
        if desc is not None:
            desc.used = True
        if cap.unclosed:
            warn(cap.number, "credit bracket is not closed; "
                 f"credit taken as {cap.credit!r}")
        if not cap.credit:
            warn(cap.number, "photo has no credit")
        items.append(Item(position=len(items) + 1, caption=(cap.caption or "").strip(),
                          credit=cap.credit or None, alt=desc.text if desc else None))
        cap.used = True

    # Standfirst: the first unclaimed text line after the title and before the first photo.
    standfirst = None
    first_photo = captions[0].number
    for ln in content:
        if ln.number >= first_photo:
            break
        if ln.kind is Kind.TEXT and not ln.used:
            standfirst, ln.used = ln.text, True
            break

    published = None
    for ln in content:
        if ln.kind is Kind.PUBLISHED:
            if published is None:
                published = ln.text
            ln.used = True
    if date is None and published:
        date = _parse_date(published)

    body = [ln.text for ln in content if ln.kind is Kind.TEXT and not ln.used]
    return Gallery(title=title, items=items, section=section, date=date, published=published,
                   standfirst=standfirst, body=body, source=source, warnings=warnings)


def _parse_date(text: str) -> str | None:
    for fmt in ("%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None
