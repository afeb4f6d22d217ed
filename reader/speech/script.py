"""The speech script: exactly the words the engine speaks for one photo (pure: no engine).

Order: the caption, then the credit in natural phrasing ("Photo: Sergei Ilnitsky, EPA."),
then, only when the reader asks for it, the description announced as one
("Description: …"). The text is normalised for what eSpeak reads badly (brackets, slashes,
dashes, ellipses, curly quotes, AP-style abbreviations) and the reader's pronunciation
lexicon is applied. None of this touches the page text: only the spoken string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reader.model import Item
from reader.speech.lexicon import Lexicon

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


# Credit parts that name an agency (so a one-part credit is read "Photo: Reuters.").
AGENCIES = {
    "ap", "afp", "epa", "reuters", "getty images", "getty", "shutterstock", "sputnik",
    "al jazeera", "anadolu", "anadolu agency", "xinhua", "pa", "pa images", "dpa", "ansa",
    "efe", "upi", "tass", "bloomberg", "nurphoto", "sipa", "zuma press", "alamy", "handout",
    "pool", "the associated press", "associated press",
}

# AP-style abbreviations eSpeak spells out or misreads; whole words, case-sensitive.
ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York",
    "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee",
    "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wyo.": "Wyoming", "D.C.": "D C", "U.S.": "U S", "U.K.": "U K",
    "U.N.": "U N", "Gov.": "Governor", "Sen.": "Senator", "Rep.": "Representative",
    "Gen.": "General", "Lt.": "Lieutenant", "Col.": "Colonel", "Sgt.": "Sergeant",
    "Capt.": "Captain", "Pres.": "President", "St.": "Saint", "Mt.": "Mount",
    "Jan.": "January", "Feb.": "February", "Aug.": "August", "Sept.": "September",
    "Oct.": "October", "Nov.": "November", "Dec.": "December", "No.": "number",
    "approx.": "approximately", "e.g.": "for example", "i.e.": "that is", "etc.": "etcetera",
}
_ABBREV_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len,
                                                             reverse=True)) + r")(?=\W|$)")


_TITLES = {"Gov.", "Sen.", "Rep.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Pres.", "St.",
           "Mt.", "No."}


def _abbreviation(m: re.Match) -> str:
    abbrev, word = m.group(1), ABBREVIATIONS[m.group(1)]
    # "… in Miami, Fla. Police said" ends a sentence: keep the full stop it carried.
    rest = m.string[m.end():]
    ends_sentence = not rest.strip() or re.match(r"\s+[A-Z]", rest)
    if ends_sentence and abbrev not in _TITLES and abbrev[0].isupper():
        return word + "."
    return word


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def normalise(text: str) -> str:
    """Rewrite what eSpeak reads badly into what a person would say; one line of text."""
    t = unicodedata.normalize("NFC", text)
    t = _CONTROL_RE.sub(" ", t)
    t = t.replace("\u00a0", " ")
    # Quotes are heard in the voice, not read: drop double quotes, keep apostrophes plain.
    t = re.sub(r"[“”„‟\"«»]", "", t)
    t = re.sub(r"[‘’‛′`]", "'", t)
    t = re.sub(r"(^|\s)'|'(?=\s|$|[,.;:!?])", r"\1", t)  # single quotes around a phrase
    # Ellipses become a pause.
    t = re.sub(r"\s*(…|\.{3,})\s*", ", ", t)
    # Number ranges "2019–2022", "10-12" → "2019 to 2022".
    t = re.sub(r"(?<=\d)\s*[–—-]\s*(?=\d)", " to ", t)
    # Dashes used as punctuation become a comma pause; hyphens inside words stay.
    t = re.sub(r"\s*[–—―]\s*|\s+-\s+|\s*--\s*", ", ", t)
    # Slashes between words ("and/or", "Sergei Ilnitsky/EPA" left in a caption) are not read.
    t = re.sub(r"\s*/\s*", " ", t)
    t = t.replace("&", " and ")
    t = re.sub(r"[\[\]{}()]", lambda m: "" if m.group(0) in "[]{}" else ", ", t)
    t = _ABBREV_RE.sub(_abbreviation, t)
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\s+([,.;:!?])", r"\1", t)
    t = re.sub(r",(\s*,)+", ",", t)
    t = re.sub(r",\s*([.;:!?])", r"\1", t)
    t = re.sub(r"^[,;:\s]+|[,;:\s]+$", "", t)
    return t


def _sentence(text: str) -> str:
    """The text as a sentence: ends with a full stop unless it already ends a sentence."""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def credit_phrase(credit: str | None) -> str | None:
    """The credit as it is said: `Sergei Ilnitsky/EPA` → "Photo: Sergei Ilnitsky, EPA.".

    One part is a photographer or an agency; a second part is the agency; a third is who
    distributed it ("Sputnik via Reuters"). Wire style `AP Photo/Name` names the person first.
    """
    if not credit or not credit.strip():
        return None
    raw = credit.strip().strip("[]()").strip()
    raw = re.sub(r"^(photo(graph)?s?\s*(by|:)|credit\s*:|©)\s*", "", raw, flags=re.I)
    parts = [p.strip() for p in re.split(r"\s*/\s*", raw) if p.strip()]
    if not parts:
        return None
    # Wire style: "AP Photo/Bernat Armangue" → person last, agency "AP".
    m = re.fullmatch(r"(.+?)\s+Photo", parts[0], flags=re.I)
    if m and len(parts) >= 2 and parts[0].lower() != "photo":
        agency, person, rest = m.group(1), parts[1], parts[2:]
        parts = [person, agency, *rest]
    # "Name/AP Photo": the agency is "AP".
    parts = [re.sub(r"\s+Photos?$", "", p, flags=re.I) if i else p for i, p in enumerate(parts)]
    if len(parts) == 1:
        body = parts[0]
    elif len(parts) == 2:
        body = f"{parts[0]}, {parts[1]}"
    else:
        body = f"{parts[0]}, {' via '.join(parts[1:])}"
    return _sentence(f"Photo: {body}")


def script_parts(item: Item, settings: SpeechSettings | None = None,
                 lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """The script's pieces in the order they are said, each as (what it is, its words):
    ``"caption"``, ``"credit"``, ``"description"``. Joined with spaces they are the script,
    so a piece's place in the audio can be found (the EPUB's Media Overlays use this)."""
    settings = settings or SpeechSettings()
    lexicon = lexicon or Lexicon()
    pieces = []
    caption = lexicon.apply(normalise(item.caption))
    if caption:
        pieces.append(("caption", _sentence(caption)))
    credit = credit_phrase(item.credit)
    if credit:
        pieces.append(("credit", lexicon.apply(normalise(credit))))
    if settings.describe and item.alt and item.alt.strip():
        alt = lexicon.apply(normalise(item.alt))
        if alt:
            pieces.append(("description", _sentence(f"Description: {alt}")))
    return pieces


def speech_script(item: Item, settings: SpeechSettings | None = None,
                  lexicon: Lexicon | None = None) -> str:
    """The exact string handed to the engine for this photo."""
    return " ".join(words for _, words in script_parts(item, settings, lexicon))


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
