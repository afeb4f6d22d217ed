"""Listening to a whole gallery: its parts and the one-file download (no Flask here).

A gallery is heard as *parts*: part 0 is the introduction (the title, then the standfirst),
part n is "Photo n of N." followed by that photo's script (`speech_script`). Each part is an
ordinary `Utterance`, so it is rendered once and cached like any photo's audio, and its
WebVTT cues (one per sentence) drive the page's highlighting.

`gallery_mp3` joins the parts' PCM end to end, with the silence between two parts made up
to 0.8 s (`pacing`), brings the whole to −16 LUFS (`loudness`) and encodes it once (one
LAME stream, so there is no encoder delay or padding *between* parts; the Xing/LAME header
trims the delay at the start and the padding at the end, see `audio.py`), then puts an
ID3v2.4 tag in front with a chapter (CHAP) per part, listed in order by a table of contents
(CTOC). Chapter times are the parts' exact sample offsets (a chapter ends where the next
begins, the pause between them included), so they match what a gapless decoder plays.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.i18n import gettext
from reader.model import Gallery
from reader.speech import loudness
from reader.speech.audio import mp3_bytes, read_wav
from reader.speech.lexicon import Lexicon
from reader.speech.pacing import gap_to_add
from reader.speech.script import SpeechSettings, _sentence, describe_for, say, speech_script

#: Bump when the joined file's layout changes, so cached copies are remade.
GALLERY_FILE_VERSION = "2"  # 2: 0.8 s between parts, −16 LUFS


@dataclass(frozen=True)
class Part:
    number: int  # 0: the introduction; n: photo n
    title: str  # the chapter's title, e.g. "Photo 3 of 13"
    text: str  # exactly what the engine says


def intro_script(gallery: Gallery, lexicon: Lexicon | None = None) -> str:
    """The title, then the standfirst, as sentences."""
    lexicon = lexicon or Lexicon()
    pieces = []
    for words in (gallery.title, gallery.standfirst):
        said = say(words, gallery.lang, lexicon)
        if said:
            pieces.append(_sentence(said))
    return " ".join(pieces)


def chapter_title(n: int, total: int, lang: str | None = "en") -> str:
    """"Photo 3 of 13", in the gallery's language (chapter and M3U titles)."""
    return gettext(lang, "Photo %(n)s of %(total)s", n=n, total=total)


def announcement(n: int, total: int, lang: str | None = "en") -> str:
    return chapter_title(n, total, lang) + "."


def parts(gallery: Gallery, settings: SpeechSettings | None = None,
          lexicon: Lexicon | None = None,
          describe: Mapping[str, bool] | None = None) -> list[Part]:
    """Every part of the gallery, in the order they are heard. ``describe``: the editors'
    choices of spoken descriptions (`describe_for`)."""
    total, lang = len(gallery.items), gallery.lang
    out = [Part(0, gettext(lang, "Introduction"),
                intro_script(gallery, lexicon) or gallery.title)]
    for item in gallery.items:
        said = speech_script(item, settings, lexicon, lang,
                             describe_for(item, describe or {},
                                          (settings or SpeechSettings()).describe))
        text = announcement(item.position, total, lang) + (" " + said if said else "")
        out.append(Part(item.position, chapter_title(item.position, total, lang), text))
    return out


def gallery_key(part_keys: Sequence[str]) -> str:
    """The cache key of the joined file: every part's WAV key, in order."""
    blob = json.dumps(["gallery-mp3", GALLERY_FILE_VERSION, list(part_keys)])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int


def gallery_mp3(title: str, artist: str | None, wavs: Sequence[tuple[str, Path]],
                ) -> tuple[bytes, list[Chapter]]:
    """One MP3 of the parts' WAV files, end to end, with a chapter per part.

    ``wavs`` is (chapter title, WAV file) in order; every part must have the same sample
    rate (they come from one engine). Returns the file's bytes and its chapters.
    """
    from mutagen.id3 import CHAP, CTOC, ID3, TALB, TIT2, TPE1, CTOCFlags

    pcm, rate, chapters, at, previous = bytearray(), None, [], 0, None
    for name, path in wavs:
        samples, part_rate = read_wav(path.read_bytes())
        if rate is None:
            rate = part_rate
        elif part_rate != rate:
            raise ValueError(f"{path.name}: sample rate {part_rate} Hz, not {rate} Hz")
        if previous is not None:
            # The pause between photos (0.8 s), longer than between sentences; it ends
            # the chapter before.
            gap = gap_to_add(previous, samples, rate)
            pcm += b"\x00\x00" * gap
            at += gap
            last = chapters[-1]
            chapters[-1] = Chapter(last.title, last.start_ms, round(at * 1000 / rate))
        n = len(samples) // 2
        chapters.append(Chapter(name, round(at * 1000 / rate), round((at + n) * 1000 / rate)))
        pcm += samples
        at += n
        previous = samples
    if rate is None:
        raise ValueError("a gallery file needs at least one part")
    stream = mp3_bytes(loudness.normalise(bytes(pcm), rate), rate)

    tags = ID3()
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TALB(encoding=3, text=[title]))
    if artist:
        tags.add(TPE1(encoding=3, text=[artist]))
    ids = [f"ch{i}" for i in range(len(chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[title])]))
    for cid, ch in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=cid, start_time=ch.start_ms, end_time=ch.end_ms,
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                      sub_frames=[TIT2(encoding=3, text=[ch.title])]))
    buf = io.BytesIO(stream)
    tags.save(buf, v2_version=4, padding=lambda info: 0)
    return buf.getvalue(), chapters


def m3u(title: str, entries: Sequence[tuple[str, float, str]]) -> str:
    """An extended M3U playlist: (title, seconds, URL) per entry, UTF-8 (an .m3u8 in all but
    name; players read both)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(title)}"]
    for name, seconds, url in entries:
        lines += [f"#EXTINF:{round(seconds)},{_one_line(name)}", url]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
