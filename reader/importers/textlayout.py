"""How the lines of a gallery text pair up into photos: general rules, not per-site ones.

Each pass looks at classified lines (:mod:`reader.importers.textlines`) and turns some text
lines into captions, each with its credit and, where the layout says so, its description:

- :func:`drop_bylines`: under the title, bylines (`By JOHN SMITH`, `Photos by Jane Roe`) and
  a lone agency name (`Getty Images`) are page furniture, never a standfirst or a credit.
- :func:`drop_repeats`: a slideshow prints each caption two or three times (raw HTML, plain,
  again after a time stamp); a line equal to the last kept one, with only blanks or furniture
  between, is a repeat.
- :func:`read_markers`: ``Image caption,`` marks the next paragraph as a caption and the line
  above it as its description (a marker with nothing but the title above it marks nothing).
- :func:`attach_credit_lines`: a credit on a line of its own belongs to the caption above it
  or, in texts that print *description, credit, caption* (most credit lines with no sentence
  above them and one below), to the paragraph below.
- :func:`read_alternation`: in a text with no credits and no markers at all, short
  description lines (no sentence end) alternating with caption paragraphs are photos.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.importers.textfurniture import names_line, photo_byline, writer_byline
from reader.importers.textlines import BREADCRUMB, HEADER, SKIPPED, Kind, Line, ends_sentence

MIN_ALTERNATING_PHOTOS = 3  # fewer could be an article's sub-headings
MAX_DESCRIPTION_CHARS = 300

Warn = Callable[[int | None, str], None]


def drop_repeats(lines: list[Line]) -> None:
    last: Line | None = None
    for ln in lines:
        if ln.kind in SKIPPED:
            continue
        if (last is not None and ln.kind in (Kind.TEXT, Kind.CAPTION)
                and ln.text == last.text and ln.kind is last.kind):
            ln.kind = Kind.FURNITURE
            continue
        last = ln


def _title_index(content: list[Line]) -> int:
    """Where the title is: the first line after the header and breadcrumb, if any."""
    i = 0
    while i < len(content) and content[i].kind is Kind.TEXT and (
            HEADER.match(content[i].text) or BREADCRUMB.match(content[i].text)):
        i += 1
    return i


def drop_bylines(lines: list[Line]) -> None:
    """The lines under the title that say who made the gallery: bylines (and a lone agency
    name, `Getty Images`) among its time stamps and at most one standfirst sentence. After
    the standfirst, a `Photos by …` line is a byline only if no other line in the text has
    that shape, and an agency's name only if it is the text's only one and photos follow;
    else it is the credit of the paragraph above it. A byline right above a caption, with no
    blank line between, is that photo's description."""
    content = [ln for ln in lines if ln.kind not in SKIPPED]
    block_of = blocks(lines)
    i = _title_index(content) + 1
    photo_bylines = sum(1 for ln in content if photo_byline(ln.text))
    agencies = sum(1 for ln in content if ln.kind is Kind.AGENCY)
    standfirst = False
    byline: Line | None = None
    for j in range(i, len(content)):
        ln = content[j]
        after = content[j + 1] if j + 1 < len(content) else None
        if (after is not None and after.kind is Kind.CAPTION
                and block_of[after.number] == block_of[ln.number]):
            return
        if ln.kind is Kind.PUBLISHED:
            continue
        agency = ln.kind is Kind.AGENCY and (not standfirst or agencies == 1)
        writer = ln.kind is Kind.TEXT and writer_byline(ln.text)
        photos = (ln.kind in (Kind.TEXT, Kind.CREDIT) and photo_byline(ln.text)
                  and (not standfirst or photo_bylines == 1))
        # The line under a byline naming the writer's newsroom or place (`BBC News, Cumbria`).
        role = (ln.kind is Kind.TEXT and byline is not None and writer_byline(byline.text)
                and byline.kind is Kind.FURNITURE and names_line(ln.text))
        byline = None if role else ln
        if agency or writer or photos or role:
            ln.kind = Kind.FURNITURE
        elif (ln.kind is Kind.TEXT and not standfirst and ends_sentence(ln.text)
              and after is not None and (writer_byline(after.text) or photo_byline(after.text)
                                         or (after.kind is Kind.AGENCY and agencies == 1
                                             and any(c.kind is Kind.CAPTION
                                                     for c in content[j + 2:])))):
            standfirst = True
        else:
            return


