"""The gallery page's downloads: `/g/<slug>/book.epub` and `/g/<slug>/site.zip`.

Each is built on first request into ``<instance>/exports/`` under a name holding a hash of
everything it is made from (the gallery, its photos' keys, the lexicon, the speech settings,
the engine version and the export format), so an edit makes a new file and a repeat request
sends the one already built. Files are written whole, then renamed into place; one build per
name at a time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from flask import Blueprint, Flask, current_app, send_file

from reader.web.context import gallery_or_404, library

bp = Blueprint("exports", __name__)

EXPORT_VERSION = "1"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def init_app(app: Flask) -> None:
    from reader.web import export_site

    app.register_blueprint(bp)
    export_site.init_app(app)


def _fingerprint(gallery, kind: str) -> str:
    from reader.web.audio import settings, speech

    service = speech()
    engine = service.info()["version"] if service.available() else "no-engine"
    data = {"kind": kind, "v": EXPORT_VERSION, "reader": _reader_version(),
            "gallery": dataclasses.asdict(gallery),
            "lexicon": library().lexicon_entries(), "speech": dataclasses.asdict(settings()),
            "engine": engine}
    blob = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def _reader_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gallery-reader")  # templates and scripts change with it
    except PackageNotFoundError:
        return "unknown"


def _lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(path), threading.Lock())


def _built(slug: str, kind: str, suffix: str, build) -> Path:
    gallery = gallery_or_404(slug)
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}-{_fingerprint(gallery, kind)}{suffix}"
    with _lock(path):
        if not path.exists():
            build(path)
    return path


@bp.get("/g/<slug>/book.epub")
def epub(slug: str):
    from reader.export.epub import export_epub
    from reader.web.audio import settings, speech


    def build(path: Path) -> None:
        export_epub(library(), current_app.instance_path, slug, path, speech(), settings())

    path = _built(slug, "epub", ".epub", build)
    return send_file(path, mimetype="application/epub+zip", as_attachment=True,
                     download_name=f"{slug}.epub", max_age=0)


@bp.get("/g/<slug>/site.zip")
def site(slug: str):
    from reader.web.export_site import export_site

    app = current_app._get_current_object()  # the running app renders the site's pages

    def build(path: Path) -> None:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".site-") as tmp:
            folder = Path(tmp) / slug
            export_site(app, slug, folder)
            partial = Path(tmp) / "site.zip"
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
                for f in sorted(folder.rglob("*")):
                    if f.is_file():
                        z.write(f, f"{slug}/{f.relative_to(folder)}")
            partial.chmod(0o644)
            shutil.move(partial, path)

    path = _built(slug, "site", "-site.zip", build)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=f"{slug}-site.zip", max_age=0)
