"""Credit recognisers for gallery texts: where a photo's credit is, and what it says.

A credit is recognised by its shape, never by a list of files:

- in brackets at the end of a caption: ``… in May 2022. [Sergei Ilnitsky/EPA]``;
- in parentheses at the end of a caption, if it holds a ``/`` or an agency's name:
  ``… 2023. (AP Photo/Bernat Armangue)``, ``(Photo by Jane Roe / AFP)``;
- bare, after a caption's last sentence: ``… on Wednesday. REUTERS/Jane Roe``,
  ``AFP/Name``, ``Name/Reuters``, ``Name / AFP/Getty Images`` (slash-separated parts, one of
  them a news agency, the rest short names);
- a line of its own: any of the above alone (``REUTERS/Ana Lima``, `` (Name / EPA)``), or a
  labelled credit (``Photograph: Name``, ``Photo: Name``, ``Picture: Name``,
  ``Photo by Name``, ``Image source, Name``, ``Photo credit: Name``, ``Credit...Name``,
  ``© Name``), also after a caption's last sentence;
- a line holding only an agency's name (``AFP``, ``AP``): a credit only where the caption
  above has none; after a credited caption it is the page repeating the agency.
"""

from __future__ import annotations

import re

# News agencies and picture libraries whose names mark a slash-separated part as a credit.
AGENCY_NAMES = (
    "AP", "AP Photo", "AP Images", "Associated Press", "AFP", "Agence France-Presse", "Reuters",
    "EPA", "EPA-EFE", "EFE", "Getty", "Getty Images", "Shutterstock", "Rex", "Rex Features",
    "Sputnik", "TASS", "RIA Novosti", "Anadolu", "Anadolu Agency", "Xinhua", "Al Jazeera",
    "Bloomberg", "PA", "PA Images", "PA Wire", "DPA", "dpa", "ANSA", "Kyodo", "Yonhap",
    "NurPhoto", "SOPA Images", "LightRocket", "ZUMA", "ZUMA Press", "Zuma Wire", "Alamy",
    "Redux", "Magnum", "Magnum Photos", "Panos", "Polaris", "Avalon", "Pool", "Handout",
    "UNICEF", "NASA", "Ukrinform", "Hellenic Police", "Eurokinissi", "Intime", "SOOC",
)
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCY_NAMES), key=len, reverse=True))
# One slash-separated part that names an agency: `AFP`, `AP Photo`, `Getty Images`, `via AFP`.
_AGENCY_PART = re.compile(rf"^(?:via\s+)?(?:{_AGENCY_ALT})(?:\s+(?:Photo|Images|Pool))?"
                          rf"(?:\s+via\s+(?:{_AGENCY_ALT}))?$", re.IGNORECASE)
# A word that names an agency anywhere in a parenthesis: `(Reuters)`, `(centre)` is not one.
AGENCY_WORD = re.compile(rf"\b(?:{_AGENCY_ALT}|Photo)\b")
# A name part: a few words, no sentence inside it (initials such as `B.` are fine).
_NAME_PART = re.compile(r"^(?:(?:via|by|for)\s+)?[^\W\d_][\w.'’\-]*(?:\s+[\w.'’\-&]+){0,5}$")
_SENTENCE_INSIDE = re.compile(r"[a-z\u0370-\u1fff\u0400-\u04ff]{2}[.!?]\s")

