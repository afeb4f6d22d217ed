"""Abbreviations and initialisms.

- AP-style abbreviations eSpeak spells out or misreads ("Fla.", "Sept.", "Gov.") are
  written out (English galleries);
- an **initialism** is spelled as letters with full stops ("AFP" → "A.F.P.", "NGOs" →
  "N.G.O.s"; "A-F-P" in Greek, Arabic, Russian and Ukrainian galleries, whose voices read
  "A.F.P." as a word), which eSpeak NG says letter by letter wherever it stands; written "A F P" its
  lone "A" would be the article, and written "AFP" at a sentence's end it is read as the word
  "afp". The rule: a word of 2 to 5 Latin capitals (with an optional plural "s" or
  possessive "'s") is an initialism, unless it is one of `WORDS` (acronyms said as words:
  NATO, FIFA, UNESCO …) or stands in a run of capitals (a headline in capitals is not
  spelled). `AGENCIES` are the news agencies' names, used by the credit rules.
"""

from __future__ import annotations

import re

from reader.speech.normalise.languages import Language

#: News agencies and picture desks (lower case), so a one-part credit is read as an agency.
AGENCIES = {
    "ap", "afp", "epa", "reuters", "getty images", "getty", "shutterstock", "sputnik",
    "al jazeera", "anadolu", "anadolu agency", "xinhua", "pa", "pa images", "dpa", "ansa",
    "efe", "upi", "tass", "bloomberg", "nurphoto", "sipa", "zuma press", "alamy", "handout",
    "pool", "the associated press", "associated press", "epa-efe", "ria novosti", "wafa",
    "apaimages", "sopa images", "lightrocket", "picture alliance", "abaca", "imago",
}

#: Acronyms said as words, never spelled.
WORDS = {
    "NATO", "FIFA", "UEFA", "UNESCO", "UNICEF", "NASA", "OPEC", "AIDS", "COVID", "ASEAN",
    "SWAT", "ISIS", "HAMAS", "UNRWA", "OCHA", "NEOM", "ANSA", "SIPA", "EFE", "TASS", "WAFA",
    "OK", "ZUMA", "IMAGO", "ABACA", "GAZA", "RAF", "NOAA", "CERN", "LASER", "RADAR",
}

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
    "Wis.": "Wisconsin", "Wyo.": "Wyoming", "Gov.": "Governor", "Sen.": "Senator",
    "Rep.": "Representative", "Gen.": "General", "Lt.": "Lieutenant", "Col.": "Colonel",
    "Sgt.": "Sergeant", "Capt.": "Captain", "Pres.": "President", "St.": "Saint",
    "Mt.": "Mount", "Jan.": "January", "Feb.": "February", "Aug.": "August",
    "Sept.": "September", "Oct.": "October", "Nov.": "November", "Dec.": "December",
    "No.": "number", "approx.": "approximately", "e.g.": "for example", "i.e.": "that is",
    "etc.": "etcetera",
}
_ABBREV_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len,
                                                             reverse=True)) + r")(?=\W|$)")
_TITLES = {"Gov.", "Sen.", "Rep.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Pres.", "St.",
           "Mt.", "No."}


def abbreviations(text: str, lang: Language) -> str:
    if not lang.english_dates:
        return text

    def one(m: re.Match) -> str:
        abbrev, word = m.group(1), ABBREVIATIONS[m.group(1)]
        # "… in Miami, Fla. Police said" ends a sentence: keep the full stop it carried.
        rest = m.string[m.end():]
        ends_sentence = not rest.strip() or re.match(r"\s+[A-Z]", rest)
        if ends_sentence and abbrev not in _TITLES and abbrev[0].isupper():
            return word + "."
        return word

    return _ABBREV_RE.sub(one, text)


def spelled(letters: str, joiner: str = ".") -> str:
    """"AFP" → "A.F.P." (what eSpeak NG says as letters), or "A-F-P" (the voices of
    non-Latin scripts, see `Language.initials`)."""
    if joiner == ".":
        return "".join(ch + "." for ch in letters)
    return joiner.join(letters)


_INITIALISM = re.compile(r"(?<![\w.'’-])([A-Z]{2,5})((?:'s|’s|s)?)(?![\w'’]|\.\w)")


def shouted(text: str) -> bool:
    """A text written mostly in capitals (a headline): its capitals are not initialisms."""
    long_words = [w for w in re.findall(r"[^\W\d_]{3,}", text) if w not in WORDS]
    capitals = [w for w in long_words if w.isupper()]
    return len(capitals) >= 3 and len(capitals) > 0.6 * len(long_words)


def initialisms(text: str, lang: Language) -> str:
    if shouted(text):
        return text

    def one(m: re.Match) -> str:
        letters, tail = m.group(1), m.group(2)
        if letters in WORDS or re.fullmatch(r"[IVXL]+", letters) and not tail:
            return m.group(0)  # a word, or a Roman numeral the regnal rule left alone
        if tail == "s" and letters + "S" in WORDS:
            return m.group(0)
        return spelled(letters, lang.initials) + tail

    return _INITIALISM.sub(one, text)
