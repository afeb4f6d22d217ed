"""Numbers: ISO dates, dates, times, currency, units, percentages, fractions, decades,
ranges and years, said as words where eSpeak NG would say them wrongly.

Number words come from `num2words` (cardinals, ordinals, years) in the gallery's language
when the language's table asks for them; month names from Babel (CLDR). English is the
language eSpeak misreads most here ("April 3" as "April three", "1990s" as "nineteen
hundred and ninety-z"), so the date, decade, year and time rules are English-only; other
languages keep their digits, which their eSpeak voice reads in the language.
"""

from __future__ import annotations

import datetime
import re

from babel.dates import format_date
from num2words import num2words

from reader.speech.normalise.languages import Language

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH = "(?:" + "|".join(MONTHS) + ")"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"


def words(n: int | float | str, lang: Language, to: str = "cardinal") -> str:
    return num2words(n if not isinstance(n, str) else float(n.replace(",", "")) if "." in n
                     else int(n.replace(",", "")), lang=lang.code, to=to)


def year_words(year: int) -> str:
    """A year as a newsreader says it: 2023 "twenty twenty-three", 2005 "two thousand and
    five", 1990 "nineteen ninety"."""
    return num2words(year, lang="en", to="year")


def iso_dates(text: str, lang: Language) -> str:
    """2023-04-03 → the language's long date ("April 3, 2023", "3 avril 2023"), which the
    date rules then say; never a range "2023 to 04 to 03"."""
    def one(m: re.Match) -> str:
        try:
            day = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        said = format_date(day, "long", locale=lang.code)
        said = re.sub(r"\s+г\.", " года", said)
        return re.sub(r"\s+р\.", " року", said)
    return re.sub(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])", one, text)


def _ordinal_day(day: str) -> str:
    return num2words(int(day), lang="en", to="ordinal")


def dates(text: str, lang: Language) -> str:
    """English dates: "April 3, 2023" → "April third, twenty twenty-three"; "3 April 2023" →
    "the third of April, twenty twenty-three"; "April 3" → "April third"; "April 1-7" →
    "April first to seventh"."""
    if not lang.english_dates:
        return text

    def month_first(m: re.Match) -> str:
        out = f"{m.group(1)} {_ordinal_day(m.group(2))}"
        return out + (f", {year_words(int(m.group(3)))}" if m.group(3) else "")

    def day_first(m: re.Match) -> str:
        out = f"the {_ordinal_day(m.group(1))} of {m.group(2)}"
        return out + (f", {year_words(int(m.group(3)))}" if m.group(3) else "")

    def span(m: re.Match) -> str:
        out = f"{m.group(1)} {_ordinal_day(m.group(2))} to {_ordinal_day(m.group(3))}"
        return out + (f", {year_words(int(m.group(4)))}" if m.group(4) else "")

    t = re.sub(rf"\b({_MONTH})\s+([1-9]|[12]\d|3[01])\s*[-–]\s*([1-9]|[12]\d|3[01])\b"
               rf"(?:,?\s+(\d{{4}})\b)?", span, text)
    t = re.sub(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?",
               lambda m: month_first(m) if 1 <= int(m.group(2)) <= 31 else m.group(0), t)
    t = re.sub(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b(?:,?\s+(\d{{4}})\b)?",
               lambda m: day_first(m) if 1 <= int(m.group(1)) <= 31 else m.group(0), t)
    t = re.sub(rf"\b({_MONTH})\s+(\d{{4}})\b",
               lambda m: f"{m.group(1)} {year_words(int(m.group(2)))}", t)
    return t


def times(text: str, lang: Language) -> str:
    """English clock times: "10:30 a.m." → "ten thirty A.M."; "9pm" → "nine P.M."; "14:05"
    → "fourteen oh five"."""
    if not lang.english_dates:
        return text

    def said(hour: str, minute: str | None, half: str | None) -> str:
        out = num2words(int(hour), lang="en")
        if minute and minute != "00":
            out += " " + (("oh " if minute[0] == "0" else "") + num2words(int(minute),
                                                                          lang="en"))
        elif minute == "00" and not half:
            out += " hundred" if int(hour) > 12 else " o'clock"
        if half:
            out += " " + ("A.M." if half.lower().startswith("a") else "P.M.")
        return out

    half = r"(a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b)"
    t = re.sub(rf"\b([01]?\d|2[0-3]):([0-5]\d)\b(?:\s*{half})?",
               lambda m: said(m.group(1), m.group(2), m.group(3)), text)
    t = re.sub(rf"\b(1[0-2]|0?[1-9])\s*{half}", lambda m: said(m.group(1), None, m.group(2)),
               t)
    return t


def currency(text: str, lang: Language) -> str:
    """"$1.5bn" → "one point five billion dollars"; "£20m" → "twenty million pounds";
    "$5" → "five dollars"; other languages: the amount, then the currency's name."""
    if not lang.currencies:
        return text
    symbols = "".join(re.escape(s) for s in lang.currencies)
    mags = "|".join(sorted(map(re.escape, lang.magnitudes), key=len, reverse=True)) or "(?!)"

    def one(m: re.Match) -> str:
        one_name, many = lang.currencies[m.group(1)]
        amount, mag = m.group(2), m.group(3)
        if lang.numbers != "num2words" or not lang.english_dates:
            return f"{amount} {many if amount != '1' else one_name}"
        value = float(amount.replace(",", ""))
        if mag:
            return f"{words(amount, lang)} {lang.magnitudes[mag.lower()]} {many}"
        if value == int(value):
            return f"{words(int(value), lang)} {one_name if value == 1 else many}"
        return f"{words(amount, lang)} {many}"

    t = re.sub(rf"(?:US)?([{symbols}])\s?(\d[\d,]*(?:\.\d+)?)(?:\s?({mags})\b)?", one,
               text)
    # "1,5 $", "20 €": the amount first, as French, German and others write it.
    return re.sub(rf"(\d[\d,.]*)\s?([{symbols}])",
                  lambda m: f"{m.group(1)} {lang.currencies[m.group(2)][1]}", t)


