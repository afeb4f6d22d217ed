"""The pronunciation lexicon: word → how to say it, applied to speech only.

Rules (also in the README):
- An entry replaces **whole words** only: `Kyiv` does not touch `Kyivan`.
- An entry written **all in lower case** matches any capitalisation (`nato` matches `NATO`,
  `Nato`, `nato`); an entry with **any capital letter** matches that exact spelling only
  (`US` matches `US` but not `us`).
- A word may contain letters, digits, apostrophes, hyphens and full stops (`St.`); the spoken
  form is plain text (no SSML), at most 200 characters.
- Longer entries win over shorter ones where they overlap (`New York` before `York`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reader.errors import InputError

WORD_RE = re.compile(r"^[\w'.\-]+(?: [\w'.\-]+)*$")
MAX_WORD = 80
MAX_SPOKEN = 200


def check_entry(word: str, spoken: str) -> tuple[str, str]:
    """Validate one entry; returns it trimmed, or raises InputError naming the field."""
    word, spoken = word.strip(), " ".join(spoken.split())
    if not word or len(word) > MAX_WORD or not WORD_RE.match(word):
        raise InputError(f"{word!r} is not a word the lexicon can hold (letters, digits, "
                         f"apostrophes, hyphens, full stops; up to {MAX_WORD} characters)",
                         field="word")
    if not spoken or len(spoken) > MAX_SPOKEN or any(c in spoken for c in "<>[]{}"):
        raise InputError(f"the spoken form of {word!r} must be plain text of 1 to "
                         f"{MAX_SPOKEN} characters (no <, >, brackets or braces)",
                         field="spoken")
    return word, spoken


class Lexicon:
    """An immutable set of entries with one compiled pattern."""

    def __init__(self, entries: Mapping[str, str] | None = None):
        self.entries = dict(entries or {})
        exact = {w: s for w, s in self.entries.items() if w != w.lower()}
        folded = {w.lower(): s for w, s in self.entries.items() if w == w.lower()}
        self._exact, self._folded = exact, folded
        words = sorted(self.entries, key=len, reverse=True)
        if words:
            alternatives = "|".join(
                re.escape(w) if w != w.lower() else "(?i:" + re.escape(w) + ")" for w in words)
            self._re = re.compile(r"(?<![\w'\-])(?:" + alternatives + r")(?![\w'\-])")
        else:
            self._re = None

    def _spoken(self, m: re.Match) -> str:
        found = m.group(0)
        if found in self._exact:
            return self._exact[found]
        return self._folded.get(found.lower(), found)

    def apply(self, text: str) -> str:
        if self._re is None:
            return text
        return self._re.sub(self._spoken, text)

    def __len__(self) -> int:
        return len(self.entries)
