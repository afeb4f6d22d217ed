"""Credits said the way a newsreader says them: the photographer first, then the agency.

One rule set for every credit style the importers store:

| stored credit | said (English) |
|---|---|
| `Sergei Ilnitsky/EPA` | Photo: Sergei Ilnitsky, E.P.A. |
| `Grigory Sysoyev/Sputnik/Reuters` | Photo: Grigory Sysoyev, Sputnik via Reuters. |
| `AP Photo/Bernat Armangue`, `Bernat Armangue/AP Photo` | Photo: Bernat Armangue, A.P. |
| `REUTERS/Jane Roe` (agency first, wire style) | Photo: Jane Roe, Reuters. |
| `Photograph: Jane Roe/Guardian`, `Photo by Jane Roe` | Photo: Jane Roe, Guardian. |
| `Jane Roe via Reuters` | Photo: Jane Roe via Reuters. |
| `Reuters` | Photo: Reuters. |

Agency names written in capitals are said as names ("REUTERS" → "Reuters"); initialisms
(AP, AFP, EPA) are spelled by the normaliser's `initialisms` rule ("A.F.P."), the form
eSpeak NG says as letters even at the end of a sentence. "Photo:" and "via" are the
gallery's language's words (the message catalogs in `reader.i18n`).
"""

from __future__ import annotations

import re

from reader.i18n import gettext
from reader.speech.normalise.initialisms import AGENCIES, WORDS

_PREFIX = re.compile(r"^(?:photo(?:graph)?s?\s*(?:by\b|:)|pictures?\s*(?:by\b|:)|"
                     r"images?\s*(?:by\b|:)|credit\s*:|©|\(c\)|copyright\b)\s*", re.I)
_SUFFIX_PHOTO = re.compile(r"\s+(?:photos?|pictures?|images)$", re.I)


def is_agency(part: str) -> bool:
    name = _SUFFIX_PHOTO.sub("", part).strip().lower()
    return name in AGENCIES or name.replace("-", " ") in AGENCIES


def _agency_name(part: str) -> str:
    """"REUTERS" → "Reuters"; "AP Photo" → "AP"; initialisms stay in capitals."""
    part = _SUFFIX_PHOTO.sub("", part).strip() if part.lower() not in AGENCIES else part
    if part.isupper() and len(part) > 5 or part in WORDS:
        return part.title()
    return part


def credit_parts(credit: str | None) -> list[str]:
    """The credit's people and agencies, in the order they are said."""
    if not credit or not credit.strip():
        return []
    raw = credit.strip().strip("[]()").strip()
    raw = _PREFIX.sub("", raw).strip()
    parts = [p.strip() for p in re.split(r"\s*/\s*|\s*\|\s*", raw) if p.strip()]
    if not parts:
        return []
    # Wire style and agency-first credits ("AP Photo/Name", "REUTERS/Name"): person first.
    if len(parts) >= 2 and is_agency(parts[0]) and not is_agency(parts[1]):
        parts = [parts[1], parts[0], *parts[2:]]
    return [parts[0] if not is_agency(parts[0]) else _agency_name(parts[0])] + \
        [_agency_name(p) if is_agency(p) else p for p in parts[1:]]


def credit_phrase(credit: str | None, lang: str | None = "en") -> str | None:
    """The credit as it is said, before normalisation: "Photo: Sergei Ilnitsky, EPA."."""
    parts = credit_parts(credit)
    if not parts:
        return None
    via = " " + gettext(lang, "via") + " "
    body = parts[0] if len(parts) == 1 else f"{parts[0]}, {via.join(parts[1:])}".strip()
    said = gettext(lang, "Photo: %(credit)s", credit=body)
    return said if said[-1] in ".!?" else said + "."