_METRE_NEXT = ("high", "tall", "long", "deep", "wide", "away", "above", "below", "under",
               "across", "from", "of", "in", "up", "down", "into", "off")


def units(text: str, lang: Language) -> str:
    """"12 km" → "12 kilometres"; "45%" → "45 percent"; "25°C" → "25 degrees Celsius".
    A bare "m" is metres only where a measure is meant ("50m high", "100 m.") so that "5m
    people" is not "5 metres people"."""
    if lang.percent_first:
        t = re.sub(r"%\s?(\d+(?:[.,]\d+)?)", rf"{lang.percent} \1", text)
        t = re.sub(r"(\d+(?:[.,]\d+)?)\s?%", rf"{lang.percent} \1", t)
    else:
        t = re.sub(r"(\d)\s?%", rf"\1 {lang.percent}", text)
    if not lang.units:
        return t
    names = sorted(lang.units, key=len, reverse=True)
    alts = "|".join(re.escape(u) for u in names)

    def one(m: re.Match) -> str:
        number, unit, after = m.group(1), m.group(3), m.string[m.end():]
        if unit == "m":
            nxt = re.match(r"\s*([\w]+)", after)
            if nxt and nxt.group(1) not in _METRE_NEXT:
                return m.group(0)
        singular, plural = lang.units[unit]
        if m.group(2) == "-":  # "a 12-km walk": the unit names the kind of walk
            return f"{number}-{singular}"
        return f"{number} {singular if number == '1' else plural}"

    return re.sub(rf"(?<![\w.,])(\d+(?:[.,]\d+)?)(\s|-)?({alts})(?![\w/])", one, t)


_FRACTIONS_EN = {"½": "a half", "¼": "a quarter", "¾": "three quarters", "⅓": "a third",
                 "⅔": "two thirds", "⅛": "an eighth"}


def fractions(text: str, lang: Language) -> str:
    """English: "2½" → "2 and a half", "3/4" → "three quarters" (a lone fraction of small
    numbers; "4/3/2023" is left alone)."""
    if not lang.english_dates:
        return text
    keys = "".join(_FRACTIONS_EN)
    t = re.sub(rf"(\d)\s?([{keys}])", lambda m: f"{m.group(1)} and {_FRACTIONS_EN[m.group(2)]}",
               text)
    t = re.sub(rf"[{keys}]", lambda m: _FRACTIONS_EN[m.group(0)], t)

    def slash(m: re.Match) -> str:
        top, bottom = int(m.group(1)), int(m.group(2))
        if bottom == 2:
            name = "half" if top == 1 else "halves"
        elif bottom == 4:
            name = "quarter" if top == 1 else "quarters"
        else:
            name = num2words(bottom, lang="en", to="ordinal") + ("s" if top != 1 else "")
        return f"{num2words(top, lang='en')} {name}"

    return re.sub(r"(?<![\d/])([1-9])/([2-9]|10)(?![\d/])", slash, t)


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def decades(text: str, lang: Language) -> str:
    """"1990s" → "nineteen nineties"; "'90s"/"90s" → "nineties"; "2000s" → "two
    thousands"."""
    if not lang.english_dates:
        return text
    t = re.sub(r"\b(1\d|20)(\d0)s\b", lambda m: _plural(year_words(int(m.group(0)[:-1]))),
               text)
    return re.sub(r"(?:(?<=\s)|^)'?([2-9]0)s\b", lambda m: _plural(num2words(int(m.group(1)),
                                                                            lang="en")), t)


def ranges(text: str, lang: Language) -> str:
    """"2019–2022", "10-12" → "2019 to 2022" (in the language's word)."""
    return re.sub(r"(?<=\d)\s*[–—-]\s*(?=\d)", f" {lang.to} ", text)


_YEAR_CONTEXT = ("in", "since", "of", "from", "until", "till", "to", "by", "during",
                 "before", "after", "year", "spring", "summer", "autumn", "winter", "fall",
                 "early", "late", "mid", "and")


def years(text: str, lang: Language) -> str:
    """English: a year after a word that introduces one ("in 2016", "from 2019 to 2022")
    is said as a year ("twenty sixteen")."""
    if not lang.english_dates:
        return text
    ctx = "|".join(_YEAR_CONTEXT)
    year = r"(1[1-9]\d\d|20\d\d)"
    text = re.sub(rf"(?<![\d,.$£€]){year} to {year}\b(?![.,]\d)",
                  lambda m: f"{year_words(int(m.group(1)))} to {year_words(int(m.group(2)))}",
                  text)
    return re.sub(rf"(?i:\b({ctx}))\s+(1[1-9]\d\d|20\d\d)\b(?![.,]\d|\s?(?:%|percent))",
                  lambda m: f"{m.group(1)} {year_words(int(m.group(2)))}", text)
