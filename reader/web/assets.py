"""Extra CSS and JS that features add to every page (after the reader's own).

A feature keeps its own files in static/ (e.g. ``static/speech.js``) and registers them at app
creation; `templates/base.html` links them on every page, scripts with ``defer`` after
``reader.js`` so ``window.Reader`` (the shortcut registry and photo helpers) already exists.
"""

from __future__ import annotations

from flask import Flask, current_app


def register_script(app: Flask, filename: str) -> None:
    app.extensions.setdefault("page_scripts", []).append(filename)


def register_stylesheet(app: Flask, filename: str) -> None:
    app.extensions.setdefault("page_stylesheets", []).append(filename)


def page_scripts() -> list[str]:
    return list(current_app.extensions.get("page_scripts", []))


def page_stylesheets() -> list[str]:
    return list(current_app.extensions.get("page_stylesheets", []))
