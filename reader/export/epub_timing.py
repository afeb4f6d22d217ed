"""The EPUB's timing: when, in a photo's audio, each sentence of its caption and its credit is
said (from the speech service's WebVTT cues), as the Media Overlay clips `epub.py` writes.
No Flask; no files written here."""

from __future__ import annotations

import re
import wave
from dataclasses import dataclass

import reader.speech.markup as markup
from reader.model import Item
from reader.speech.script import sentences


@dataclass(frozen=True)
class Clip:
    """One `<par>` of an overlay: the element read, and where in the audio it is said."""

    fragment: str  # element id in the photo's document
    begin: float  # seconds
    end: float



# -- timing -------------------------------------------------------------------------------
def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def clock(ms: int) -> str:
    """A SMIL clock value, e.g. 0:01:02.345."""
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}"


_STAMP = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})")


def read_cues(vtt: str) -> list[tuple[float, float]]:
    """(start, end) seconds of each cue of the speech service's WebVTT file."""
    cues = []
    for m in _STAMP.finditer(vtt):
        g = [int(x) for x in m.groups()]
        cues.append((g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                     g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000))
    return cues


def wav_seconds(path) -> float:
    """The length of a WAV file (a path, or a binary file object)."""
    with wave.open(path if hasattr(path, "read") else str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def display_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text)] or [text]


def overlay_clips(item: Item, parts: list[tuple[str, str]], cues: list[tuple[float, float]],
                  total: float, ids: dict[str, str]) -> list[Clip]:
    """The overlay of one photo: which element is read from when to when.

    ``parts`` are the script's pieces (`script_parts`), ``cues`` the times of the script's
    sentences, ``total`` the audio's length, ``ids`` the element id of each piece and
    ``"all"`` (the element holding them all). A caption whose shown sentences match the
    spoken ones in number is read sentence by sentence (``ids["caption-N"]``).
    """
    parts = [(kind, markup.written(words)) for kind, words in parts]  # as the cues show it
    text = " ".join(words for _, words in parts)
    spans = sentences(text) or [(0, len(text))]
    if len(cues) != len(spans) or not cues:
        return [Clip(ids["all"], 0.0, total)]
    times = [(b, e) for b, e in cues]
    times[-1] = (times[-1][0], total)  # the last sentence runs to the end of the audio
    # Each piece's character range in the script.
    ranges, at = [], 0
    for kind, words in parts:
        ranges.append((kind, at, at + len(words)))
        at += len(words) + 1
    # Which pieces each spoken sentence touches; pieces sharing a sentence are read as one.
    groups: list[list[int]] = []  # sentence indexes per group, in order
    kinds: list[set[str]] = []
    for i, (a, b) in enumerate(spans):
        touched = {k for k, s, e in ranges if a < e and b > s}
        if groups and kinds[-1] & touched:
            groups[-1].append(i)
            kinds[-1] |= touched
        else:
            groups.append([i])
            kinds.append(set(touched))
    clips = []
    for sentence_ids, touched in zip(groups, kinds, strict=True):
        begin, end = times[sentence_ids[0]][0], times[sentence_ids[-1]][1]
        if len(touched) != 1:
            clips.append(Clip(ids["all"], begin, end))
            continue
        kind = next(iter(touched))
        shown = ids.get(f"{kind}-count")
        if kind == "caption" and shown and int(shown) == len(sentence_ids) > 1:
            clips += [Clip(ids[f"caption-{k}"], times[i][0], times[i][1])
                      for k, i in enumerate(sentence_ids, start=1)]
        else:
            clips.append(Clip(ids[kind], begin, end))
    return [c for c in clips if _ms(c.end) > _ms(c.begin)]
