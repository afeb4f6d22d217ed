"""Importer for gallery texts: the plain-text copy of an "In Pictures" page.

The seed's layout, top to bottom::

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

and the many variants real pages show. What a line is on its own lives in
:mod:`~reader.importers.textlines` (credits: :mod:`~reader.importers.textcredits`, furniture:
:mod:`~reader.importers.textfurniture`); how lines pair up into photos in
:mod:`~reader.importers.textlayout`. This module puts a gallery together from them.

Text is kept exactly as written; only surrounding white space (and HTML tags) is removed.
Anything that cannot be read raises :class:`InputError` naming the line; anything damaged but
survivable becomes a :class:`GalleryWarning` on the gallery.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reader.importers.textlayout as layout
from reader.errors import InputError
from reader.importers.textfurniture import dated_line, says_published, stamp_text
from reader.importers.textlines import (
    BREADCRUMB,
    HEADER,
    SKIPPED,
    Kind,
    Line,
    classify,
    ends_sentence,
)
from reader.model import Gallery, GalleryWarning, Item


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def parse_gallery_text(text: str, *, source: str | None = None) -> Gallery:
    """Read a gallery text into a :class:`Gallery` (slug and lang are left to the caller)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        lines = [classify(n, raw) for n, raw in enumerate(text.splitlines(), start=1)]
    except InputError as e:
        e.source = source
        raise
    warnings: list[GalleryWarning] = []

    def warn(line: int | None, message: str) -> None:
        warnings.append(GalleryWarning(line, message))

    if not any(ln.kind not in SKIPPED for ln in lines):
        raise InputError("the file has no text", source=source, line=None)

    layout.drop_repeats(lines)
    layout.read_markers(lines)
    layout.drop_bylines(lines)
    layout.attach_credit_lines(lines, warn)
    no_photos = InputError("no photos found (a photo is a caption ending in a credit such as "
                           "[Name/Agency] or (AP Photo/Name), or a paragraph after an "
                           "`Image caption,` line)", source=source)
    # Every credit line now belongs to a caption, or was a repeat (or warned about).
    content = [ln for ln in lines
               if ln.kind not in SKIPPED and ln.kind not in (Kind.CREDIT, Kind.AGENCY)]
    if not content:
        raise no_photos
    block_of = layout.blocks(lines)

    head = _read_head(content, warn)
    if not any(ln.kind is Kind.CAPTION for ln in content):
        layout.read_alternation(content, head.next, warn)
    else:
        layout.read_lone_captions(content, block_of)
    captions = [ln for ln in content if ln.kind is Kind.CAPTION]
    cut = _cut_off(lines, content, captions, block_of)
    ghost = cut.line if cut else None
    if not captions:
        raise no_photos
    if head.title is None:
        raise InputError("no title found (the first line, or the one after the header, should "
                         "be the gallery's title)", source=source, line=content[0].number)

    descriptions = _descriptions(content, captions + ([ghost] if ghost else []), block_of)
    if cut is not None:
        desc = descriptions.get(cut.line.number)
        if desc is not None:
            desc.used = True  # the description of the cut-off photo goes with it
        warnings.append(cut.warning(desc))
    items = _items(captions, descriptions, warn)

    # Standfirst: the first unclaimed text line after the title and before the first photo.
    standfirst = None
    first_photo = min([captions[0].number,
                       *(d.number for d in descriptions.values() if d is not None)])
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
    date = head.date
    if date is None and published:
        date = _parse_date(published)
    if published is None:  # a page's time stamp (`Sep 3, 2021 9:15 am +03 +03:00`,
        # `Updated 3:14 PM UTC, April 2, 2024`): the first with a whole date, one labelled
        # `Published` before any other
        stamps = [ln for ln in lines if ln.kind is Kind.FURNITURE and dated_line(ln.text)]
        stamp = next((ln for ln in stamps if says_published(ln.text)),
                     stamps[0] if stamps else None)
        if stamp is not None:
            published, date = stamp_text(stamp.text), date or dated_line(stamp.text)

    body = [ln.text for ln in content if ln.kind is Kind.TEXT and not ln.used]
    warnings.sort(key=lambda w: w.line or 0)
    return Gallery(title=head.title, items=items, section=head.section, date=date,
                   published=published, standfirst=standfirst, body=body, source=source,
                   warnings=warnings)


@dataclass
class _Head:
    title: str | None = None
    section: str | None = None
    date: str | None = None
    next: int = 0  # index in content of the first line after the title


def _read_head(content: list[Line], warn: layout.Warn) -> _Head:
    """Header (` date YYYY-MM-DD Section`), breadcrumb and title."""
    head = _Head()
    i = 0
    if m := HEADER.match(content[0].text):
        content[0].used = True
        i = 1
        try:
            head.date = dt.date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            warn(content[0].number, f"header date {m.group(1)!r} is not a YYYY-MM-DD date")
        head.section = m.group(2).strip() or None
    if i < len(content) and content[i].kind is Kind.TEXT and BREADCRUMB.match(content[i].text):
        content[i].used = True
        if head.section is None:
            head.section = content[i].text.split("|")[-1].strip() or None
        i += 1
    # A text whose head runs straight into photos (a wire "week in pictures" list) takes its
    # title from the header.
    if i < len(content) and content[i].kind is Kind.TEXT and content[i].alt is None and not any(
            c.alt is content[i] for c in content):
        head.title, content[i].used = content[i].text, True
        i += 1
    elif head.section and content[0].used and HEADER.match(content[0].text):
        head.title, head.section = head.section, None
        warn(content[0].number, "no title line; the header's text is used")
    head.next = i
    return head


