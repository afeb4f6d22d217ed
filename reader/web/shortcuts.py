"""The keyboard shortcuts the help page lists.

The keys themselves are handled in the browser (`static/reader.js`, ``Reader.shortcuts``);
this list is what `/help` shows, so it works with JavaScript off. A feature that adds a key in
its script also adds it here with ``register_shortcut(app, Shortcut(...))``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Shortcut:
    keys: tuple[str, ...]  # each as shown in a <kbd>, e.g. ("←",) or ("Home",)
    spoken: str  # the keys in words, e.g. "Left arrow"
    action: str
    where: str = "Gallery and photo pages"


CORE_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(("←",), "Left arrow", "Previous photo"),
    Shortcut(("→",), "Right arrow", "Next photo"),
    Shortcut(("Home",), "Home", "First photo"),
    Shortcut(("End",), "End", "Last photo"),
    Shortcut(("?",), "Question mark", "Open this help page", "Every page"),
)


def register_shortcut(app: Flask, shortcut: Shortcut) -> None:
    app.extensions.setdefault("shortcuts", []).append(shortcut)


def shortcuts(app: Flask | None = None) -> list[Shortcut]:
    app = app or current_app
    return [*CORE_SHORTCUTS, *app.extensions.get("shortcuts", [])]
