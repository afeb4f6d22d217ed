"""Audio clips as jobs (`reader.jobs`): what a job of kind ``"audio"`` carries, the handler a
worker runs it with, and how a caller waits for one.

The speech layer is used through its highest-level calls only: `Speech.build` (make every
format of an utterance and store it, unless stored already), `Speech.cached` (is a format
stored?) and `Speech.utterance` (what a photo says, with its cache keys). A job's payload is
the `Utterance` itself (its fields as JSON), its key the utterance's cache key, so a job is
idempotent and two servers asking for one clip make one job.
"""

from __future__ import annotations

import dataclasses
import time

from reader.errors import RenderError
from reader.jobs import Handler, Queue
from reader.model import Gallery
from reader.speech.script import SpeechSettings
from reader.speech.service import Speech, Utterance

AUDIO = "audio"
POLL = 0.1  # seconds between looks at the media store while waiting (a state, polled)
LOOK_AT_JOB_EVERY = 10  # polls: how often the job's state is read (a failed job ends a wait)


def key(u: Utterance) -> str:
    """The job's key: the utterance's cache key (of no format: all its files at once)."""
    return u.key("")


def payload(u: Utterance) -> dict:
    return dataclasses.asdict(u)


def audio_handler(speech: Speech) -> Handler:
    """A worker's handler: render and store the clip unless it is stored already."""

    def run(job_key: str, data: dict) -> bool:
        u = Utterance(**data)
        if key(u) != job_key:
            raise ValueError(f"the payload does not match the job's key {job_key}")
        return speech.build(u)

    return run


def submit(queue: Queue, u: Utterance) -> None:
    queue.submit(AUDIO, key(u), payload(u))


def submit_gallery(queue: Queue, speech: Speech, gallery: Gallery,
                   settings: SpeechSettings) -> int:
    """Queue every photo's clip of ``gallery`` not stored yet; how many were queued."""
    queued = 0
    for item in gallery.items:
        u = speech.utterance(gallery, item, settings)
        if not all(speech.cached(u, fmt) for fmt in ("wav", "mp3", "vtt")):
            submit(queue, u)
            queued += 1
    return queued


def wait_for(queue: Queue, speech: Speech, u: Utterance, fmt: str, seconds: float) -> bool:
    """Queue ``u`` and wait until its ``fmt`` is stored (True) or ``seconds`` have passed
    (False). Raises `RenderError` when its job failed for good."""
    if speech.cached(u, fmt):
        return True
    submit(queue, u)
    deadline = time.monotonic() + seconds
    polls = 0
    while time.monotonic() < deadline:
        if speech.cached(u, fmt):
            return True
        polls += 1
        if polls % LOOK_AT_JOB_EVERY == 0:
            state = queue.state(AUDIO, key(u))
            if state == "failed":
                raise RenderError("the worker could not render this audio")
            if state is None and not speech.cached(u, fmt):
                submit(queue, u)  # done and evicted in between, or cancelled: again
        time.sleep(POLL)
    return bool(speech.cached(u, fmt))
