"""Which words of a page are in which language: every text (and every spoken attribute) with
the language of its closest ``[lang]`` element, and a check that flags Latin-script words
under ``lang="el"`` or ``lang="ar"`` — English interface words a Greek or Arabic reader's
screen reader would say with the wrong voice.

The oracle is the script a word is written in (Unicode letters), not the catalogs: a word
the templates forgot to wrap, or one a script wrote in English, is found whatever the code
under test thinks. Allowed: the gallery's own Latin words (a credit may be Latin), file and
format names (EPUB 3, MP3, M3U, zip, index.html) and the reading app named in the downloads
block (Thorium). Used on rendered HTML (`texts_in_html`) and in a browser (`DOM_TEXTS`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Attributes a screen reader says (or a script turns into words it says).
SPOKEN_ATTRS = ("aria-label", "title", "alt", "placeholder", "label", "data-pause",
                "data-play", "data-format", "aria-roledescription")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
LATIN = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")  # MP3 is one word
FIELD = re.compile(r"\{\w+\}")  # a script's placeholder ({n}, {percent}): not a word
ALWAYS_ALLOWED = {"EPUB", "MP3", "M3U", "zip", "index", "html", "Thorium"}

#: The same walk in a browser: [[text, closest lang, where], …] for the live DOM.
DOM_TEXTS = """(attrs) => {
  const out = [];
  const langOf = (el) => {
    const l = el.closest('[lang]');
    return l ? l.getAttribute('lang') : '';
  };
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style')) continue;
    const t = n.nodeValue.trim();
    if (t) out.push([t, langOf(el), el.tagName.toLowerCase()]);
  }
  document.querySelectorAll('*').forEach((el) => attrs.forEach((a) => {
    const where = el.tagName.toLowerCase() + '@' + a;
    if (el.hasAttribute(a)) out.push([el.getAttribute(a), langOf(el), where]);
  }));
  return out;
}"""  # page.evaluate(DOM_TEXTS, list(SPOKEN_ATTRS))


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, lang in force)
        self.found: list[tuple[str, str, str]] = []

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lang = a["lang"] if a.get("lang") is not None else self._lang()
        for name in SPOKEN_ATTRS:
            if a.get(name):
                self.found.append((a[name], lang, f"{tag}@{name}"))
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if data.strip():
            self.found.append((data.strip(), self._lang(), self.stack[-1][0] if self.stack else ""))


def texts_in_html(html: str) -> list[tuple[str, str, str]]:
    """(text, closest lang, where) for every text and spoken attribute of a page."""
    p = _Texts()
    p.feed(html)
    p.close()
    return p.found


def latin_words(text: str) -> set[str]:
    return set(LATIN.findall(FIELD.sub(" ", text)))


def gallery_words(gallery) -> set[str]:
    """The Latin words of the gallery's own text (its title, captions, credits…)."""
    parts = [gallery.title, gallery.standfirst or "", gallery.section or "",
             gallery.published or "", *(gallery.body or [])]
    for item in gallery.items:
        parts += [item.caption or "", item.credit or "", item.alt or ""]
    return set().union(*(latin_words(p) for p in parts))


def stray_english(texts, lang: str, allowed: set[str] = frozenset()) -> list[tuple]:
    """The texts under ``lang`` (a non-Latin language) holding a Latin word that is neither
    the gallery's own nor a file or format name."""
    ok = ALWAYS_ALLOWED | set(allowed)
    return [(text, where, sorted(latin_words(text) - ok)) for text, under, where in texts
            if under.split("-")[0] == lang and latin_words(text) - ok]
