"""Characters and punctuation: what eSpeak NG would read as symbols, or not pause at.

- control characters, zero-width marks and no-break spaces → plain spaces;
- emoji and other pictographs, and symbols with no spoken meaning, are dropped;
- double quotation marks become a short pause (a comma) where they open or close a quote
  inside a sentence, so a quoted phrase is heard as one ("chant, go home, as …");
- ellipses and dashes used as punctuation become a comma pause, and a dash right after a
  sentence's end leaves the full stop alone ("province. — Army" → "province. Army");
- slashes and brackets are not read; "&" is the language's "and";
- the final tidy: no space before punctuation, no ", ," or "., ", no "A.P.." (an
  initial's full stop ends the sentence), nothing dangling at either end.
"""

from __future__ import annotations

import re
import unicodedata

from reader.speech.normalise.languages import Language

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_KEEP_SYMBOLS = set("°$£€¥%&+=")


def characters(text: str, lang: Language) -> str:
    t = unicodedata.normalize("NFC", text)
    t = _CONTROL.sub(" ", t)
    t = re.sub(r"[\u00a0\u202f\u2007]", " ", t)
    return t


def symbols(text: str, lang: Language) -> str:
    """Drop emoji (with their joiners, variation selectors and skin tones) and other symbols
    (Unicode categories So, Sk, Co, Cn), keeping the few the other rules say as words."""
    if text.isascii() and "^" not in text and "`" not in text:
        return text  # ASCII's only such symbols are ^ and ` (Sk): nothing to drop
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in _KEEP_SYMBOLS:
            out.append(ch)
        elif cat in ("So", "Sk", "Co", "Cn") or ch in "\u200d\ufe0e\ufe0f" or \
                0x1F3FB <= ord(ch) <= 0x1F3FF:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


_DOUBLE_QUOTES = "“”„‟\"«»"


def quotes(text: str, lang: Language) -> str:
    """Double quotes → a short pause inside a sentence; single quotes → plain apostrophes,
    dropped where they only wrap a phrase."""
    t = re.sub(rf"\s*[{_DOUBLE_QUOTES}]\s*", " , ", text)
    t = re.sub(r"[‘’‛′`]", "'", t)
    t = re.sub(r"(^|\s)'|'(?=\s|$|[,.;:!?])", r"\1", t)
    return t


def pauses(text: str, lang: Language) -> str:
    """Ellipses, dashes, slashes, brackets and "&"."""
    t = re.sub(r"\s*(…|\.{3,})\s*", ", ", text)
    # A dash right after a sentence's end is not a pause inside it: keep the two sentences.
    t = re.sub(r"([.!?])\s*(?:[–—―]|--?)\s+", r"\1 ", t)
    t = re.sub(r"(?<=\d)\s*[–—-]\s*(?=\d)", f" {lang.to} ", t)
    t = re.sub(r"\s*[–—―]\s*|\s+-\s+|\s*--\s*", ", ", t)
    t = re.sub(r"\s*/\s*", " ", t)
    t = re.sub(r"\s*&\s*", f" {lang.and_} ", t)
    t = re.sub(r"[\[\]{}]", "", t)
    t = re.sub(r"[()]", ", ", t)
    return t


def tidy(text: str, lang: Language) -> str:
    t = re.sub(r"\s+", " ", text).strip()
    t = re.sub(r"\s+([,.;:!?])", r"\1", t)
    t = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", t)  # ", ," → ","
    t = re.sub(r"[,;:]\s*([.!?])", r"\1", t)  # ", ." → "."
    t = re.sub(r"(?<!\b[A-Z])([.!?])\s*,", r"\1", t)  # "., " → ". " (not after "U.N.")
    t = re.sub(r"(?<!\.)\.\.(?!\.)", ".", t)  # "A.P.." → "A.P."
    t = re.sub(r"([!?])\.", r"\1", t)
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"^[,;:.\s]+|[,;:\s]+$", "", t)
    return t
