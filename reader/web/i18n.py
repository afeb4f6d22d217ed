"""The pages' own words in the gallery's language: gettext in the templates.

Templates mark their words with `{{ _('Next photo') }}` (and `ngettext`); the catalogs are
`reader.i18n`'s (`.po` files compiled in memory by Babel). The language is the page's: a
gallery's or photo's page is in the gallery's language when a catalog has its interface
words, else in English, and then those words are marked `lang="en"` (`ui_attrs`, the
templates' `ui_t`). Every word of a gallery's pages is wrapped now (the player's script
words come from `reader.web.listen._words`, the other scripts' from the templates' data
attributes); `ui` (`english_attrs`) remains for a template whose words are still only in
English: it marks them so. The site's own pages (the library, search, settings, help) are
in English: they list galleries of every language, each title marked with its own.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import g, has_request_context
from markupsafe import Markup

import reader.i18n as i18n

#: A word every page's catalog translates: a language whose catalog has it has the pages'
#: interface words (otherwise its catalog so far holds only the spoken words).
SENTINEL = "Skip to main content"


def interface_lang(page_lang: str | None) -> str:
    """The language of the page's own words for a page whose text is in ``page_lang``."""
    code = i18n.ui_lang(page_lang)
    if code != "en" and i18n.translations(code).gettext(SENTINEL) == SENTINEL:
        return "en"
    return code


def ui_attrs(page_lang: str | None) -> Markup:
    """Attributes for the page's own words when they are not in the page's language."""
    if interface_lang(page_lang) == i18n.primary(page_lang):
        return Markup("")
    return Markup(' lang="en" dir="ltr"')


def english_attrs(page_lang: str | None) -> Markup:
    """Attributes for words that are only in English, on a page in ``page_lang``."""
    if i18n.primary(page_lang) == "en":
        return Markup("")
    return Markup(' lang="en" dir="ltr"')


def use(page_lang: str | None) -> None:
    """The words of the page being rendered are in ``page_lang``'s interface language."""
    g.ui_lang = interface_lang(page_lang)


def _current() -> str:
    return g.get("ui_lang", "en") if has_request_context() else "en"


def gettext(message: str, **values) -> str:
    return i18n.gettext(_current(), message, **values)


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    return i18n.ngettext(_current(), singular, plural, n, **values)


def long_date(iso: str | None) -> str:
    """A date in the words of the page being rendered: "2024-05-12" → "12 May 2024" in
    English, "12 Μαΐου 2024" in Greek (Babel's long format for the language); as written if
    it is not an ISO date."""
    try:
        d = date.fromisoformat(iso or "")
    except ValueError:
        return iso or ""
    lang = _current()
    if lang == "en":  # the site's own style (day first), as on every English page so far
        return f"{d.day} {d:%B} {d.year}"
    return format_date(d, "long", locale=lang)


def decimal(value: str | float) -> str:
    """A number in the page's language ("1.5" → "1,5" in German)."""
    return format_decimal(float(value), locale=_current())


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)
    app.jinja_env.filters["decimal"] = decimal
