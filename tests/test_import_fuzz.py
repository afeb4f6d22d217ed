"""Property: whatever text it is given, the importer returns a gallery or raises its own
InputError (with a line number where one applies), never anything else."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.errors import InputError
from reader.importers import parse_source
from reader.importers.text import parse_gallery_text
from tests.conftest import GALLERIES, SEED
from tests.test_import_layouts import LAYOUTS

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
# Every layout the importer knows: the seed, the shared real texts, our own layout fixtures.
LAYOUT_TEXTS = [p.read_text(encoding="utf-8").splitlines()
                for p in [SEED, *sorted(GALLERIES.glob("*.txt")), *sorted(LAYOUTS.glob("*.txt"))]]

# Characters and words the format cares about, mixed with anything at all.
SPICY = st.sampled_from(list("[]()|•-\n\r\t \ufeff\u00a0\x00\x07/.:<>&") + [
    "Published On ", " date ", "Advertisement", "AP Photo/", "REUTERS/", "/Reuters", " AFP",
    "\nAFP\n", "(Photo by ", "Image caption,\n", "Image source, ", "Photograph: ", "Photo: ",
    "\nThis image originally appeared in ", "<p>", "</p>", "&amp;", "&lt;p&gt;", "Close", "1 / 38",
    "Sep 3, 2021 9:15 am +03 +03:00", "Last updated at 10:42", "PHOTO GALLERY", " logo",
    "• Published", "Nigeria: ", "؟", "REUTERS/Ana Lima\n",
    "Updated 3:14 PM UTC, April 2, 2024", " GMT+1 Updated ago", "Published 3 hours ago",
    "By JOHN SMITH\n", "Photos by ", "Words by ", "\nGetty Images\n", "Purchase Licensing Rights",
    "Share this", "Read more", "All photographs subject to copyright.", "All rights reserved."])
TEXT = st.lists(st.one_of(st.text(max_size=40), SPICY), max_size=60).map("".join)
# A raw HTML line (`<p>…</p>`): its text is stored, never its tags.
_TAG = r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>"
HTML_LINE = re.compile(rf"^{_TAG}.*{_TAG}$")


def check(text: str) -> None:
    try:
        g = parse_gallery_text(text, source="fuzz.txt")
    except InputError as e:
        assert e.source == "fuzz.txt"
        assert str(e).startswith("fuzz.txt")
        return
    assert g.title.strip() and g.items
    assert [i.position for i in g.items] == list(range(1, len(g.items) + 1))
    for item in g.items:
        assert item.caption == item.caption.strip()
        assert item.credit is None or item.credit == item.credit.strip()
        for field in (item.caption, item.credit, item.alt):
            assert field is None or not HTML_LINE.match(field)
    alts = [i.alt for i in g.items if i.alt]
    assert len(alts) < 2 or len(set(alts)) > 1  # one generic description is a warning
    for w in g.warnings:
        assert w.line is None or 1 <= w.line <= len(text.splitlines())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_arbitrary_text(text):
    check(text)


@st.composite
def mutated_seed(draw, texts=(SEED_LINES,)):
    lines = list(draw(st.sampled_from(texts)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["drop", "dup", "cut", "insert", "swap", "truncate"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "insert":
            lines.insert(i, draw(TEXT))
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[: i + 1]
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed())
def test_mutations_of_the_seed(text):
    check(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed(LAYOUT_TEXTS))
def test_mutations_of_every_known_layout(text):
    check(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_through_the_whole_import(data):
    try:
        g = parse_source(data, "fuzz.bin")
    except InputError as e:
        assert str(e).startswith("fuzz.bin")
    else:
        assert g.items and g.lang


# Galleries composed from the layouts' building blocks, with the photos they must yield: the
# oracle is the composition itself, not the importer.
WORDS = st.sampled_from(["boat", "quay", "market", "river", "crowd", "street", "rain", "gull",
                         "train", "square", "children", "lights", "harbour", "bridge"])
NAMES = st.sampled_from(["Ana Lima", "Tom Weiss", "Sam Okafor", "B. Ortiz", "Olena Koval"])
AGENCIES = st.sampled_from(["AFP", "Reuters", "REUTERS", "EPA", "Getty Images", "AP"])
FURNITURE = st.sampled_from([
    "Advertisement", "Close", "3 / 38", "Last updated at 10:42", "Sep 3, 2021 9:15 am +03 +03:00",
    "PHOTO GALLERY", "March 31, 2024 10:15 AM GMT+1 Updated ago",
    "Updated 3:14 PM UTC, April 2, 2024", "Published 3 hours ago", "Purchase Licensing Rights",
    "Share", "Share this", "Save", "Follow", "Read more", "Related",
    "All photographs subject to copyright.", "© 2024 Reuters. All rights reserved."])
# What a page prints under its title: bylines, a lone agency, a time stamp.
BYLINES = st.sampled_from(["By JOHN SMITH", "By Ana Lima and Tom Weiss, Reuters",
                           "Words by Olena Koval", "Photos by Sam Okafor", "Getty Images",
                           "Updated 3:14 PM UTC, April 2, 2024"])
STYLES = ["bracket", "wire", "bare", "line after", "labelled line", "html", "line before",
          "marker"]


@st.composite
def composed_gallery(draw):
    def phrase(lo, hi):
        return " ".join(draw(st.lists(WORDS, min_size=lo, max_size=hi)))

    lines = [f"The {phrase(1, 3)} in pictures", *draw(st.lists(BYLINES, max_size=2)), ""]
    if draw(st.booleans()):
        lines += [f"Our {phrase(2, 6)} this week.", ""]
    photos = []
    style = draw(st.sampled_from(STYLES))
    blank = draw(st.booleans())
    count = draw(st.integers(1, 6))
    # One photo printed without its credit, between credited photos printed the same way
    # (all described or none, a blank line after each): still a photo.
    uncredited = None
    described = draw(st.booleans())
    if style in ("bracket", "wire", "bare") and blank and count >= 3 and draw(st.booleans()):
        uncredited = draw(st.integers(1, count - 2))
    for n in range(count):
        name, agency = draw(NAMES), draw(AGENCIES)
        caption = f"Photo {n + 1}: a {phrase(1, 8)} at dusk."
        desc = f"A {phrase(1, 5)} number {n + 1}" if draw(st.booleans()) else None
        if style in ("line before", "marker"):  # these layouts always have a description
            desc = f"A {phrase(1, 5)} number {n + 1}"
        if uncredited is not None:
            desc = f"A {phrase(1, 5)} number {n + 1}" if described else None
        if draw(st.booleans()):
            lines.append(draw(FURNITURE))
        if desc:
            lines.append(desc)
        if n == uncredited:
            credit = None
            lines.append(caption)
        elif style == "line before":
            credit = f"{name} / {agency}"
            lines += [credit, *([""] if draw(st.booleans()) else []), caption]
        elif style == "marker":
            credit = None
            lines += ["Image caption,", "", caption]
        elif style == "bracket":
            credit = f"{name}/{agency}"
            lines.append(f"{caption} [{credit}]")
        elif style == "wire":
            credit = f"AP Photo/{name}"
            lines.append(f"{caption} ({credit})")
        elif style == "bare":
            credit = f"{agency}/{name}"
            lines.append(f"{caption} {credit}")
        elif style == "line after":
            credit = f"{name}/{agency}"
            lines += [caption, credit]
        elif style == "labelled line":
            credit = name
            lines += [caption, f"Photograph: {name}"]
        else:
            credit = f"{agency}/{name}"
            lines += [f"<p>{caption} {credit}</p>", f"{caption} {credit}"]
        photos.append((desc, caption, credit))
        if blank:
            lines.append("")
    return "\n".join(lines) + "\n", photos


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(composed_gallery())
def test_composed_galleries_yield_exactly_their_photos(case):
    text, photos = case
    g = parse_gallery_text(text, source="composed.txt")
    got = [(i.alt, i.caption, i.credit) for i in g.items]
    alts = [d for d, _, _ in photos if d]
    if len(alts) > 1 and len(set(alts)) == 1:  # (never: each description is numbered)
        photos = [(None, c, cr) for _, c, cr in photos]
    assert got == photos, text
    check(text)
