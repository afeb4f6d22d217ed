"""Reviewed speech scripts of the real galleries: one JSON file per gallery text in
`tests/speech/scripts/`, holding for every photo the exact string the engine is given (with
descriptions off and on), plus the introduction and the listening parts' chapter titles.

The gallery texts stay in ../shared (never copied into the project), so a script is held as
what the speech changes in the text: for the caption, the description and the title, a list
of [where, written, said] rewrites (``where``: the character offset in the text), applied
to the text the importer reads from
../shared, and the credit as it is said. The expected script is rebuilt from those and
compared character for character with what the reader makes. The rewrites are also what a
reviewer wants to see: exactly what the normaliser did to each caption.

These files are the oracle for `test_gallery_scripts.py`: written once by this tool, then
read and corrected by a person, and kept under review like code. After a change to the
normaliser, the credit rules or the importer, regenerate and read the diff:

    .venv/bin/python -m tests.speech.script_data            # every gallery that imports
    .venv/bin/python -m tests.speech.script_data 13_latimes  # names containing a word
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

from reader.importers import load_path
from reader.speech.listening import intro_script, parts
from reader.speech.script import SpeechSettings, speech_script
from tests.conftest import GALLERIES, SEED

DATA = Path(__file__).parent / "scripts"


def sources() -> list[Path]:
    return [SEED, *sorted(GALLERIES.glob("*.txt"))]


def data_file(source: Path) -> Path:
    return DATA / (source.stem + ".json")


def load(source: Path):
    """The gallery as the importer on this branch reads it (None if it refuses the text)."""
    loaded = next(iter(load_path(source)))
    return loaded.gallery


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"(\s+)", text) if t]


def rewrites(written: str, said: str) -> list[list]:
    """[offset, written, said] triples that turn ``written`` into ``said`` (see `apply`)."""
    a, b = _tokens(written), _tokens(said)
    spans = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion: anchor it on the token before (or after) it
            if i1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            else:
                i2, j2 = i2 + 1, j2 + 1
        if spans and i1 <= spans[-1][1]:
            spans[-1] = [spans[-1][0], max(i2, spans[-1][1]), spans[-1][2], max(j2, spans[-1][3])]
        else:
            spans.append([i1, i2, j1, j2])
    return [[len("".join(a[:i1])), "".join(a[i1:i2]), "".join(b[j1:j2])]
            for i1, i2, j1, j2 in spans]


def apply(written: str, changes: list[list]) -> str:
    """The text with every rewrite made; each must find its words where it says."""
    out = written
    for at, old, new in reversed(changes):
        if out[at:at + len(old)] != old:
            raise ValueError(f"the text has changed at {at}: expected {old!r}")
        out = out[:at] + new + out[at + len(old):]
    return out


def _pieces(item, gallery, describe: bool) -> dict:
    from reader.speech.script import script_parts

    return dict(script_parts(item, SpeechSettings(describe=describe), lang=gallery.lang))


def scripts(gallery) -> dict:
    """What is held for one gallery (see the module's docstring)."""
    items = []
    for item in gallery.items:
        plain, described = _pieces(item, gallery, False), _pieces(item, gallery, True)
        items.append({
            "position": item.position,
            "caption": rewrites(item.caption, plain.get("caption", "")),
            "credit": plain.get("credit"),
            "description": rewrites(item.alt, described["description"])
            if "description" in described else None,
        })
    title = f"{gallery.title}. {gallery.standfirst}" if gallery.standfirst else gallery.title
    return {"lang": gallery.lang, "introduction": rewrites(title, intro_script(gallery)),
            "chapters": [p.title for p in parts(gallery)], "items": items}


def expected(gallery, held: dict) -> dict:
    """The exact strings the held rewrites give, for the gallery as imported here."""
    title = f"{gallery.title}. {gallery.standfirst}" if gallery.standfirst else gallery.title
    out = {"introduction": apply(title, held["introduction"]), "chapters": held["chapters"],
           "items": []}
    for item, h in zip(gallery.items, held["items"], strict=True):
        caption = apply(item.caption, h["caption"])
        plain = " ".join(p for p in (caption, h["credit"]) if p)
        described = plain
        if h["description"] is not None:
            described = apply(item.alt, h["description"]) + " " + plain
        out["items"].append({"script": plain, "described": described})
    return out


def actual(gallery) -> dict:
    return {"introduction": intro_script(gallery),
            "chapters": [p.title for p in parts(gallery)],
            "items": [{"script": speech_script(i, SpeechSettings(), lang=gallery.lang),
                       "described": speech_script(i, SpeechSettings(describe=True),
                                                  lang=gallery.lang)}
                      for i in gallery.items]}


def main(argv: list[str]) -> int:
    DATA.mkdir(exist_ok=True)
    for source in sources():
        if argv and not any(a in source.name for a in argv):
            continue
        gallery = load(source)
        if gallery is None:
            print(f"{source.name}: the importer refuses it on this branch; not written")
            continue
        held = scripts(gallery)
        assert expected(gallery, held) == actual(gallery), source.name
        out = json.dumps({"source": source.name, **held}, ensure_ascii=False, indent=1)
        # One rewrite a line: [offset, written, said].
        out = re.sub(r"\[\s*(\d+),\s*(\"(?:[^\"\\]|\\.)*\"),\s*(\"(?:[^\"\\]|\\.)*\")\s*\]",
                     r"[\1, \2, \3]", out)
        data_file(source).write_text(out + "\n", encoding="utf-8")
        print(f"{source.name}: {len(gallery.items)} photos → {data_file(source).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
