"""The job queue on PostgreSQL: procrastinate, in the library's own database.

One procrastinate task, ``reader.job(kind, key, payload)``, runs the handler registered for
``kind``. Every job of a key is deferred with that key as its *queueing lock* (at most one job
of a key waits in the queue: submitting again while it waits does nothing) and as its *lock*
(jobs of one key never run at the same time: a second one waits for the first, then finds the
result stored and does nothing); the handler also runs under a PostgreSQL advisory lock of
the key, so even a job put back by mistake (its worker slow, not dead) never renders twice.
The handler checks the media store before it renders, so a key is made once however many
servers ask for it.

A worker killed mid-job (kill -9, a lost machine) stops its heartbeat; every worker looks for
jobs of such stalled workers (``get_stalled_jobs``) and puts them back in the queue
(``retry_job``), where another worker finishes them. Results are stored whole or not at all
(the media store's puts are atomic), so a killed job leaves nothing half-written.

``reader_job_log`` holds a row per result a handler actually made (kind, key, worker, time):
what was made where, independent of procrastinate's own bookkeeping (finished jobs are
deleted from ``procrastinate_jobs``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time

import psycopg
from procrastinate import App, PsycopgConnector, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager

from reader.jobs import Handler

log = logging.getLogger(__name__)

TASK = "reader.job"
HEARTBEAT = 10.0  # seconds between a worker's heartbeats (procrastinate's default)
STALLED_AFTER = 3  # heartbeats missed: then the worker is taken for dead, its jobs retried
SCHEMA_LOCK = 7_170_017  # advisory lock: one process at a time creates the tables
LOG_TABLE = """
CREATE TABLE IF NOT EXISTS reader_job_log (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    key text NOT NULL,
    worker text NOT NULL,
    made_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS reader_job_log_key ON reader_job_log (kind, key);
"""


def ensure_schema(database_url: str) -> None:
    """Create procrastinate's tables and the job log in the database unless they are there
    (several processes may start at once: one of them creates, under an advisory lock)."""
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
            conn.execute(SchemaManager.get_schema())  # no parameters: % is not special
        conn.execute(LOG_TABLE)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class PostgresQueue:
    queued = True

    def __init__(self, database_url: str):
        self.url = database_url
        self._handlers: dict[str, Handler] = {}
        self._opened = False
        self._guard = threading.Lock()
        self.name = worker_name()
        self.app = App(connector=PsycopgConnector(conninfo=database_url, min_size=1,
                                                  max_size=4))
        # A handler that fails (a render error, a lost connection) is tried again twice.
        self.task = self.app.task(name=TASK, retry=RetryStrategy(max_attempts=3, wait=2))(
            self._run)

    # -- both sides ---------------------------------------------------------------------------
    def handle(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def _open(self) -> None:
        with self._guard:
            if not self._opened:
                ensure_schema(self.url)
                self.app.open()
                self._opened = True

    def submit(self, kind: str, key: str, payload: dict) -> None:
        self._open()
        lock = f"{kind}:{key}"
        # AlreadyEnqueued: one job of this key waits already; it makes it for everyone.
        with contextlib.suppress(AlreadyEnqueued):
            self.task.configure(lock=lock, queueing_lock=lock).defer(
                kind=kind, key=key, payload=payload)

    def state(self, kind: str, key: str) -> str | None:
        self._open()
        jobs = list(self.app.job_manager.list_jobs(queueing_lock=f"{kind}:{key}"))
        if not jobs:
            return None
        return str(max(jobs, key=lambda j: j.id or 0).status)

    def made(self, kind: str | None = None) -> list[tuple[str, str, str]]:
        """(kind, key, worker) of every result made, oldest first (the job log)."""
        ensure_schema(self.url)
        with psycopg.connect(self.url) as conn:
            return [tuple(r) for r in conn.execute(
                "SELECT kind, key, worker FROM reader_job_log "
                "WHERE %(kind)s::text IS NULL OR kind = %(kind)s ORDER BY id",
                {"kind": kind}).fetchall()]

    def close(self) -> None:
        with self._guard:
            if self._opened:
                self.app.close()
                self._opened = False

    # -- the worker side ----------------------------------------------------------------------
    def _run(self, kind: str, key: str, payload: dict) -> None:
        handler = self._handlers.get(kind)
        if handler is None:
            raise RuntimeError(f"this worker has no handler for {kind!r} jobs")
        started = time.monotonic()
        # The key's advisory lock, held while the handler runs: a second run of the key (a
        # job put back while its worker was only slow, not dead) waits, then finds the result
        # stored. PostgreSQL drops it with the connection: a killed worker holds nothing.
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"{kind}:{key}",))
            if handler(key, payload):
                conn.execute("INSERT INTO reader_job_log (kind, key, worker) "
                             "VALUES (%s, %s, %s)", (kind, key, self.name))
                log.info("%s %s made in %.1f s", kind, key[:16], time.monotonic() - started)
            else:
                log.info("%s %s was stored already", kind, key[:16])

    def run_worker(self, concurrency: int = 1, heartbeat: float = HEARTBEAT,
                   graceful: float | None = 60.0) -> None:
        """Run jobs until SIGINT/SIGTERM (then the running ones get ``graceful`` seconds to
        finish), ``concurrency`` at once, rescuing the jobs of workers that died."""
        ensure_schema(self.url)
        asyncio.run(self._work(concurrency, heartbeat, graceful))

    async def _work(self, concurrency: int, heartbeat: float, graceful: float | None) -> None:
        async with self.app.open_async():
            rescue = asyncio.create_task(self._rescue(heartbeat))
            try:
                await self.app.run_worker_async(
                    concurrency=concurrency, name=self.name, delete_jobs="successful",
                    update_heartbeat_interval=heartbeat,
                    stalled_worker_timeout=heartbeat * STALLED_AFTER,
                    fetch_job_polling_interval=max(1.0, heartbeat),
                    shutdown_graceful_timeout=graceful)
            finally:
                rescue.cancel()

    async def _rescue(self, heartbeat: float) -> None:
        """Every heartbeat: jobs whose worker stopped beating go back into the queue."""
        while True:
            await asyncio.sleep(heartbeat)  # a period of the loop, not a wait for a state
            try:
                stalled = await self.app.job_manager.get_stalled_jobs(
                    seconds_since_heartbeat=heartbeat * STALLED_AFTER)
            except Exception:  # a lost connection: try again at the next beat
                log.exception("looking for stalled jobs failed")
                continue
            for job in stalled:
                await self._put_back(job)

    async def _put_back(self, job) -> None:
        manager = self.app.job_manager
        try:
            await manager.retry_job(job)
            log.warning("job %s (%s) of a dead worker: queued again", job.id,
                        job.queueing_lock)
        except UniqueViolation:
            # Another job of the same key was queued meanwhile (the queueing lock allows one
            # waiting job per key): that one makes the result; this one is dropped, which
            # also frees the key's lock for it.
            await manager.finish_job(job, Status.ABORTED, delete_job=True)
            log.warning("job %s (%s) of a dead worker: dropped, another job of its key "
                        "waits in the queue", job.id, job.queueing_lock)
        except Exception:
            log.exception("putting back job %s failed", job.id)