def blocks(lines: list[Line]) -> dict[int, int]:
    """Line number → block: runs of lines with no blank line between them (furniture, notes
    and markers do not break a block)."""
    block_of: dict[int, int] = {}
    block = 0
    for ln in lines:
        if ln.kind is Kind.BLANK:
            block += 1
        elif ln.kind not in SKIPPED:
            block_of[ln.number] = block
    return block_of


def _next_content(lines: list[Line], i: int) -> Line | None:
    for ln in lines[i + 1:]:
        if ln.kind is Kind.MARKER:
            return None
        if ln.kind not in SKIPPED:
            return ln
    return None


def _previous_content(lines: list[Line], i: int) -> Line | None:
    for ln in reversed(lines[:i]):
        if ln.kind is Kind.MARKER:
            return None
        if ln.kind not in SKIPPED:
            return ln
    return None


def read_markers(lines: list[Line]) -> None:
    content = [ln for ln in lines if ln.kind not in SKIPPED]
    t = _title_index(content)
    title = content[t] if t < len(content) else None
    for i, marker in enumerate(lines):
        if marker.kind is not Kind.MARKER:
            continue
        caption = _next_content(lines, i)
        if caption is None or caption.kind is not Kind.TEXT:
            continue
        first = _previous_content(lines, i)
        if first is None or first is title:
            # A marker at the top of the text, with no description above it (only the title,
            # or nothing): a stray one; the paragraph below is no photo's caption.
            continue
        caption.kind, caption.caption = Kind.CAPTION, caption.text
        above = _previous_content(lines, i)
        if above is not None and above.kind in (Kind.CREDIT, Kind.AGENCY):
            # BBC prints `Image source, Agency` between the description and the marker.
            caption.credit, above.used = above.credit, True
            above = _previous_content(lines, lines.index(above))
        if above is not None and above.kind is Kind.TEXT and not above.used:
            caption.alt = above


def _before_shape(content: list[Line], i: int) -> bool:
    """*description, credit, caption*: the line above is no sentence, the one below is (or
    is the text's last line, cut off)."""
    if i == 0 or i + 1 >= len(content):
        return False
    above, below = content[i - 1], content[i + 1]
    return (above.kind is Kind.TEXT and not above.used and not ends_sentence(above.text)
            and below.kind is Kind.TEXT and not below.used
            and (ends_sentence(below.text) or i + 2 == len(content)))


def attach_credit_lines(lines: list[Line], warn: Warn) -> None:
    """A credit line belongs to the caption above it; or, where most credit lines sit between
    a description (no sentence) and a caption (a sentence), to the paragraph below."""
    content = [ln for ln in lines if ln.kind not in SKIPPED]
    alone = [i for i, ln in enumerate(content)
             if ln.kind is Kind.CREDIT and not ln.used
             and not (i and content[i - 1].kind is Kind.CAPTION and content[i - 1].credit)]
    before = 2 * sum(1 for i in alone if _before_shape(content, i)) > len(alone)
    for i, k in enumerate(content):
        if k.kind not in (Kind.CREDIT, Kind.AGENCY) or k.used:
            continue
        above = content[i - 1] if i else None
        below = content[i + 1] if i + 1 < len(content) else None
        if above is None and k.kind is Kind.CREDIT:
            k.kind = Kind.TEXT  # the first line is the title (`Photo: A day in Kyiv`)
            continue
        k.used = True
        if above is not None and above.kind is Kind.CAPTION and above.credit:
            if k.kind is Kind.CREDIT and k.credit != above.credit:
                warn(k.number, f"a second credit {k.text!r} for the same caption; ignored")
            continue  # the page repeating the caption's credit, or its agency
        if (before and k.kind is Kind.CREDIT and below is not None and below.kind is Kind.TEXT
                and not below.used):
            below.kind, below.caption, below.credit = Kind.CAPTION, below.text, k.credit
            below.credit_before = True
            if above is not None and above.kind is Kind.TEXT and not above.used:
                below.alt = above
        elif (above is not None and above.kind is Kind.TEXT and not above.used
              and (k.kind is Kind.CREDIT or ends_sentence(above.text))):
            # (A bare agency's name credits only a sentence: never a title or a heading.)
            above.kind, above.caption, above.credit = Kind.CAPTION, above.text, k.credit
        elif k.kind is Kind.CREDIT:
            warn(k.number, f"credit {k.text!r} has no caption above it; ignored")


