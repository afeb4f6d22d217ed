"""The gallery page's downloads: `/g/<slug>/book.epub` and `/g/<slug>/site.zip`.

Each is built on first request into the media store's ``exports/`` under a name holding a
hash of exactly what changes its bytes: the gallery, its photos' keys, the lexicon, the engine
version, the export format, and the speech settings *it is spoken with* — the reader's own for
the EPUB, the configured defaults for site.zip (its pages are rendered without the reader's
cookie), so site.zip is one file whatever a reader's settings. An edit makes a new file and a
repeat request sends the one already built. A build is made in a temporary folder and stored
whole; one build per name at a time; a new build is admitted at the client's render rate
(reader/web/admission.py), and the quota may evict an old one (it is built again if asked).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import threading
import zipfile
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app

from reader.media.base import file_chunks
from reader.web.admission import refused
from reader.web.context import gallery_or_404, library
from reader.web.media_files import media, send_media

bp = Blueprint("exports", __name__)

EXPORT_VERSION = "1"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def init_app(app: Flask) -> None:
    from reader.web import export_site

    app.register_blueprint(bp)
    export_site.init_app(app)


def _fingerprint(gallery, kind: str) -> str:
    from reader.web.audio import default_settings, settings, speech

    service = speech()
    engine = service.info()["version"] if service.available() else "no-engine"
    spoken = settings() if kind == "epub" else default_settings()
    data = {"kind": kind, "v": EXPORT_VERSION, "reader": _reader_version(),
            "gallery": dataclasses.asdict(gallery),
            "lexicon": library().lexicon_entries(), "speech": dataclasses.asdict(spoken),
            "engine": engine}
    blob = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def _reader_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gallery-reader")  # templates and scripts change with it
    except PackageNotFoundError:
        return "unknown"


def _lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def _built(slug: str, kind: str, suffix: str, build):
    """The media name of the export (built now if it is not stored), or a 429 response."""
    gallery = gallery_or_404(slug)
    fingerprint = _fingerprint(gallery, kind)
    name = f"exports/{slug}-{fingerprint}{suffix}"
    store = media()
    with _lock(name):
        if not store.exists(name):
            too_many = refused()
            if too_many:
                return too_many
            store.check_room(name=name)  # 507 before the work, not after it
            with tempfile.TemporaryDirectory(prefix="reader-export-") as tmp:
                path = Path(tmp) / f"export{suffix}"
                build(path)
                store.put(name, file_chunks(path))
    return name, fingerprint


@bp.get("/g/<slug>/book.epub")
def epub(slug: str):
    from reader.export.epub import export_epub
    from reader.web.audio import settings, speech


    def build(path: Path) -> None:
        export_epub(library(), media(), slug, path, speech(), settings())

    built = _built(slug, "epub", ".epub", build)
    if isinstance(built, Response):
        return built
    name, fingerprint = built
    return send_media(name, "application/epub+zip", etag=fingerprint,
                      download_name=f"{slug}.epub", no_cache=True)


@bp.get("/g/<slug>/site.zip")
def site(slug: str):
    from reader.web.export_site import export_site

    app = current_app._get_current_object()  # the running app renders the site's pages

    def build(path: Path) -> None:
        folder = path.parent / slug
        export_site(app, slug, folder)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.rglob("*")):
                if f.is_file():
                    z.write(f, f"{slug}/{f.relative_to(folder)}")

    built = _built(slug, "site", "-site.zip", build)
    if isinstance(built, Response):
        return built
    name, fingerprint = built
    return send_media(name, "application/zip", etag=fingerprint,
                      download_name=f"{slug}-site.zip", no_cache=True)
