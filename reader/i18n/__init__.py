"""The reader's own words in the gallery's language: gettext message catalogs (no Flask).

Catalogs are plain `.po` files in `reader/i18n/locale/<lang>/LC_MESSAGES/messages.po`
(committed, reviewed as text), compiled by Babel in memory the first time a language is
asked for, so an editable install, a wheel and a source checkout all work with no build
step. A language with no catalog falls back to English, and says so (`has_catalog`), so
pages can mark those words `lang="en"`.

New strings: extract and merge them as `babel.cfg` says, then translate the new entries in
each `.po` (tests/test_i18n.py fails while a catalog lacks one).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
#: Languages with a catalog (English is the source language: its words are the msgids).
LANGUAGES = ("en", "ar", "de", "el", "es", "fr", "ru", "tr", "uk")
#: Languages written right to left.
RTL = {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"}


def primary(lang: str | None) -> str:
    return (lang or "en").lower().replace("_", "-").split("-")[0]


def has_catalog(lang: str | None) -> bool:
    return primary(lang) in LANGUAGES


def text_direction(lang: str | None) -> str:
    return "rtl" if primary(lang) in RTL else "ltr"


def ui_lang(lang: str | None) -> str:
    """The language the reader's own words will be in for a gallery in ``lang``."""
    return primary(lang) if has_catalog(lang) else "en"


@functools.lru_cache(maxsize=32)
def translations(lang: str | None) -> NullTranslations:
    code = ui_lang(lang)
    po = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if code == "en" or not po.is_file():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=code)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def gettext(lang: str | None, message: str, **values) -> str:
    said = translations(lang).gettext(message)
    return said % values if values else said


def ngettext(lang: str | None, singular: str, plural: str, n: int, **values) -> str:
    said = translations(lang).ngettext(singular, plural, n)
    values.setdefault("num", n)
    return said % values
