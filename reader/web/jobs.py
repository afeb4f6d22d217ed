"""The job queue seen from the web (`reader.jobs`, setting ``jobs.queue``).

With no queue (the default) nothing here does anything: audio is rendered in the request's
process as always. With a queue, an editor's change queues the changed gallery's clips (the
configured default voice and rate) for the workers, and a request for a clip not rendered yet
either queues it and waits for a worker (``jobs.web_render = "queue"``, at most ``jobs.wait``
seconds, then 503 with Retry-After) or renders it here (``"local"``).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from reader.audio_jobs import submit_gallery, wait_for
from reader.errors import NotFound
from reader.jobs import Queue, open_queue

log = logging.getLogger(__name__)
RETRY_AFTER = 5  # seconds a client is told to wait before asking again


def init_app(app: Flask) -> None:
    config = app.extensions["config"]
    queue = open_queue(config["jobs.queue"], config["database_url"])
    app.extensions["jobs"] = queue
    app.config.setdefault("JOBS_WEB_RENDER", config["jobs.web_render"])
    app.config.setdefault("JOBS_WAIT", config["jobs.wait"])
    if queue.queued:
        app.extensions.setdefault("gallery_changed", []).append(_queue_changed)


def queue() -> Queue | None:
    """The queue the web waits on for audio, or None when this process renders it."""
    q = current_app.extensions.get("jobs")
    if q is None or not q.queued or current_app.config["JOBS_WEB_RENDER"] != "queue":
        return None
    return q


def _queue_changed(slug: str) -> None:
    from reader.web.audio import default_settings, speech

    try:
        gallery = current_app.extensions["library"].get(slug)
    except NotFound:  # deleted
        return
    if speech().available():
        n = submit_gallery(current_app.extensions["jobs"], speech(), gallery,
                           default_settings())
        log.info("queued %d clip(s) of %s for the workers", n, slug)


def wait_for_worker(u, fmt: str) -> bool:
    """Queue ``u`` for the workers and wait (bounded) until its ``fmt`` is stored."""
    from reader.web.audio import speech

    return wait_for(current_app.extensions["jobs"], speech(), u, fmt,
                    float(current_app.config["JOBS_WAIT"]))
