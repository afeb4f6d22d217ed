"""The static site export: one gallery as plain files that work on any static host and from
disk (``file://``).

The pages are the app's own pages, rendered by the app itself (its templates, context
processors and media providers) through Flask's test client: the running app for the gallery
page's ``site.zip`` download, an app made for the purpose by `reader export site`. The export's
requests, and only they, carry two things in their WSGI environ: a URL rewriter
(`reader.web.urls`) that turns every URL the templates build into a path relative to the page
being rendered, ending in ``.html`` for pages, so links work without a server; and the mark
`EXPORT_KEY`, under which templates see ``config.STATIC_EXPORT`` true (see `init_app`), so other
readers of the same app are never affected. Every file a page refers to (photo derivatives, the
full-size views' images, the spoken audio and its cues) is fetched through the app's own
routes, so audio is rendered by the speech service exactly as a reader of the live app gets it.
All of ``static/`` is copied, so whatever scripts and styles features register come along.

Layout (the app's own paths, made into files)::

    index.html                      the library page, listing this gallery
    help.html
    g/<slug>/index.html             the gallery page
    g/<slug>/<n>.html               photo n
    g/<slug>/<n>/view.html          photo n full size (and view-contrast.html)
    media/<key>/<file>              photo derivatives
    audio/<slug>/<n>.mp3|wav|vtt    spoken caption and credit, cues
    static/…                        CSS and JS
    reader-export.json              what this folder holds (a later export may replace it)

Settings cannot be saved without a server, so the Settings link and form are left out; the
colours follow the reader's system (light or dark) as the app's default does.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request

from reader.errors import ExportError
from reader.resources import static_dir
from reader.web.urls import REWRITER_KEY

EXPORT_KEY = "reader.static_export"  # set in the environ of the export's own requests
MARKER = "reader-export.json"
FORMAT = "gallery-reader static site 1"


@dataclass
class SiteExport:
    """What an export wrote: page paths and other files, relative to its folder."""

    folder: Path
    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Exporter:
    def __init__(self, app, slug: str):
        self.app = app
        self.slug = slug
        self.current = "index.html"  # the page being rendered
        self.resources: dict[str, str] = {}  # export path -> app URL to fetch it from

    # -- the URL rewriter (reader.web.urls) -----------------------------------------------
    def target(self, endpoint: str, values: dict[str, Any], url: str) -> str | None:
        """The export path for a URL the templates build (None: not part of the export)."""
        v = values
        if endpoint == "static":
            return f"static/{v['filename']}"
        if endpoint == "pages.index":
            return "index.html"
        if endpoint == "pages.help_page":
            return "help.html"
        if v.get("slug") not in (None, self.slug):
            return None
        if endpoint == "pages.gallery":
            return f"g/{self.slug}/index.html"
        if endpoint == "pages.photo":
            return f"g/{self.slug}/{int(v['n'])}.html"
        if endpoint == "photos.view":
            name = "view-contrast.html" if v.get("contrast") else "view.html"
            return f"g/{self.slug}/{int(v['n'])}/{name}"
        if endpoint == "photos.media":
            path = f"media/{v['key']}/{v['name']}"
            self.resources[path] = url
            return path
        if endpoint == "audio.file":
            path = f"audio/{self.slug}/{int(v['n'])}.{v['fmt']}"
            self.resources[path] = url
            return path
        if endpoint.startswith("pages.") or endpoint == "exports.site":
            return None  # a page this export does not make (settings), or itself
        # Any other file a feature's template links (e.g. another audio route): the same
        # path in the export, fetched from the app; its query (a cache version) dropped.
        path = urlsplit(url).path.lstrip("/")
        if not path or path.endswith("/") or ".." in path.split("/"):
            return None
        self.resources[path] = url
        return path

    def rewrite(self, endpoint: str, values: dict[str, Any], url: str) -> str:
        path = self.target(endpoint, values, url)
        if path is None:
            # Not exported (e.g. the settings form): left as built; templates hide such
            # links under STATIC_EXPORT, and the tests check no page keeps one.
            return url
        return posixpath.relpath(path, posixpath.dirname(self.current) or ".")

    # -- pages and files ------------------------------------------------------------------
    def pages(self, gallery) -> list[tuple[str, str]]:
        """(app URL, export path) of every page, the library page aside."""
        pages = [(f"/g/{self.slug}/", f"g/{self.slug}/index.html"), ("/help", "help.html")]
        for item in gallery.items:
            n = item.position
            pages.append((f"/g/{self.slug}/{n}", f"g/{self.slug}/{n}.html"))
            if item.image:
                pages.append((f"/g/{self.slug}/{n}/view", f"g/{self.slug}/{n}/view.html"))
                pages.append((f"/g/{self.slug}/{n}/view?contrast=1",
                              f"g/{self.slug}/{n}/view-contrast.html"))
        return pages

    def library_page(self) -> bytes:
        """The library page, listing only this gallery (the live one lists the whole library)."""
        from reader.paging import Pager
        from reader.store import LibraryPage
        from reader.web.context import library
        from reader.web.pages import render_page

        self.current = "index.html"
        with self.app.test_request_context("/", environ_base=self.environ()):
            self.app.preprocess_request()
            listed = [s for s in library().list() if s.slug == self.slug]
            listing = LibraryPage(listed, Pager(1, max(1, len(listed)), len(listed)))
            return render_page("library.html", listing=listing, galleries=listed,
                               sections=[], years=[]).encode("utf-8")

    def environ(self) -> dict[str, Any]:
        """What marks a request as this export's (see the module's doc)."""
        return {EXPORT_KEY: True, REWRITER_KEY: self.rewrite}

    def fetch(self, client, url: str) -> bytes:
        with client.get(url) as response:
            if response.status_code != 200:
                body = response.get_data(as_text=True).strip().splitlines()
                raise ExportError(f"{url}: the app answered {response.status_code}"
                                  + (f" ({body[-1][:200]})" if body else ""))
            return response.get_data()


def static_export() -> bool:
    """Whether the request being answered is one of an export's own (a page of a static copy:
    no server behind it, so no search, settings or fetched data)."""
    return has_request_context() and bool(request.environ.get(EXPORT_KEY))


def init_app(app: Flask) -> None:
    """Templates rendered for an export see ``config.STATIC_EXPORT`` true (a context variable
    ``config`` shadows the app's for those requests only)."""

    @app.context_processor
    def static_export_config():
        if static_export():
            return {"config": {**current_app.config, "STATIC_EXPORT": True}}
        return {}


def export_app(instance: str | Path, config: dict[str, Any] | None = None) -> Flask:
    """An app on ``instance`` for `reader export site`: no sample loading, no engine warm-up.
    ``config``: app settings to use (e.g. ``SPEECH_RATE``)."""
    from reader.web import create_app

    settings = {**(config or {}), "TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                "SPEECH_WARM": False}
    return create_app(settings, instance=instance)


def export_site(app: Flask, slug: str, out_dir: str | Path,
                progress: Callable[[int, int], None] | None = None) -> SiteExport:
    """Write the gallery ``slug`` of ``app``'s library to ``out_dir`` as a static site, with
    the app's own pages (any app: the running one, or `export_app`'s). ``out_dir`` must be
    missing, empty, or an earlier export (which is replaced whole: the new one is built beside
    it and swapped in, so a failed export leaves it as it was).

    Raises `reader.errors.NotFound` for an unknown slug, `ExportError` when a page or file
    cannot be made or ``out_dir`` holds something else. ``progress(done, total)`` is called
    after each page and file (``total`` grows once the pages have named their files).
    """
    with app.app_context():  # its own `g`, even when called from one of the app's requests
        return _export(app, slug, Path(out_dir), progress or (lambda done, total: None))


def _export(app: Flask, slug: str, out: Path, progress: Callable[[int, int], None]
            ) -> SiteExport:
    if out.exists() and (not out.is_dir() or
                         (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise ExportError(f"{out}: not empty and not an earlier export; choose a new or "
                          "empty folder")
    gallery = app.extensions["library"].get(slug)  # NotFound names the slug
    title = gallery.title
    exporter = _Exporter(app, slug)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is for publishing
    try:
        result = SiteExport(out)
        _write(staging / "index.html", exporter.library_page())
        result.pages.append("index.html")
        client = app.test_client()
        client.environ_base.update(exporter.environ())
        pages = exporter.pages(gallery)
        del gallery  # only its page list is needed now
        for url, path in pages:
            exporter.current = path
            _write(staging / path, exporter.fetch(client, url))
            result.pages.append(path)
            progress(len(result.pages), len(pages) + 1 + len(exporter.resources))
        # URLs built inside a file (the player's parts.js) are used by the gallery's pages,
        # so they are made relative to the gallery's folder; a file may name more files
        # (the parts' audio), fetched in turn until none is new.
        exporter.current = f"g/{slug}/index.html"
        fetched: set[str] = set()
        while todo := sorted(set(exporter.resources) - fetched):
            for path in todo:
                _write(staging / path, exporter.fetch(client, exporter.resources[path]))
                fetched.add(path)
                result.files.append(path)
                progress(len(result.pages) + len(result.files),
                         len(result.pages) + len(exporter.resources))
        shutil.copytree(static_dir(), staging / "static")
        result.files += sorted(str(p.relative_to(staging)) for p in
                               (staging / "static").rglob("*") if p.is_file())
        (staging / MARKER).write_text(json.dumps(
            {"format": FORMAT, "gallery": slug, "title": title,
             "pages": result.pages, "files": result.files}, ensure_ascii=False, indent=1),
            encoding="utf-8")
        _swap_in(staging, out)
        staging = None
        return result
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _swap_in(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{staging.name.rsplit('.', 1)[-1]}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["ExportError", "SiteExport", "export_site", "export_app"]
