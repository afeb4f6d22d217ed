"""The worker process that owns the engine, and the queue that feeds it.

- Each worker is a freshly started interpreter (never `fork`: eSpeak hangs in a child forked
  after it initialised) that owns one engine and does one job at a time; its stdout goes to
  /dev/null (pyttsx3 prints there). On POSIX it is `python -m reader.speech.worker` talking
  over a socket pair, so it works under any main program (a script without a
  `__main__` guard, waitress, pytest); elsewhere, multiprocessing's `spawn`.
- `EnginePool` puts jobs in one FIFO queue served by N dispatcher threads, one per worker.
  A job's result is checked (`Rendering.verify`); a job that fails, or whose worker dies, is
  retried once on a fresh worker; a job that runs past its timeout gets its worker killed and
  restarted. Callers wait on a `Future`, always with a timeout: the web process never blocks
  forever.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from reader.errors import EngineUnavailable, RenderError, WorkerDied
from reader.speech.engine import EngineConfig, Rendering
from reader.speech.registry import engine_module

START_TIMEOUT = 30.0


def job_timeout(text: str) -> float:
    """Generous: a caption renders in milliseconds, 20,000 characters in about a second."""
    return 10.0 + len(text) / 1000


# -- the child side ------------------------------------------------------------------------
def worker_main(conn, config: EngineConfig, module: str | None = None) -> None:
    """The engine process: start the engine ``config`` names (importing ``module``, where
    it was registered, if need be), then render each job sent on ``conn``."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # pyttsx3 prints "Audio saved to …"
    from reader.speech.registry import make_engine

    try:
        backend = make_engine(config, module)
        # The shaping's modules (numpy, scipy, pyloudnorm: about half a second to load)
        # before the worker says it is ready, so no job's time limit pays for them.
        from reader.speech import loudness, pacing  # noqa: F401
    except Exception as e:  # noqa: BLE001  (anything: the parent reports it as unavailable)
        conn.send(("failed", str(e)))
        return
    conn.send(("ready", {"version": backend.version, "backend": backend.name,
                         "source": backend.source, "voices": backend.voices(),
                         "default_voice": backend.default_voice,
                         "pid": os.getpid()}))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if msg[0] == "stop":
            return
        _, text, voice, rate, volume, *shape = msg
        try:
            rendering = backend.render(text, voice, rate, volume)
            result: Any = ("ok", shaped(rendering, text, shape[0]) if shape else rendering)
        except Exception as e:  # noqa: BLE001
            result = ("error", f"{type(e).__name__}: {e}")
        conn.send(result)


def shaped(r: Rendering, text: str, lang: str | None) -> tuple[Rendering, dict[str, bytes]]:
    """The rendering paced and brought to −16 LUFS, and its stored audio files (MP3, FLAC),
    made here in the worker process: this is most of a clip's CPU time (the engine itself
    takes about a tenth), so N workers shape N clips at once instead of queueing behind
    the parent's GIL."""
    from reader.speech import loudness
    from reader.speech.audio import flac_bytes, mp3_bytes
    from reader.speech.gallery_file import edges_comment
    from reader.speech.pacing import pace

    r = pace(r, text, lang)
    r.samples = loudness.normalise(r.samples, r.sample_rate)
    return r, {"mp3": mp3_bytes(r.samples, r.sample_rate),
               "flac": flac_bytes(r.samples, r.sample_rate,
                                  edges_comment(r.samples, r.sample_rate))}


# -- the parent side -----------------------------------------------------------------------
class _Child:
    """A worker started with subprocess, with the few Process methods we use."""

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)


class Worker:
    """One engine process, seen from the parent. Used by one dispatcher thread at a time."""

    def __init__(self, config: EngineConfig):
        self.config = config
        self.process: mp.process.BaseProcess | None = None
        self.conn = None
        self.info: dict | None = None
        self.busy_since: float | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def _launch(self):
        module = engine_module(self.config.backend)  # where a plug-in engine was registered
        if os.name != "posix":
            ctx = mp.get_context("spawn")
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, self.config, module),
                               daemon=True, name="reader-speech-engine")
            proc.start()
            child.close()
            return proc, parent
        ours, theirs = socket.socketpair()
        proc = _Child(subprocess.Popen(
            [sys.executable, "-m", "reader.speech.worker", str(theirs.fileno()),
             self.config.to_json(), module or ""],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True))
        theirs.close()
        parent = Connection(ours.detach())
        return proc, parent

    def start(self) -> dict:
        proc, parent = self._launch()
        self.starts += 1
        try:
            if not parent.poll(START_TIMEOUT):
                raise EngineUnavailable(f"the speech engine did not start in {START_TIMEOUT:.0f} s")
            kind, payload = parent.recv()
        except (EOFError, OSError) as e:
            proc.join(1)
            raise EngineUnavailable(f"the speech engine exited while starting "
                                    f"(status {proc.exitcode})") from e
        except EngineUnavailable:
            proc.kill()
            proc.join(1)
            raise
        if kind != "ready":
            proc.join(5)
            raise EngineUnavailable(payload)
        self.process, self.conn, self.info = proc, parent, payload
        return payload

    def ensure(self) -> dict:
        if not self.alive():
            self.stop()
            return self.start()
        return self.info

    def render(self, text: str, voice: str, rate: int, volume: float,
               timeout: float, shape: tuple = ()) -> Any:
        """The engine's `Rendering`; with ``shape`` = (lang,), `shaped`'s pair."""
        self.ensure()
        self.conn.send(("render", text, voice, rate, volume, *shape))
        self.busy_since = time.monotonic()
        try:
            deadline = self.busy_since + timeout
            while not self.conn.poll(0.02):
                if not self.process.is_alive():
                    raise WorkerDied(f"the speech engine exited (status {self.process.exitcode})")
                if time.monotonic() > deadline:
                    self.kill()
                    raise WorkerDied(f"the speech engine took over {timeout:.0f} s; restarted")
            try:
                kind, payload = self.conn.recv()
            except (EOFError, OSError) as e:
                raise WorkerDied("the speech engine exited mid-job") from e
        finally:
            self.busy_since = None
        if kind == "error":
            raise RenderError(payload)
        (payload[0] if shape else payload).verify(text)
        return payload

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join(5)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.is_alive():
            try:
                self.conn.send(("stop",))
                self.process.join(2)
            except (OSError, ValueError):
                pass
            self.kill()
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None


