"""The gallery page's downloads: `/g/<slug>/book.epub` and `/g/<slug>/site.zip`.

Each is built into the media store's ``exports/`` under a name holding a hash of exactly what
changes its bytes: the gallery, its photos' keys, the lexicon, the engine version, the export
format, and the speech settings *it is spoken with* — the reader's own for the EPUB, the
configured defaults for site.zip (its pages are rendered without the reader's cookie), so
site.zip is one file whatever a reader's settings. An edit makes a new file and a repeat
request sends the one already built.

The build runs in the background (`reader.builds`, the app's ``builds`` extension), one per
name however many readers ask: until the file is stored a request gets 202 with
``Retry-After`` and a page (`templates/building.html`) saying how far the build is, with a
link to try again (no script, no automatic reload). A new build is admitted at the client's
render rate (reader/web/admission.py) and only with room to store it (507 otherwise); it is
made in a temporary folder and stored whole, and the quota may evict an old one (it is built
again if asked).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, Flask, current_app, make_response, render_template, request

from reader.builds import FAILED, Builder, ThreadBuilder
from reader.media.base import file_chunks
from reader.web.admission import refused
from reader.web.context import gallery_or_404, library
from reader.web.errors import error_response
from reader.web.media_files import media, send_media

bp = Blueprint("exports", __name__)

EXPORT_VERSION = "1"
RETRY_AFTER = 2  # seconds, in the 202's Retry-After
SUFFIX = {"epub": ".epub", "site": "-site.zip"}


def init_app(app: Flask) -> None:
    from reader.web import export_site

    app.register_blueprint(bp)
    # One background build at a time per process (exports are CPU-bound; a job queue can
    # replace this: `reader.builds.Builder`).
    app.extensions.setdefault("builds", ThreadBuilder(workers=1))
    export_site.init_app(app)


def spoken_with(kind: str):
    """The speech settings an export of ``kind`` is spoken with (see the module's text)."""
    from reader.web.audio import default_settings, settings

    return settings() if kind == "epub" else default_settings()


def export_name(gallery, kind: str, spoken) -> str:
    """The media store's name of the export of ``gallery`` (``kind`` "epub" or "site")."""
    return f"exports/{gallery.slug}-{_fingerprint(gallery, kind, spoken)}{SUFFIX[kind]}"


def _fingerprint(gallery, kind: str, spoken) -> str:
    from reader.web.audio import speech

    service = speech()
    engine = service.info()["version"] if service.available() else "no-engine"
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


def builder() -> Builder:
    return current_app.extensions["builds"]


def build_into(store, name: str, make, progress) -> None:
    """Run ``make(path, progress)`` in a temporary folder and store its file whole as ``name``."""
    with tempfile.TemporaryDirectory(prefix="reader-export-") as tmp:
        path = Path(tmp) / f"export{Path(name).suffix}"
        make(path, progress)
        store.put(name, file_chunks(path))


def _download(slug: str, kind: str, make, *, mimetype: str, download_name: str, what: str):
    """Send the stored file when it is there; else start its build (one per name, shared by
    every request waiting for it: in this process, or a job for the workers when a queue is
    configured, `reader.web.export_jobs`) and answer 202 with a page saying how far it is."""
    from reader.web import export_jobs

    gallery = gallery_or_404(slug)
    spoken = spoken_with(kind)
    name = export_name(gallery, kind, spoken)
    fingerprint = name.removeprefix(f"exports/{slug}-").removesuffix(SUFFIX[kind])
    store = media()
    if not store.exists(name):
        queue = export_jobs.queue()
        build = export_jobs.state(queue, name) if queue else builder().get(name)
        if build is None or (build.state == FAILED and not queue):  # a new build: admitted
            too_many = refused()
            if too_many:
                return too_many
            store.check_room(name=name)  # 507 before the work, not after it
        if queue:
            if build is None:
                build = export_jobs.submit(queue, name, slug, kind, spoken)
        else:
            build = builder().start(name, lambda b: build_into(store, name, make, b.progress))
        if build.state == FAILED:
            current_app.logger.error("%s of %s failed: %s", what, slug, build.error)
            return error_response(500, f"The {what} could not be made",
                                  f"Making the {what} of this gallery failed: {build.error}")
        if not store.exists(name):  # still under way (or finished just now: then send it)
            page = render_template("building.html", gallery=gallery, build=build, what=what,
                                   again=request.path)
            response = make_response(page, 202)
            response.headers["Retry-After"] = str(RETRY_AFTER)
            response.cache_control.no_store = True
            return response
    return send_media(name, mimetype, etag=fingerprint, download_name=download_name,
                      no_cache=True)


def make_epub(slug: str, chosen):
    """The work of the EPUB of ``slug`` spoken with ``chosen``: everything it needs is taken
    now (it runs in another thread)."""
    from reader.export.epub import export_epub
    from reader.web.audio import speech

    lib, store, service = library(), media(), speech()

    def make(path: Path, progress) -> None:
        export_epub(lib, store, slug, path, service, chosen, progress=progress)

    return make


def make_site(app: Flask, slug: str):
    """The work of the site.zip of ``slug``: ``app`` renders the site's pages."""
    from reader.web.export_site import export_site

    def make(path: Path, progress) -> None:
        folder = path.parent / slug
        export_site(app, slug, folder, progress=progress)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.rglob("*")):
                if f.is_file():
                    z.write(f, f"{slug}/{f.relative_to(folder)}")

    return make


@bp.get("/g/<slug>/book.epub")
def epub(slug: str):
    from reader.web.audio import settings

    return _download(slug, "epub", make_epub(slug, settings()),
                     mimetype="application/epub+zip", download_name=f"{slug}.epub",
                     what="talking book (EPUB)")


@bp.get("/g/<slug>/site.zip")
def site(slug: str):
    app = current_app._get_current_object()  # the running app renders the site's pages
    return _download(slug, "site", make_site(app, slug), mimetype="application/zip",
                     download_name=f"{slug}-site.zip", what="website (zip)")
