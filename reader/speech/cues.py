"""WebVTT cues: one per sentence of the script, timed from the rendered audio.

A sentence starts where the engine's first word mark at or after its first character says
it starts (a sample position in the audio, not a guess from character counts); it ends where
the next sentence starts, the last one at the end of the audio.

`webvtt_words` makes a second file with a cue per word mark (eSpeak NG's word events; the
plain pyttsx3 backend marks sentences only, so there a "word" cue is a whole sentence): the
cue's id is its character range in the script (``"12-19"``), its text those characters, its
time from the mark to the next one. The listening player highlights words with it.
"""

from __future__ import annotations

from bisect import bisect_left

from reader.speech.engine import Rendering
from reader.speech.script import sentences


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def cue_times(text: str, rendering: Rendering) -> list[tuple[float, float, str]]:
    """(start s, end s, sentence text) for every sentence, covering the whole audio."""
    spans = sentences(text) or [(0, len(text))]
    marks = sorted(rendering.marks)
    chars = [c for c, _ in marks]
    rate, total = rendering.sample_rate, rendering.n_samples
    starts = []
    for i, (start, _end) in enumerate(spans):
        if i == 0:
            starts.append(0)
            continue
        j = bisect_left(chars, start)
        sample = marks[j][1] if j < len(marks) else total
        starts.append(max(sample, starts[-1]))
    cues = []
    for i, (start, end) in enumerate(spans):
        stop = starts[i + 1] if i + 1 < len(spans) else total
        cues.append((starts[i] / rate, stop / rate, text[start:end].strip()))
    return cues


def cue_text(words: str) -> str:
    """A sentence as WebVTT cue text: `&`, `<` and `>` escaped (a caption's markup stays
    text, never a cue tag such as <c.x> or <b>), `-->` and line breaks (which would end the
    cue) neutralised."""
    words = " ".join(words.split())
    words = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return words.replace("--&gt;", "→")


def webvtt(text: str, rendering: Rendering) -> str:
    lines = ["WEBVTT", ""]
    for n, (start, end, words) in enumerate(cue_times(text, rendering), start=1):
        lines += [str(n), f"{_stamp(start)} --> {_stamp(end)}", cue_text(words), ""]
    return "\n".join(lines)


def word_times(text: str, rendering: Rendering) -> list[tuple[float, float, int, int]]:
    """(start s, end s, first char, end char) for every marked word, in order."""
    rate, total = rendering.sample_rate, rendering.n_samples
    marks: list[tuple[int, int]] = []
    for char, sample in sorted(rendering.marks):
        if 0 <= char < len(text) and (not marks or char > marks[-1][0]):
            marks.append((char, max(sample, marks[-1][1] if marks else 0)))
    out = []
    for i, (char, sample) in enumerate(marks):
        next_char, next_sample = marks[i + 1] if i + 1 < len(marks) else (len(text), total)
        span = text[char:next_char]
        start = char + (len(span) - len(span.lstrip()))
        end = char + len(span.rstrip())
        if end > start:
            out.append((sample / rate, next_sample / rate, start, end))
    return out


def webvtt_words(text: str, rendering: Rendering) -> str:
    lines = ["WEBVTT", ""]
    for start, end, a, b in word_times(text, rendering):
        lines += [f"{a}-{b}", f"{_stamp(start)} --> {_stamp(end)}",
                  text[a:b].replace("-->", "→"), ""]
    return "\n".join(lines)