@dataclass
class _Cut:
    """The photo a cut-off text stops in: its unfinished last line, and why it is cut."""

    line: Line
    where: int
    reason: str
    what: str

    def warning(self, description: Line | None) -> GalleryWarning:
        what = _clip(description.text if description else self.what, 48)
        return GalleryWarning(self.where, f"{self.reason} (cut off?); that photo "
                                          f"({what!r}) is not imported")


def _cut_off(lines: list[Line], content: list[Line], captions: list[Line],
             block_of: dict[int, int]) -> _Cut | None:
    """A cut-off ending: the photo it stops in is dropped (and its description with it)."""
    last = content[-1]
    if last.kind is Kind.CAPTION and (last.unclosed or (
            (not last.credit or last.credit_before) and not ends_sentence(last.text))):
        # A credit bracket left open, or a caption its layout marked (`Image caption,`, a
        # credit line above it) stopping mid-sentence.
        reason = ("the text stops inside a credit bracket" if last.unclosed
                  else "the text stops inside a caption")
        last.kind, last.used = Kind.TEXT, True
        captions.remove(last)
        return _Cut(last, last.number, reason, last.caption or last.text)
    if last.kind is not Kind.TEXT or last.used or not captions:
        return None
    if last.number < captions[-1].number:
        return None
    tail = next(ln for ln in reversed(lines) if ln.kind is not Kind.BLANK)
    prev = content[-2] if len(content) > 1 else None
    same_block = prev is not None and block_of[prev.number] == block_of[last.number]
    if (last.bulleted or not ends_sentence(last.text) or tail.kind in (Kind.NOTE, Kind.MARKER)
            or (same_block and prev is not None and prev.kind is Kind.CAPTION)):
        where = tail.number if tail.kind in (Kind.NOTE, Kind.MARKER) else last.number
        last.used = True
        return _Cut(last, where, "the text stops here, before its last photo is whole", last.text)
    return None


def _descriptions(content: list[Line], captions: list[Line], block_of: dict[int, int]
                  ) -> dict[int, Line | None]:
    """Each caption's description: the one its layout named, else the text line right above it
    in its block; or, where the source puts a blank line between every description and its
    caption, the one-line block above."""
    index = {ln.number: i for i, ln in enumerate(content)}

    def above(cap: Line) -> Line | None:
        i = index[cap.number]
        ln = content[i - 1] if i else None
        if ln is None or ln.kind is not Kind.TEXT or ln.used:
            return None
        return ln

    def same_block(cap: Line) -> Line | None:
        ln = above(cap)
        return ln if ln and block_of[ln.number] == block_of[cap.number] else None

    def lone_block(cap: Line) -> Line | None:
        ln = above(cap)
        if ln is None or block_of[ln.number] == block_of[cap.number]:
            return None
        i = index[ln.number]
        alone = i < 1 or block_of[content[i - 1].number] != block_of[ln.number]
        return ln if alone else None

    free = [c for c in captions if c.alt is None]
    same = {c.number: same_block(c) for c in free}
    lone = {c.number: lone_block(c) for c in free}
    n_same = sum(1 for d in same.values() if d)
    n_lone = sum(1 for d in lone.values() if d)
    spaced = n_same == 0 and n_lone >= 2 and n_lone * 2 >= len(free)
    chosen = lone if spaced else same
    out: dict[int, Line | None] = {}
    for c in captions:
        out[c.number] = c.alt if c.alt is not None else chosen[c.number]
    return out


def _items(captions: list[Line], descriptions: dict[int, Line | None],
           warn: layout.Warn) -> list[Item]:
    items: list[Item] = []
    lines: list[Line] = []
    for cap in captions:
        desc = descriptions[cap.number]
        if desc is not None:
            desc.used = True
        cap.used = True
        caption, credit = (cap.caption or "").strip(), cap.credit or None
        if items and (items[-1].caption, items[-1].credit) == (caption, credit):
            items[-1].alt = items[-1].alt or (desc.text if desc else None)
            continue  # the same photo printed again
        if cap.unclosed:
            warn(cap.number, f"credit bracket is not closed; credit taken as {cap.credit!r}")
        items.append(Item(position=len(items) + 1, caption=caption, credit=credit,
                          alt=desc.text if desc else None))
        lines.append(cap)
    if not any(i.credit for i in items):
        warn(lines[0].number, "no photo has a credit" if len(items) > 1
             else "photo has no credit")
    else:
        for item, cap in zip(items, lines, strict=True):
            if not item.credit:
                warn(cap.number, "photo has no credit")
    # One description on every photo (the gallery's title repeated as each photo's alt, say)
    # describes none of them: keep it once, as a warning.
    described = [(item, cap) for item, cap in zip(items, lines, strict=True) if item.alt]
    if len(described) > 1 and len({item.alt for item, _ in described}) == 1:
        warn(described[0][1].number, "every photo has the same description "
             f"({_clip(described[0][0].alt or '', 60)!r}); it is not used as a description")
        for item, _ in described:
            item.alt = None
    return items


def _parse_date(text: str) -> str | None:
    for fmt in ("%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None