def read_alternation(content: list[Line], start: int, warn: Warn) -> None:
    """Photos from *description, caption* pairs in a text with no captions of any kind."""
    best: list[tuple[Line, Line]] = []
    i = start
    while i < len(content):
        run: list[tuple[Line, Line]] = []
        j = i
        while j + 1 < len(content) and _is_pair(content[j], content[j + 1]):
            run.append((content[j], content[j + 1]))
            j += 2
        if len(run) > len(best):
            best = run
        i = j + 1 if run else i + 1
    if len(best) < MIN_ALTERNATING_PHOTOS:
        return
    for desc, cap in best:
        cap.kind, cap.caption, cap.alt = Kind.CAPTION, cap.text, desc
    warn(best[0][0].number, "no credits or caption markers: photos read as description lines "
         "alternating with caption paragraphs")


def _is_pair(desc: Line, cap: Line) -> bool:
    return (desc.kind is Kind.TEXT and cap.kind is Kind.TEXT and not desc.used
            and not cap.used and not ends_sentence(desc.text)
            and len(desc.text) <= MAX_DESCRIPTION_CHARS and ends_sentence(cap.text))


def read_lone_captions(content: list[Line], block_of: dict[int, int]) -> None:
    """A caption printed without its credit, between two photos of the same shape (each a
    caption paragraph alone, or each a description and caption), or before two such photos
    after a photo of another shape, is a photo too, not body text: the gap between the two
    holds exactly one more photo of that shape. One such photo
    among two or more credited ones, or one for every three credited ones: more, and they are
    an article's paragraphs between its photos."""
    caps = [i for i, ln in enumerate(content) if ln.kind is Kind.CAPTION]
    if len(caps) < 2:
        return
    index = {ln.number: i for i, ln in enumerate(content)}

    def free(i: int) -> bool:
        return content[i].kind is Kind.TEXT and not content[i].used

    def joined(i: int, j: int) -> bool:
        return block_of[content[i].number] == block_of[content[j].number]

    def alone(i: int) -> bool:
        return ((i == 0 or not joined(i - 1, i))
                and (i + 1 >= len(content) or not joined(i, i + 1)))

    def shape(k: int, previous: int) -> str:
        """How caption k's photo is printed: `-` caption only, `D` a description right above
        it, `L` a one-line block above it (the text puts a blank line between them)."""
        cap = content[k]
        if cap.alt is not None:
            i = index.get(cap.alt.number, -1)
            return "D" if i >= 0 and joined(i, k) else "L"
        if k - 1 > previous and free(k - 1):
            if joined(k - 1, k):
                return "D"
            if alone(k - 1):
                return "L"
        return "-"

    found: list[tuple[Line, Line | None]] = []
    last = -1  # the last caption, or the last one found here
    for p, (a, b) in enumerate(zip(caps, caps[1:], strict=False)):
        before, last = shape(a, last), a
        gap = list(range(a + 1, b))
        if len(gap) not in (1, 3) or not all(free(i) for i in gap):
            continue
        c = gap[0] if len(gap) == 1 else gap[1]
        s = "-" if len(gap) == 1 else "D" if joined(c - 1, c) else "L"
        # The photo before is printed the same way, or the two after it are (the one before
        # may have no description, or its "description" be the standfirst).
        after = p + 2 < len(caps) and shape(caps[p + 2], b) == s
        if before != s and not after and not (p == 0 and before == "L" and s == "-"):
            continue
        if not ends_sentence(content[c].text) or shape(b, c) != s:
            continue  # a caption is a sentence; the photo after it is printed the same way
        if s == "-":
            # (In one block, a line above a caption is its description, not a photo.)
            if alone(c) and not joined(a, c) and not joined(c, b):
                found.append((content[c], None))
                last = c
            continue
        d, e = c - 1, c + 1  # e: the next photo's description
        if len(content[d].text) > MAX_DESCRIPTION_CHARS:
            continue
        if (s == "D" and joined(a, d) == joined(c, e)) or (s == "L" and alone(d) and alone(c)):
            found.append((content[c], content[d]))
            last = c
    credited = sum(1 for k in caps if content[k].credit)
    if not found or credited < 2 or (len(found) > 1 and 3 * len(found) > credited):
        return  # paragraphs between photos of an article (or an uncredited gallery's text)
    for cap, desc in found:
        cap.kind, cap.caption, cap.credit, cap.alt = Kind.CAPTION, cap.text, None, desc
