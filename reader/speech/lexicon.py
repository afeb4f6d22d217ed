"""The pronunciation lexicon: word → how to say it, applied to speech only.

Rules (also in the README):
- An entry replaces **whole words** only: `Kyiv` does not touch `Kyivan`.
- An entry written **all in lower case** matches any capitalisation (`nato` matches `NATO`,
  `Nato`, `nato`); an entry with **any capital letter** matches that exact spelling only
  (`US` matches `US` but not `us`).
- A word may contain letters, digits, apostrophes, hyphens and full stops (`St.`).
- Longer entries win over shorter ones where they overlap (`New York` before `York`).

Each entry has a **kind** (`KINDS`):
- ``substitute``: say this plain text instead (at most 200 characters, no markup);
- ``spell``: say the word letter by letter, as this voice says letters: "A.F.P." (eSpeak NG
  says that as letters anywhere, where "AFP." last is read as a word); a single letter is
  written "A-" ("A." inside a sentence is the article);
- ``phonemes``: eSpeak NG phonemes (its ``[[…]]`` notation, written here without the
  brackets), said with eSpeak's phoneme input on;
- ``language``: say the phrase with the voice of another language (a BCP 47 tag: ``es``).
The last two become spans of `reader.speech.markup`: transcripts and cues show the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import reader.speech.markup as markup
from reader.errors import InputError

WORD_RE = re.compile(r"^[\w'.\-]+(?: [\w'.\-]+)*$")
MAX_WORD = 80
MAX_SPOKEN = 200
KINDS = ("substitute", "spell", "phonemes", "language")
#: eSpeak NG's phoneme names are ASCII letters, digits and these marks (no brackets).
PHONEMES_RE = re.compile(r"^[A-Za-z0-9@'\",:;%=_#!^*&/|?~.\- ]+$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def spell(word: str) -> str:
    """How the voice says ``word`` letter by letter: "AFP" → "A.F.P.", "A" → "A-"."""
    letters = [c.upper() for c in word if c.isalnum()]
    if len(letters) == 1:
        return letters[0] + "-"
    return "".join(c + "." for c in letters)


def check_entry(word: str, spoken: str, kind: str = "substitute") -> tuple[str, str]:
    """Validate one entry; returns (word, spoken) trimmed (for ``spell``, spoken is the
    spelling), or raises InputError naming the field ("word", "spoken" or "kind")."""
    if kind not in KINDS:
        raise InputError(f"{kind!r} is not a kind of lexicon entry (choose "
                         f"{', '.join(KINDS)})", field="kind")
    word, spoken = word.strip(), " ".join((spoken or "").split())
    if not word or len(word) > MAX_WORD or not WORD_RE.match(word):
        raise InputError(f"{word!r} is not a word the lexicon can hold (letters, digits, "
                         f"apostrophes, hyphens, full stops; up to {MAX_WORD} characters)",
                         field="word")
    if kind == "spell":
        return word, spell(word)
    if kind == "phonemes":
        spoken = spoken.removeprefix("[[").removesuffix("]]").strip()
        if not spoken or len(spoken) > MAX_SPOKEN or not PHONEMES_RE.match(spoken):
            raise InputError(f"the phonemes for {word!r} must be eSpeak NG phoneme names "
                             f"(ASCII letters, digits and marks such as ' : @; no brackets "
                             f"inside), 1 to {MAX_SPOKEN} characters", field="spoken")
        return word, spoken
    if kind == "language":
        spoken = spoken.lower()
        if not LANGUAGE_RE.match(spoken):
            raise InputError(f"the language for {word!r} must be a language tag such as "
                             f"'es' or 'pt-br'", field="spoken")
        return word, spoken.lower()
    if not spoken or len(spoken) > MAX_SPOKEN or any(c in spoken for c in "<>[]{}"):
        raise InputError(f"the spoken form of {word!r} must be plain text of 1 to "
                         f"{MAX_SPOKEN} characters (no <, >, brackets or braces)",
                         field="spoken")
    return word, spoken


class Lexicon:
    """An immutable set of entries with one compiled pattern."""

    def __init__(self, entries: Mapping[str, str | tuple[str, str]] | None = None):
        """``entries``: word → spoken, or word → (spoken, kind)."""
        self.kinds = {w: ("substitute" if isinstance(e, str) else e[1])
                      for w, e in (entries or {}).items()}
        self.entries = {w: (e if isinstance(e, str) else e[0])
                        for w, e in (entries or {}).items()}
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
        word = found if found in self._exact else found.lower()
        spoken = self.entries.get(word)
        if spoken is None:
            return found
        kind = self.kinds.get(word, "substitute")
        if kind == "phonemes":
            return markup.phonemes_span(found, spoken)
        if kind == "language":
            return markup.language_span(found, spoken)
        return spoken

    def apply(self, text: str) -> str:
        if self._re is None:
            return text
        return self._re.sub(self._spoken, text)

    def entries_with_kinds(self) -> dict[str, tuple[str, str]]:
        return {w: (s, self.kinds[w]) for w, s in self.entries.items()}

    def __len__(self) -> int:
        return len(self.entries)
