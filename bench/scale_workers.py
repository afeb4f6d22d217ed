"""Benchmark: audio build throughput through the job queue with 1 and 2 `reader worker`s
(issue 17), for bench/scale.py (`worker_rows`), or alone:

    .venv/bin/python bench/scale_workers.py [--clips N] [--database-url URL]

Each round starts its workers (`reader worker`, one job at a time each, real processes) over
one PostgreSQL database and one media folder, waits until they are all registered and idle,
then queues N clips never rendered before (our own synthetic captions, about 400 characters,
different in each round) and times until the job log (`reader_job_log`: a row per clip a
worker made) holds all N. Clips per second, the ratio of 2 workers to 1, and the machine's
load average before → after each round: other work on the machine shows in every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

READER = str(Path(sys.executable).parent / "reader")
DEADLINE = 1800.0  # seconds a round may take before the bench gives up


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def caption(round_: int, n: int) -> str:
    return (f"Round {round_}, photo {n}: a harbour pilot climbs the ladder of container ship "
            f"number {n} at dawn while the tug crews wait below. The crossing took {n + 3} "
            f"hours in a rising wind, and the cranes on the quay stood still until the "
            f"squall had passed over the breakwater and the floodlights came on again. "
            f"Photo {n} of the series on the night shift at the port.")


def _rows(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def _wait(condition, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"bench: not reached in {DEADLINE:.0f} s: {what}")
        time.sleep(0.05)  # polling a state


def one_round(url: str, instance: Path, workers: int, clips: int, round_: int) -> dict:
    from reader.audio_jobs import submit
    from reader.config import Config
    from reader.jobs.postgres import PostgresQueue, ensure_schema
    from reader.speech.configured import speech_service, speech_settings
    from reader.store import open_store

    env = {**os.environ, "READER_DATABASE_URL": url, "READER_JOBS_QUEUE": "postgres",
           "READER_INSTANCE": str(instance)}
    config = Config.load(instance, environ=env)
    speech = speech_service(config, open_store(instance, url))
    settings = speech_settings(config)
    queue = PostgresQueue(url)
    ensure_schema(url)
    made_before = _rows(url, "SELECT count(*) FROM reader_job_log")[0][0]
    procs = [subprocess.Popen([READER, "worker", "--heartbeat", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) for _ in range(workers)]
    try:
        _wait(lambda: _rows(url, "SELECT count(*) FROM procrastinate_workers")[0][0]
              >= workers, f"{workers} worker(s) registered")
        utterances = [speech.utterance_for_text(caption(round_, n), settings, "en")
                      for n in range(clips)]
        before = load()
        t = time.perf_counter()
        for u in utterances:
            submit(queue, u)
        _wait(lambda: _rows(url, "SELECT count(*) FROM reader_job_log")[0][0]
              >= made_before + clips, f"{clips} clips made")
        seconds = time.perf_counter() - t
        return {"workers": workers, "clips": clips, "seconds": seconds,
                "per_second": clips / seconds, "load": f"{before} → {load()}"}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait()
        _wait(lambda: _rows(url, "SELECT count(*) FROM procrastinate_workers")[0][0] == 0,
              "the workers unregistered")
        queue.close()
        speech.close()


def worker_rows(url: str, clips: int = 60) -> list[str]:
    """The lines of the audio-build-throughput table, for 1 and 2 workers and their ratio."""
    work = Path(tempfile.mkdtemp(prefix="reader-scale-workers-"))
    try:
        rounds = [one_round(url, work / "instance", w, clips, w) for w in (1, 2)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"\naudio build through the job queue: {clips} new clips (~400 characters each),"
             f" `reader worker` processes, one job at a time each; {os.cpu_count()} CPUs",
             f"{'workers':<10}{'seconds':>9}{'clips/s':>9}   load average before → after"]
    for r in rounds:
        lines.append(f"{r['workers']:<10}{r['seconds']:>9.1f}{r['per_second']:>9.2f}   "
                     f"{r['load']}")
    lines.append(f"2 workers / 1 worker: {rounds[1]['per_second'] / rounds[0]['per_second']:.2f}"
                 "× the throughput")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", type=int, default=60)
    ap.add_argument("--database-url", help="a PostgreSQL database to use (default: a "
                    "throwaway server in a temporary folder)")
    args = ap.parse_args()
    server = None
    try:
        url = args.database_url
        if not url:
            from tests.pg import Server

            server = Server().start()
            url = server.new_database()
        print("\n".join(worker_rows(url, args.clips)))
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
