"""Work that may run on other machines: a small queue interface and its two implementations.

A piece of work is a *kind* (e.g. ``"audio"``), a *key* naming its result by content (the
clip's cache key: the same key is the same result, so a job is idempotent) and a JSON
*payload*. Whoever runs the work registers a handler per kind (``queue.handle(kind, fn)``);
``fn(key, payload)`` makes the result (and must store it whole or not at all) and returns
True when it made something, False when the result was there already.

- `Inline` (``jobs.queue = ""``, the default): no queue. ``queued`` is False, so callers render
  in this process as they always did (one machine, SQLite: nothing changes); ``submit`` runs
  the handler at once, so code written for a queue works here too.
- `reader.jobs.postgres.PostgresQueue` (``jobs.queue = "postgres"``): procrastinate on the
  library's own PostgreSQL database; ``reader worker`` processes run the jobs.

No Flask, no click, nothing above the store: the handlers come from the layers above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from reader.errors import ConfigError

__all__ = ["Handler", "Inline", "Queue", "open_queue", "QUEUES"]

Handler = Callable[[str, dict], bool]
QUEUES = ("", "postgres")  # the values of the setting jobs.queue


class Queue(Protocol):
    queued: bool  # True: work goes to worker processes; False: callers work in-process

    def handle(self, kind: str, handler: Handler) -> None:
        """Run work of ``kind`` with ``handler`` (in the processes that run work)."""

    def submit(self, kind: str, key: str, payload: dict) -> None:
        """Have ``key`` made (once, however often it is submitted while not made yet)."""

    def state(self, kind: str, key: str) -> str | None:
        """'todo', 'doing', 'failed', … of the latest job for ``key``; None when none is
        known (never submitted, or done and forgotten: its result is the record)."""

    def close(self) -> None: ...


class Inline:
    """No queue: the work is done here, now (the embedded default)."""

    queued = False

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def handle(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def submit(self, kind: str, key: str, payload: dict) -> None:
        self._handlers[kind](key, payload)

    def state(self, kind: str, key: str) -> str | None:
        return None

    def close(self) -> None:
        pass


def open_queue(queue: str, database_url: str) -> Queue:
    """The queue the setting ``jobs.queue`` names, on the library's database."""
    if not queue:
        return Inline()
    if queue == "postgres":
        if not database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError('"postgres" needs the library on PostgreSQL (database_url = '
                              '"postgresql://…"): the jobs live in that database',
                              key="jobs.queue")
        from reader.jobs.postgres import PostgresQueue

        return PostgresQueue(database_url)
    raise ConfigError(f"must be empty (no queue) or one of {', '.join(QUEUES[1:])}",
                      key="jobs.queue")