BRACKETED = re.compile(r"^(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]*\S[^\[\]]*)\]$")
PARENTHESISED = re.compile(r"^(?P<caption>.*?)\s*\((?P<credit>[^()]*\S[^()]*)\)$")
CREDIT_ALONE_BRACKETED = re.compile(r"^[\[(](?P<credit>[^\[\]()]*\S[^\[\]()]*)[\])]$")
UNCLOSED = re.compile(r"^(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]*)$")
LABELLED = re.compile(
    r"^(?:(?:photograph|photo|picture|photographer|(?:photo\s+|image\s+)?credit)\s*:|"
    r"credit\s*(?:\.\.\.|…)|©|copyright\b|"
    r"(?:photograph|photo|picture|photos|pictures)\s+by\b|image\s+source\s*,)"
    r"\s*(?P<credit>\S.*)$",
    re.IGNORECASE,
)
# The wire services whose bare name, alone on a line or after a caption, is a credit: as
# they write it or in capitals (`Reuters`, `REUTERS`), never a common word such as `Pool`.
WIRE_NAMES = ("AP", "AP Photo", "Associated Press", "AFP", "Reuters", "EPA", "EPA-EFE", "EFE",
              "Getty Images", "Shutterstock", "Sputnik", "TASS", "Xinhua", "Anadolu Agency",
              "Bloomberg", "PA", "PA Wire", "DPA", "dpa", "ANSA", "Kyodo", "Yonhap",
              "Al Jazeera")
AGENCY_ALONE = re.compile("^(?:{})$".format("|".join(
    re.escape(n) for n in sorted({*WIRE_NAMES, *(n.upper() for n in WIRE_NAMES)},
                                 key=len, reverse=True))))
# Where a bare credit may start: after a sentence's end and a space.
SENTENCE_END_CHARS = ".!?…\"'”’)]»؟۔。"
_BARE_START = re.compile(r"[.!?…\"”’)»؟۔。]\s+")


def credit_like(credit: str) -> bool:
    """A trailing parenthesis is a credit only if it looks like one: `AP Photo/Name`, `Reuters`."""
    return "/" in credit or bool(AGENCY_WORD.search(credit))


def bare_credit(text: str) -> bool:
    """``text`` is a credit without brackets: slash-separated short parts, one an agency.

    ``REUTERS/Jane Roe``, ``Jane Roe/Reuters``, ``Sam Okafor / AFP/Getty Images``; not
    ``24/7``, not ``Kherson/Mykolaiv`` (no agency), not a sentence with a slash in it."""
    if "/" not in text or len(text) > 120 or _SENTENCE_INSIDE.search(text + " "):
        return False
    parts = [p.strip() for p in text.split("/")]
    if any(not p for p in parts) or len(parts) > 4:
        return False
    if not any(_AGENCY_PART.match(p) for p in parts):
        return False
    return all(_AGENCY_PART.match(p) or _NAME_PART.match(p) for p in parts)


def split_bare_credit(text: str) -> tuple[str, str] | None:
    """``(caption, credit)`` if ``text`` ends in a bare credit after a sentence, else None."""
    for m in _BARE_START.finditer(text):
        tail = text[m.end():].strip()
        tail = tail[:-1] if tail.endswith(".") and not tail.endswith("..") else tail
        if (label := LABELLED.match(tail)) and _name_list(label.group("credit")):
            # `… on Monday. Photograph: Jo Bloggs/Reuters`, `… Photo: Jo Bloggs`
            return text[: m.start() + 1].rstrip(), label.group("credit").strip()
        if bare_credit(tail) or AGENCY_ALONE.match(tail):
            return text[: m.start() + 1].rstrip(), tail
    return None


def _name_list(text: str) -> bool:
    """Names (and agencies), as a labelled credit holds them: short, no sentence inside."""
    parts = [p.strip() for p in re.split(r"[/,;]| and ", text)]
    return (len(text) <= 120 and not _SENTENCE_INSIDE.search(text + " ")
            and all(p and (_AGENCY_PART.match(p) or _NAME_PART.match(p)) for p in parts))


def credit_alone(text: str) -> str | None:
    """The credit a whole line holds (``REUTERS/Ana Lima``, ``(Name / EPA)``,
    ``Photograph: Name``), or None."""
    if m := CREDIT_ALONE_BRACKETED.match(text):
        return m.group("credit").strip()
    if m := LABELLED.match(text):
        credit = m.group("credit").strip()
        if len(credit) <= 120 and not _SENTENCE_INSIDE.search(credit + " "):
            return credit.strip("()[] ") or None
        return None
    if bare_credit(text):
        return text.strip()
    return None
