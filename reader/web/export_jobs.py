"""Exports (a gallery's `site.zip` and `book.epub`) as jobs of the queue (`reader.jobs`).

With a queue configured (``jobs.queue``) and ``jobs.web_render = "queue"``, a download not
stored yet is a job of kind ``"export"`` instead of a build in the app server's own thread:
its key is the export's media name (``exports/<slug>-<fingerprint>.epub``: a hash of exactly
what changes its bytes, so the same key is the same file), its payload what a worker needs to
make it again (slug, kind, the speech settings it is spoken with). The request answers 202
and the building page (coarse progress: waiting in the queue, or being made) until a worker
has stored the file; a request while the job waits or runs submits nothing.

A worker (`reader worker`) runs `export_handler`: an app of its own (`export_site.export_app`,
rendering audio and photo sizes itself, never waiting for other workers) recomputes the name
from the library as it is now and makes the file only when it is the one asked for (an
export of another content under this name would be wrong; a gallery edited since gets a new
name when next asked for), in a temporary folder, stored whole.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

from flask import Flask

from reader.builds import FAILED, QUEUED, RUNNING, Build
from reader.errors import ExportError
from reader.jobs import Handler, Queue
from reader.speech.script import SpeechSettings

EXPORT = "export"
STATES = {"todo": QUEUED, "doing": RUNNING, "failed": FAILED}


def queue() -> Queue | None:
    """The queue exports go to, or None when this process builds them (no queue, or
    ``jobs.web_render = "local"``: the same choice as for audio)."""
    from reader.web.jobs import queue as web_queue

    return web_queue()


def state(q: Queue, name: str) -> Build | None:
    """The export ``name``'s job as a `Build` the building page shows; None when no job of
    it waits, runs or failed (never asked for, or done: then its file is the record)."""
    found = STATES.get(q.state(EXPORT, name) or "")
    if found is None:
        return None
    build = Build(name, state=found)
    if found == FAILED:
        build.error = "its job failed on a worker (the worker's log says why)"
    return build


def submit(q: Queue, name: str, slug: str, kind: str, spoken: SpeechSettings) -> Build:
    q.submit(EXPORT, name, {"slug": slug, "kind": kind,
                            "speech": dataclasses.asdict(spoken)})
    return Build(name, state=QUEUED)


def export_handler(app: Callable[[], Flask]) -> Handler:
    """A worker's handler for export jobs; ``app()`` gives the app that renders them (made
    on the first export job, then kept)."""

    def run(name: str, data: dict) -> bool:
        from reader.web.context import library
        from reader.web.downloads import build_into, export_name, make_epub, make_site
        from reader.web.media_files import media

        flask_app = app()
        kind, slug = data["kind"], data["slug"]
        with flask_app.test_request_context():
            store = media()
            if store.exists(name):
                return False
            gallery = library().get(slug)
            if kind == "epub":
                spoken = SpeechSettings(**data["speech"])
                make = make_epub(slug, spoken)
            elif kind == "site":
                from reader.web.downloads import spoken_with

                spoken = spoken_with("site")  # the configured defaults: this worker's
                make = make_site(flask_app, slug)
            else:
                raise ValueError(f"unknown export kind {kind!r}")
            now = export_name(gallery, kind, spoken)
            if now != name:
                raise ExportError(f"{name}: the library now makes {now} (the gallery changed "
                                  "since it was asked for, or this worker's configuration, "
                                  "engine or reader version differs from the app server's)")
            build_into(store, name, make, lambda done, total: None)
        return True

    return run


def worker_app(instance) -> Callable[[], Flask]:
    """The app a worker renders exports with, made once on first use: audio and photo sizes
    rendered in the worker itself (``JOBS_WEB_RENDER = "local"``: a worker waiting for another
    worker's job could wait for itself)."""
    made: list[Flask] = []
    lock = threading.Lock()

    def get() -> Flask:
        from reader.web.export_site import export_app

        with lock:
            if not made:
                made.append(export_app(instance, {"JOBS_WEB_RENDER": "local"}))
            return made[0]

    return get
