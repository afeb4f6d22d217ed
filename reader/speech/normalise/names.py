"""Names: position markers after a person's name, and regnal numbers.

- "(L)", "(R)", "(C)", "(L-R)", "(from L)" → ", left,", ", from left to right," … in the
  gallery's language (eSpeak reads "(L)" as "el");
- a Roman numeral after a capitalised name → "Charles the third" (English), "Charles
  trois" (French), "Carlos tercero" (Spanish); after "War", "Vatican", "Phase" … it is a
  cardinal ("World War two"). "I" alone is never taken for a numeral.
"""

from __future__ import annotations

import re

from num2words import num2words

from reader.speech.normalise.languages import Language

_POSITION = re.compile(r"\(\s*((?:from\s+)?[LRCΑΔ](?:\s*(?:-|to)\s*[LRC])?|top|bottom)\s*\)",
                       re.I)


def positions(text: str, lang: Language) -> str:
    def one(m: re.Match) -> str:
        key = re.sub(r"\s*(?:-|to)\s*", "-", m.group(1).strip())
        key = re.sub(r"(?i)^from\s+", "from ", key)
        if not key.startswith("from") and len(key) <= 3:
            key = key.upper()
        word = lang.positions.get(key)
        return f", {word}," if word else m.group(0)

    if not lang.positions:
        return text
    return _POSITION.sub(one, text)


_ROMAN = re.compile(r"\b([A-Z][a-z]+) (X{0,3}(?:IX|IV|V?I{0,3}))\b(?![.'’]?\w)")
_VALUES = {"I": 1, "V": 5, "X": 10}
_CARDINAL_AFTER = {"War", "Vatican", "Phase", "Part", "Chapter", "Apollo", "Act", "Book",
                   "Stage", "Level", "Article", "Section", "Volume", "Season", "Round"}


def roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        v = _VALUES[ch]
        total += -v if nxt != " " and _VALUES[nxt] > v else v
    return total


def regnal(text: str, lang: Language) -> str:
    def one(m: re.Match) -> str:
        name, numeral = m.group(1), m.group(2)
        if numeral in ("", "I", "X"):
            return m.group(0)
        value = roman_value(numeral)
        if name in _CARDINAL_AFTER and lang.english_dates:
            return f"{name} {num2words(value, lang='en')}"
        if lang.regnal is None or name in _CARDINAL_AFTER:
            return m.group(0)
        return name + " " + lang.regnal.format(
            ordinal=num2words(value, lang=lang.code, to="ordinal"),
            cardinal=num2words(value, lang=lang.code))

    return _ROMAN.sub(one, text)
