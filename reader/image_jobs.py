"""Photo sizes (derivatives) as jobs (`reader.jobs`): a derivative asked for and not in the
media store (evicted by the cache quota, lost, or a recipe version not made yet) is made again
from the kept original by a worker, not by the app server, when a queue is configured.

A job of kind ``"images"`` has the key ``<content key>/<recipe version>/<widths>`` (the
photo's whole set of sizes: the same key is the same files) and the payload ``{"width": …}``
(the photo's width, which names the set). Imports still make the sizes themselves: the pages
and the export need them at once.
"""

from __future__ import annotations

import time

from reader.images.derivatives import FORMATS, derivative_widths, read_manifest
from reader.images.pipeline import rebuild
from reader.images.storage import DERIVED_VERSION, ImageStore
from reader.jobs import Handler, Queue

IMAGES = "images"
POLL = 0.1  # seconds between looks at the media store while waiting (a state, polled)
LOOK_AT_JOB_EVERY = 10  # polls: how often the job's state is read (a failed job ends a wait)


def job_key(key: str, width: int) -> str:
    return f"{key}/{DERIVED_VERSION}/{'-'.join(str(w) for w in derivative_widths(width))}"


def whole(store: ImageStore, key: str, width: int) -> bool:
    """Whether every size of the photo and its manifest are stored."""
    return read_manifest(store, key) is not None and all(
        store.has_derived(key, f"{w}.{ext}") for w in derivative_widths(width) for ext in FORMATS)


def images_handler(store: ImageStore) -> Handler:
    """A worker's handler: make the photo's sizes from its original unless all are stored."""

    def run(job: str, data: dict) -> bool:
        key, width = job.split("/", 1)[0], int(data["width"])
        if job_key(key, width) != job:
            raise ValueError(f"the payload does not match the job's key {job}")
        if whole(store, key, width):
            return False
        if not rebuild(store, key):
            raise FileNotFoundError(f"{store.original_name(key)}: the original is not stored")
        return True

    return run


def wait_for(queue: Queue, store: ImageStore, key: str, width: int, name: str,
             seconds: float) -> bool:
    """Queue the photo's sizes and wait until ``name`` (one of them) is stored (True), or
    ``seconds`` have passed or the job failed (False: the caller makes it itself)."""
    job = job_key(key, width)
    queue.submit(IMAGES, job, {"width": width})
    deadline = time.monotonic() + seconds
    polls = 0
    while time.monotonic() < deadline:
        if store.has_derived(key, name):
            return True
        polls += 1
        if polls % LOOK_AT_JOB_EVERY == 0 and queue.state(IMAGES, job) == "failed":
            return False
        time.sleep(POLL)  # the poll interval of a wait for a state, bounded by the deadline
    return store.has_derived(key, name)
