"""The gallery page's downloads: `/g/<slug>/book.epub` and `/g/<slug>/site.zip`.

Each is built into ``<instance>/exports/`` under a name holding a hash of everything it is
made from (the gallery, its photos' keys, the lexicon, the speech settings, the engine version
and the export format), so an edit makes a new file and a repeat request sends the one
already built. The build runs in the background (`reader.builds`, the app's ``builds``
extension), one per name however many readers ask: until the file is there a request gets 202
with ``Retry-After`` and a page (`templates/building.html`) saying how far the build is, with
a link to try again (no script, no automatic reload). Files are written whole, then renamed
into place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    make_response,
    render_template,
    request,
    send_file,
)

from reader.builds import FAILED, Builder, ThreadBuilder
from reader.web.context import gallery_or_404, library
from reader.web.errors import error_response

bp = Blueprint("exports", __name__)

EXPORT_VERSION = "1"


def init_app(app: Flask) -> None:
    from reader.web import export_site

    app.register_blueprint(bp)
    # One background build at a time per process (exports are CPU-bound; a later job queue
    # replaces this, `reader.builds.Builder`).
    app.extensions.setdefault("builds", ThreadBuilder(workers=1))
    export_site.init_app(app)


def _fingerprint(gallery, kind: str) -> str:
    from reader.web.audio import settings, speech

    service = speech()
    engine = service.info()["version"] if service.available() else "no-engine"
    data = {"kind": kind, "v": EXPORT_VERSION, "reader": _reader_version(),
            "gallery": dataclasses.asdict(gallery),
            "lexicon": library().lexicon(), "speech": dataclasses.asdict(settings()),
            "engine": engine}
    blob = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def _reader_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gallery-reader")  # templates and scripts change with it
    except PackageNotFoundError:
        return "unknown"


def builder() -> Builder:
    return current_app.extensions["builds"]


RETRY_AFTER = 2  # seconds, in the 202's Retry-After


def _download(slug: str, kind: str, suffix: str, make, *, mimetype: str, name: str,
              what: str):
    """Send the built file when it is there; else start its build (one per content key,
    shared by every request waiting for it; `reader.builds`) and answer 202 with a page
    saying how far it is and a link to try again."""
    gallery = gallery_or_404(slug)
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}-{_fingerprint(gallery, kind)}{suffix}"
    if not path.exists():
        build = builder().start(str(path), lambda b: make(path, b.progress))
        if build.state == FAILED:
            current_app.logger.error("%s of %s failed: %s", what, slug, build.error)
            return error_response(500, f"The {what} could not be made",
                                  f"Making the {what} of this gallery failed: {build.error}")
        if not path.exists():  # still under way (or finished just now: then send it)
            page = render_template("building.html", gallery=gallery, build=build, what=what,
                                   again=request.path)
            response = make_response(page, 202)
            response.headers["Retry-After"] = str(RETRY_AFTER)
            response.cache_control.no_store = True
            return response
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                     max_age=0)


@bp.get("/g/<slug>/book.epub")
def epub(slug: str):
    from reader.export.epub import export_epub
    from reader.web.audio import settings, speech

    # Everything the build needs is taken from this request now: it runs in another thread.
    lib, instance, service, chosen = library(), current_app.instance_path, speech(), settings()

    def make(path: Path, progress) -> None:
        export_epub(lib, instance, slug, path, service, chosen, progress=progress)

    return _download(slug, "epub", ".epub", make, mimetype="application/epub+zip",
                     name=f"{slug}.epub", what="talking book (EPUB)")


@bp.get("/g/<slug>/site.zip")
def site(slug: str):
    from reader.web.export_site import export_site

    app = current_app._get_current_object()  # the running app renders the site's pages

    def make(path: Path, progress) -> None:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".site-") as tmp:
            folder = Path(tmp) / slug
            export_site(app, slug, folder, progress=progress)
            partial = Path(tmp) / "site.zip"
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
                for f in sorted(folder.rglob("*")):
                    if f.is_file():
                        z.write(f, f"{slug}/{f.relative_to(folder)}")
            partial.chmod(0o644)
            shutil.move(partial, path)

    return _download(slug, "site", "-site.zip", make, mimetype="application/zip",
                     name=f"{slug}-site.zip", what="website (zip)")
