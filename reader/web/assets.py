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


# -- serving: CSS and JS minified -----------------------------------------------------------
# The sources in static/ keep their comments (they document the keyboard and theme
# contracts); readers get them minified (rcssmin, rjsmin), which keeps a photo page with its
# CSS and JS inside the 30 KB page-weight budget. Other static files are served as they are.

_MINIFIERS = {".css": ("rcssmin", "cssmin", "text/css"),
              ".js": ("rjsmin", "jsmin", "text/javascript")}


def _minified(path: str, mtime_ns: int, suffix: str) -> tuple[bytes, str]:
    import hashlib
    import importlib

    module, func, _ = _MINIFIERS[suffix]
    with open(path, encoding="utf-8") as f:
        text = getattr(importlib.import_module(module), func)(f.read())
    body = text.encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


def init_app(app: Flask) -> None:
    """Serve /static/*.css and *.js minified, with an ETag, cached in memory per file version."""
    import functools
    import os

    from flask import request, send_from_directory
    from werkzeug.security import safe_join

    minify = functools.lru_cache(maxsize=64)(_minified)
    static_folder = app.static_folder

    def static(filename: str):
        suffix = os.path.splitext(filename)[1].lower()
        path = safe_join(static_folder, filename) if suffix in _MINIFIERS else None
        if path is None or not os.path.isfile(path):
            return send_from_directory(static_folder, filename,
                                       max_age=app.get_send_file_max_age(filename))
        body, etag = minify(path, os.stat(path).st_mtime_ns, suffix)
        response = app.response_class(body, mimetype=_MINIFIERS[suffix][2])
        response.set_etag(etag)
        response.cache_control.no_cache = True  # revalidate: an edit shows at once
        return response.make_conditional(request)

    app.view_functions["static"] = static
