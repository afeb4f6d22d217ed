"""The speech script: exactly the words the engine speaks for one photo (pure: no engine).

Order: the description first when the reader asks for descriptions and it says more than
the caption ("Description: …": what the photo shows, then what it means), then the
caption, then the credit as a newsreader says it ("Photo: Sergei Ilnitsky, E.P.A.", see
`credits`). Every piece goes through the reader's pronunciation lexicon, then the
normaliser (`reader.speech.normalise`) in the gallery's language. The frame words ("Photo:",
"Description:") come from the message catalogs (`reader.i18n`). None of this touches the
page text: only the spoken string.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import reader.speech.markup as markup
from reader.i18n import gettext
from reader.model import Item
from reader.speech.credits import credit_phrase
from reader.speech.lexicon import Lexicon
from reader.speech.normalise import normalise as _normalise

__all__ = ["MAX_CHARS", "SpeechSettings", "credit_phrase", "normalise", "script_parts",
           "sentences", "speech_script"]

#: Longest script the engine is given (a few real descriptions are long; 20 k is far beyond).
MAX_CHARS = 20_000


@dataclass(frozen=True)
class SpeechSettings:
    """What the reader chose: voice (None: pick one by the gallery's language), rate in
    words per minute, volume 0–1, and whether photo descriptions are spoken."""

    voice: str | None = None
    rate: int = 175
    volume: float = 1.0
    describe: bool = False


def normalise(text: str, lang: str | None = "en") -> str:
    """Rewrite what eSpeak reads badly into what a person would say, in the gallery's
    language; one line of text. The rules are `reader.speech.normalise`."""
    return _normalise(text, lang)


def say(text: str | None, lang: str | None, lexicon: Lexicon) -> str:
    """The reader's lexicon first (its entries are words as the page writes them, and they
    win over the rules), then the normaliser, whose tidying also means an entry "AP" →
    "A.P." before a full stop never leaves "A.P.." in the script. Phonemes and language
    spans (`reader.speech.markup`) pass the normaliser untouched, as placeholder words."""
    text = lexicon.apply(text or "")
    spans: list[str] = []

    def hide(m: re.Match) -> str:
        spans.append(m.group(0))
        return f" {_placeholder(len(spans) - 1)} "

    said = normalise(markup.SPAN_RE.sub(hide, text), lang)
    for i, span in enumerate(spans):
        said = re.sub(_placeholder(i), lambda _m, span=span: span, said, count=1,
                      flags=re.IGNORECASE)
    return said


def _placeholder(i: int) -> str:
    """A word no rule of the normaliser touches (lower-case letters only)."""
    return "zqxspan" + "".join(chr(ord("a") + int(d)) for d in str(i)) + "xqz"


def _sentence(text: str) -> str:
    """The text as a sentence: ends with a full stop unless it already ends a sentence."""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def description_worth_saying(alt: str | None, caption: str | None,
                             credit: str | None = None) -> bool:
    """Is the description more than furniture or a copy of the caption?

    Skipped: nothing but a credit or an agency's name ("AFP."), fewer than three words, or
    a description whose words are nearly all in the caption (at least 80% of them)."""
    words = _words(alt or "")
    if len(words) < 3:
        return False
    if credit and set(words) <= set(_words(credit)) | {"photo", "by"}:
        return False
    caption_words = set(_words(caption or ""))
    shared = sum(1 for w in words if w in caption_words)
    return shared < 0.8 * len(words)


def description_key(alt: str | None) -> str | None:
    """The key an editor's choice for one photo's description is kept under (its text's
    SHA-256), or None when there is no description."""
    if not alt or not alt.strip():
        return None
    return hashlib.sha256(alt.strip().encode("utf-8")).hexdigest()


def describe_for(item: Item, choices: Mapping[str, bool], default: bool) -> bool:
    """Is this photo's description spoken? The photo's own choice, else the gallery's
    (key ''), else the reader's setting (``default``)."""
    key = description_key(item.alt)
    if key is not None and key in choices:
        return choices[key]
    return choices.get("", default)


def script_parts(item: Item, settings: SpeechSettings | None = None,
                 lexicon: Lexicon | None = None, lang: str | None = "en",
                 describe: bool | None = None) -> list[tuple[str, str]]:
    """The script's pieces in the order they are said, each as (what it is, its words):
    ``"description"`` (only when descriptions are spoken and worth saying), ``"caption"``,
    ``"credit"``. Joined with spaces they are the script, so a piece's place in the audio
    can be found (the EPUB's Media Overlays use this). ``describe`` overrides the reader's
    setting (a gallery's or photo's own choice)."""
    settings = settings or SpeechSettings()
    lexicon = lexicon or Lexicon()
    pieces = []
    speak_alt = settings.describe if describe is None else describe
    if speak_alt and description_worth_saying(item.alt, item.caption, item.credit):
        alt = say(item.alt, lang, lexicon)
        if alt:
            said = gettext(lang, "Description: %(text)s", text=alt)
            pieces.append(("description", _sentence(said)))
    caption = say(item.caption, lang, lexicon)
    if caption:
        pieces.append(("caption", _sentence(caption)))
    credit = credit_phrase(item.credit, lang)
    if credit:
        said = say(credit, lang, lexicon)
        if said:
            pieces.append(("credit", _sentence(said)))
    return pieces


def speech_script(item: Item, settings: SpeechSettings | None = None,
                  lexicon: Lexicon | None = None, lang: str | None = "en",
                  describe: bool | None = None) -> str:
    """The exact string handed to the engine for this photo."""
    return " ".join(words for _, words in script_parts(item, settings, lexicon, lang, describe))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the script's sentences, for cues.

    Splits after . ! ? followed by white space, except after an initial ("J. Smith") or a
    title eSpeak does not stop at; every character belongs to exactly one span.
    """
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start:m.start()]
        last = before.rsplit(" ", 1)[-1]
        if re.fullmatch(r"(?:[A-Z]\.)+|Mr\.|Mrs\.|Ms\.|Dr\.|Prof\.", last):
            continue
        spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [s for s in spans if s[1] > s[0]]
