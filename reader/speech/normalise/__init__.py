"""The speech normaliser: the text of a caption, credit or title → what a newsreader would
say, in the gallery's language, for eSpeak NG. Only the spoken string changes, never the page.

Every rule is one function `rule(text, language) -> text`, listed here in the order it runs;
the words each writes come from the language's row in `languages.LANGUAGES`:

| rule | module | example (English) |
|---|---|---|
| characters | punctuation | control characters, zero-width and no-break spaces → spaces |
| symbols | punctuation | emoji and pictographs dropped |
| positions | names | "(L)" → ", left,"; "(L-R)" → ", from left to right," |
| iso_dates | numbers | "2023-04-03" → "April 3, 2023" (then said by `dates`) |
| abbreviations | initialisms | "Fla." → "Florida", "Sept." → "September" |
| quotes | punctuation | a double quotation mark → a short pause (a comma) |
| times | numbers | "10:30 a.m." → "ten thirty A.M." |
| dates | numbers | "April 3, 2023" → "April third, twenty twenty-three" |
| currency | numbers | "$1.5bn" → "one point five billion dollars" |
| units | numbers | "12 km" → "12 kilometres"; "45%" → "45 percent"; "25°C" |
| fractions | numbers | "2½" → "2 and a half"; "3/4" → "three quarters" |
| decades | numbers | "1990s" → "nineteen nineties"; "'90s" → "nineties" |
| ranges | numbers | "2019–2022" → "2019 to 2022" |
| years | numbers | "in 2016" → "in twenty sixteen" |
| regnal | names | "Charles III" → "Charles the third"; "World War II" → "World War two" |
| initialisms | initialisms | "AFP" → "A.F.P."; NATO stays a word |
| pauses | punctuation | dashes, ellipses → a comma; slashes, brackets dropped; "&" → "and" |
| tidy | punctuation | no "., ", ", ,", "A.P.."; nothing dangling |
"""

from __future__ import annotations

from reader.speech.normalise import initialisms, names, numbers, punctuation
from reader.speech.normalise.languages import LANGUAGES, Language, language

RULES = [
    ("characters", punctuation.characters),
    ("symbols", punctuation.symbols),
    ("positions", names.positions),
    ("iso_dates", numbers.iso_dates),
    ("abbreviations", initialisms.abbreviations),
    ("quotes", punctuation.quotes),
    ("times", numbers.times),
    ("dates", numbers.dates),
    ("currency", numbers.currency),
    ("units", numbers.units),
    ("fractions", numbers.fractions),
    ("decades", numbers.decades),
    ("ranges", numbers.ranges),
    ("years", numbers.years),
    ("regnal", names.regnal),
    ("initialisms", initialisms.initialisms),
    ("pauses", punctuation.pauses),
    ("tidy", punctuation.tidy),
]


def normalise(text: str, lang: str | None = "en") -> str:
    """Rewrite one line of text into what a person would say, in ``lang`` (a BCP 47 tag)."""
    table = language(lang)
    for _, rule in RULES:
        text = rule(text, table)
    return text


__all__ = ["LANGUAGES", "Language", "RULES", "language", "normalise"]
