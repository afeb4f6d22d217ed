"""Listening to a whole gallery: its parts and the one-file download (no Flask here).

A gallery is heard as *parts*: part 0 is the introduction (the title, then the standfirst),
part n is "Photo n of N." followed by that photo's script (`speech_script`). Each part is an
ordinary `Utterance`, so it is rendered once and cached like any photo's audio, and its
WebVTT cues (one per sentence) drive the page's highlighting.

The whole-gallery MP3 is made, streamed, by `gallery_file`; this module says what is in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reader.i18n import gettext
from reader.model import Gallery
from reader.speech.lexicon import Lexicon
from reader.speech.script import SpeechSettings, _sentence, describe_for, say, speech_script


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
    return [part(gallery, n, settings, lexicon, describe)
            for n in range(len(gallery.items) + 1)]


def part(gallery: Gallery, n: int, settings: SpeechSettings | None = None,
         lexicon: Lexicon | None = None,
         describe: Mapping[str, bool] | None = None, total: int | None = None) -> Part:
    """Part ``n`` alone (0: the introduction), without working out the others. ``total``:
    the gallery's number of photos when ``gallery`` holds photo ``n`` only (its items are
    then that photo alone)."""
    lang = gallery.lang
    if total is None:
        total = len(gallery.items)
    if n == 0:
        return Part(0, gettext(lang, "Introduction"),
                    intro_script(gallery, lexicon) or gallery.title)
    item = next(i for i in gallery.items if i.position == n)
    said = speech_script(item, settings, lexicon, lang,
                         describe_for(item, describe or {},
                                      (settings or SpeechSettings()).describe))
    text = announcement(item.position, total, lang) + (" " + said if said else "")
    return Part(item.position, chapter_title(item.position, total, lang), text)


def m3u(title: str, entries: Sequence[tuple[str, float, str]]) -> str:
    """An extended M3U playlist: (title, seconds, URL) per entry, UTF-8 (an .m3u8 in all but
    name; players read both)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(title)}"]
    for name, seconds, url in entries:
        lines += [f"#EXTINF:{round(seconds)},{_one_line(name)}", url]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
