"""The keyboard shortcuts: declared once, here, for `/help` and for the page's scripts.

Each shortcut has an ``id`` (what a script binds to: ``Reader.shortcuts.register({id, run})``
in `static/reader.js`) and the ``events`` (``KeyboardEvent.key`` values) that trigger it. The
ids and keys reach the page as JSON in ``<html data-keys>`` (`templates/base.html`), so no
script declares a key of its own; `/help` lists the same entries, and works with JavaScript
off. A feature adds its keys with ``register_shortcut(app, Shortcut(...))``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask, current_app
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup


@dataclass(frozen=True)
class Shortcut:
    keys: tuple[str, ...]  # each as shown in a <kbd>, e.g. ("←",) or ("Home",)
    spoken: str  # the keys in words, e.g. "Left arrow"
    action: str
    where: str = "Gallery and photo pages"
    id: str = ""  # what a script binds to; "" for a key no script handles
    events: tuple[str, ...] = ()  # KeyboardEvent.key values; default: `keys`

    def event_keys(self) -> tuple[str, ...]:
        return self.events or self.keys


VIEW = "Full-size photo view"

CORE_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(("←",), "Left arrow", "Previous photo", id="prev", events=("ArrowLeft",)),
    Shortcut(("→",), "Right arrow", "Next photo", id="next", events=("ArrowRight",)),
    Shortcut(("Home",), "Home", "First photo", id="first"),
    Shortcut(("End",), "End", "Last photo", id="last"),
    Shortcut(("?",), "Question mark", "Open this help page", "Every page", id="help"),
    Shortcut(("+",), "Plus", "Zoom in", VIEW, id="zoom-in", events=("+", "=")),
    Shortcut(("−",), "Minus", "Zoom out", VIEW, id="zoom-out", events=("-", "_")),
    Shortcut(("0",), "Zero", "Fit the photo to the width", VIEW, id="zoom-fit"),
    Shortcut(("←", "→", "↑", "↓"), "Arrow keys", "Move around a zoomed photo",
             VIEW + ", with the photo focused", id="pan",
             events=("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown")),
)


def register_shortcut(app: Flask, shortcut: Shortcut) -> None:
    app.extensions.setdefault("shortcuts", []).append(shortcut)


def shortcuts(app: Flask | None = None) -> list[Shortcut]:
    app = app or current_app
    return [*CORE_SHORTCUTS, *app.extensions.get("shortcuts", [])]


def shortcut_keys() -> Markup:
    """id → its keys, space-separated: the page's ``data-keys``, as compact JSON that is safe
    in a single-quoted attribute (every page carries it, inside the page-weight budget)."""
    keys = {s.id: " ".join(s.event_keys()) for s in shortcuts() if s.id}
    return htmlsafe_json_dumps(keys, dumps=json.dumps, separators=(",", ":"))