@dataclass
class _Job:
    text: str
    voice: str
    rate: int
    volume: float
    future: Future = field(default_factory=Future)
    shape: tuple = ()  # (lang,): shaped in the worker (see `shaped`)


class EnginePool:
    """N workers behind one FIFO job queue. Thread-safe; starts its workers lazily."""

    def __init__(self, config: EngineConfig | None = None, workers: int = 1,
                 timeout: float | None = None):
        self.config = config or EngineConfig()
        self.timeout = timeout  # per job; None: `job_timeout(text)`
        self.workers = [Worker(self.config) for _ in range(max(1, workers))]
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stop: threading.Event | None = None
        self.info: dict | None = None
        self.error: str | None = None
        self._failed_at = 0.0
        self.jobs_done = 0

    RETRY_UNAVAILABLE_AFTER = 30.0

    def start(self) -> dict:
        """Start the first worker (once); raise EngineUnavailable if there is no engine.

        A failure is remembered for 30 s, so pages do not each wait for a doomed start.
        """
        with self._lock:
            if self.info is not None:
                return self.info
            if self.error and time.monotonic() - self._failed_at < self.RETRY_UNAVAILABLE_AFTER:
                raise EngineUnavailable(self.error)
            try:
                self.info = self.workers[0].start()
            except EngineUnavailable as e:
                self.error, self._failed_at = str(e), time.monotonic()
                raise
            self.error = None
            stop = self._stop = threading.Event()
            for w in self.workers:
                t = threading.Thread(target=self._serve, args=(w, stop), daemon=True,
                                     name="reader-speech-dispatch")
                t.start()
                self._threads.append(t)
            return self.info

    def available(self) -> bool:
        try:
            self.start()
        except EngineUnavailable:
            return False
        return True

    def submit(self, text: str, voice: str, rate: int, volume: float) -> Future:
        self.start()
        job = _Job(text, voice, rate, volume)
        self._jobs.put(job)
        return job.future

    def render(self, text: str, voice: str, rate: int, volume: float,
               timeout: float | None = None) -> Rendering:
        future = self.submit(text, voice, rate, volume)
        return future.result(timeout=timeout or 3 * job_timeout(text) + START_TIMEOUT)

    def render_shaped(self, text: str, voice: str, rate: int, volume: float,
                      lang: str | None, timeout: float | None = None,
                      ) -> tuple[Rendering, dict[str, bytes]]:
        """`render`, then paced, levelled and encoded in the worker (`shaped`)."""
        self.start()
        job = _Job(text, voice, rate, volume, shape=(lang,))
        self._jobs.put(job)
        return job.future.result(timeout=timeout or 3 * job_timeout(text) + START_TIMEOUT)

    def _serve(self, worker: Worker, stop: threading.Event) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                if stop.is_set():
                    return
                continue  # a stop meant for an earlier set of threads
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(self._run(worker, job))
            except Exception as e:  # noqa: BLE001  (handed to the waiting caller)
                job.future.set_exception(e)

    def _run(self, worker: Worker, job: _Job) -> Any:
        last: Exception | None = None
        for _attempt in range(2):  # the job, then one retry on a fresh worker
            try:
                result = worker.render(job.text, job.voice, job.rate, job.volume,
                                       self.timeout or job_timeout(job.text), job.shape)
                self.jobs_done += 1
                return result
            except (WorkerDied, ValueError, OSError) as e:
                last = e
                worker.stop()
            except RenderError as e:
                last = e
                break  # the engine itself refused this text: a retry would say the same
        raise RenderError(str(last))

    def close(self) -> None:
        """Stop the workers and their threads; the next job starts them again."""
        with self._lock:
            if self._stop is not None:
                self._stop.set()
            for _ in self._threads:
                self._jobs.put(None)
            for t in self._threads:
                t.join(5)
            for w in self.workers:
                w.stop()
            self._threads, self._stop, self.info = [], None, None


_shared: dict[tuple[EngineConfig, int], EnginePool] = {}
_shared_lock = threading.Lock()


def shared_pool(config: EngineConfig | None = None, workers: int = 1) -> EnginePool:
    """The process's pool for this engine configuration.

    The engine's state is per process anyway, so every app and command in one process shares
    its workers instead of starting a set each.
    """
    config = config or EngineConfig()
    with _shared_lock:
        pool = _shared.get((config, workers))
        if pool is None:
            pool = _shared[(config, workers)] = EnginePool(config, workers)
        return pool


def close_shared() -> None:
    with _shared_lock:
        pools = list(_shared.values())
        _shared.clear()
    for pool in pools:
        pool.close()


atexit.register(close_shared)


if __name__ == "__main__":  # python -m reader.speech.worker FD CONFIG_JSON [MODULE]
    _fd, _config = int(sys.argv[1]), EngineConfig.from_json(sys.argv[2])
    worker_main(Connection(_fd), _config, (sys.argv[3:] or [""])[0] or None)
