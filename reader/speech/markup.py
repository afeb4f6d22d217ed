"""Lexicon spans in a speech script: a phrase said another way than its words are read.

A *phonemes* or *language* lexicon entry cannot be written as plain text, so the script
carries it as a span of three private-use characters around the written words and how to
say them (the normaliser drops private-use characters from page text, so a caption cannot
forge one):

    \\ue000Kyiv\\ue001[[k'i:Ev]]\\ue002            eSpeak NG phoneme input
    \\ue000Las Siete Palabras\\ue001@es\\ue002      these words, with the voice of "es"

`written(text)` is the script as people read it (transcripts, WebVTT cues, the API);
`pieces(text)` is what an engine says, piece by piece; `to_written` maps an engine's character
offsets (its word marks) onto the written text. An engine that cannot honour a span says its
written words (`written`), mapping its marks back with `to_engine`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.speech.engine import Rendering

OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
SPAN_RE = re.compile(f"{OPEN}([^{OPEN}{SEP}{CLOSE}]*){SEP}([^{OPEN}{SEP}{CLOSE}]*){CLOSE}")


def phonemes_span(written: str, phonemes: str) -> str:
    return f"{OPEN}{written}{SEP}[[{phonemes}]]{CLOSE}"


def language_span(written: str, lang: str) -> str:
    return f"{OPEN}{written}{SEP}@{lang}{CLOSE}"


@dataclass(frozen=True)
class Piece:
    """A stretch of the script: ``text[start:end]`` in engine offsets; ``said`` is what the
    engine is given for it (eSpeak's ``[[…]]`` for phonemes), ``lang`` the language whose
    voice says it (None: the utterance's voice)."""

    start: int
    end: int
    said: str
    lang: str | None = None
    phonemes: bool = False


def pieces(text: str) -> list[Piece]:
    out, at = [], 0
    for m in SPAN_RE.finditer(text):
        if m.start() > at:
            out.append(Piece(at, m.start(), text[at:m.start()]))
        how = m.group(2)
        if how.startswith("@"):
            out.append(Piece(m.start(), m.end(), m.group(1), lang=how[1:]))
        else:
            out.append(Piece(m.start(), m.end(), how, phonemes=True))
        at = m.end()
    if at < len(text):
        out.append(Piece(at, len(text), text[at:]))
    return out


def written(text: str) -> str:
    """The script with every span shown as its written words."""
    return SPAN_RE.sub(r"\1", text)


def to_engine(text: str) -> list[int]:
    """For each character of `written(text)` (and one past its end), its offset in ``text``."""
    out, at = [], 0
    for m in SPAN_RE.finditer(text):
        out += range(at, m.start())
        out += range(m.start(1), m.end(1))
        at = m.end()
    out += range(at, len(text) + 1)
    return out


def to_written(text: str, offset: int, table: list[int] | None = None) -> int:
    """Where engine offset ``offset`` of ``text`` falls in `written(text)` (a mark inside a
    span's markup falls on its written words)."""
    return bisect_left(table if table is not None else to_engine(text), offset)


def shown(text: str, rendering: Rendering) -> tuple[str, Rendering]:
    """``(written(text), rendering)`` with the rendering's marks moved onto the written text."""
    if OPEN not in text:
        return text, rendering
    table = to_engine(text)
    marks = [(to_written(text, c, table), s) for c, s in rendering.marks]
    return written(text), replace(rendering, marks=marks)
