"""Printing stored text on a terminal: never a raw control character.

A gallery's words come from files and forms; however they were let in, what `reader`
prints of them must not be able to move the cursor, recolour the terminal or rewrite its
title, nor reorder what follows it. `safe` shows every control character (C0, DEL, C1, lone
surrogates, the Unicode line and paragraph separators, and the bidirectional embeddings,
overrides and isolates) as a visible escape such as ``\\x1b``, keeping ordinary text
(accents, other scripts, joiners) as it is.
"""

from __future__ import annotations

import unicodedata

_KEEP = {"\n", "\t"}
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe(text: object, keep_newlines: bool = False) -> str:
    """``text`` with its control and format characters escaped."""
    out = []
    for ch in str(text):
        if keep_newlines and ch in _KEEP:
            out.append(ch)
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


def safe_json(text: str) -> str:
    """A JSON text with the same characters escaped as JSON escapes (``\\u001b``), so it
    stays valid JSON with the same meaning. (json.dumps escapes C0 but not DEL, C1,
    U+2028/9 or the bidirectional controls.)"""
    return "".join(f"\\u{ord(ch):04x}" if (ch in _BIDI or ord(ch) == 0x7f
                                           or (ord(ch) < 0x20 and ch not in _KEEP)
                                           or 0x80 <= ord(ch) <= 0x9f
                                           or ch in "\u2028\u2029") else ch for ch in text)


def echo(message: object = "", err: bool = False, nl: bool = True) -> None:
    """`click.echo`, with control characters made visible (see `safe`). A line that is
    a JSON document (``{``/``[``) gets JSON escapes instead, so it still parses."""
    import click

    text = str(message)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) and (stripped.endswith(("}", "]"))):
        text = safe_json(text)
    else:
        text = safe(text, keep_newlines=True)
    click.echo(text, err=err, nl=nl)
