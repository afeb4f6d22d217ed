"""WebVTT cues carry a caption's characters as text, never as cue structure or cue tags.

Pure: the cue writer is given a Rendering made here (silence with one word mark per
sentence), because the question is only how text is written into a cue file.
"""

from __future__ import annotations

import html
import re

from reader.speech.cues import webvtt
from reader.speech.engine import Rendering
from reader.speech.script import sentences
from tests.payloads import PAYLOADS

TIMING = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$")


def cues_of(text: str) -> list[str]:
    spans = sentences(text) or [(0, len(text))]
    rendering = Rendering(samples=b"\x00\x00" * 22050 * len(spans), sample_rate=22050,
                          marks=[(start, k * 22050) for k, (start, _) in enumerate(spans)])
    vtt = webvtt(text, rendering)
    blocks = vtt.split("\n\n")
    assert blocks[0] == "WEBVTT"
    out = []
    for block in filter(None, blocks[1:]):
        number, timing, *body = block.strip("\n").split("\n")
        assert number.isdigit() and TIMING.match(timing), block
        assert len(body) == 1, f"a cue's text broke onto {len(body)} lines: {block!r}"
        out.append(body[0])
    return out


def test_every_payload_stays_text_in_its_cues():
    for payload in PAYLOADS:
        text = f"A caption with {payload} inside. Photo: Agency."
        cues = cues_of(text)
        for cue in cues:
            assert "<" not in cue and ">" not in cue.replace("&gt;", ""), cue
            assert "-->" not in cue
            assert not re.search(r"&(?!amp;|lt;|gt;)", cue), cue
        # Unescaped, the cues give back the words spoken (line breaks and --> aside).
        spoken = " ".join(html.unescape(c) for c in cues)
        assert " ".join(text.replace("-->", "→").split()) == spoken
