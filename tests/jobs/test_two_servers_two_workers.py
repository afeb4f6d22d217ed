"""The newsroom set-up, all real: two app servers (`reader serve`, separate instance folders)
and two workers (`reader worker`) over one PostgreSQL database and one S3 bucket (SeaweedFS).

A gallery imported through server A is read, searched and heard through server B; its clips
are rendered by the workers (the import queues them); a worker killed (kill -9) in the middle
of a job has that job finished by the other; no clip is made twice. The oracles: the job log
(a row per clip a worker actually made, written by the render's side, not by procrastinate),
the objects in the bucket, and the MP3s as B serves them, decoded.
"""

from __future__ import annotations

import io
import os
import urllib.request

import numpy as np
import psycopg
import soundfile

from reader.store import open_store
from reader.users import Users
from tests.jobs.processes import Process, start_server, wait_until
from tests.s3 import BUCKET
from tests.security.conftest import EDITOR, PASSWORD
from tests.test_several_servers import Browser, token

PHOTOS = 5
FORMATS = ("mp3", "flac", "vtt", "words.vtt")  # the WAV is made from the FLAC on request


def gallery_text() -> str:
    """A gallery whose captions are long enough (about 2,500 characters) that a render takes
    a while: the test kills a worker in the middle of one."""
    lines = ["Harbour cranes at night", "The container port works through the dark."]
    for n in range(1, PHOTOS + 1):
        sentences = " ".join(
            f"Crane {n} lifts box {k} from the deck of the feeder ship while gulls circle "
            f"the floodlights and a tally clerk counts the {k} seals." for k in range(1, 18))
        lines += [f"Crane {n} over the quay.", f"{sentences} [Maren Kvist/Quay Photos]"]
    return "\n".join(lines) + "\n"


def rows(url: str, sql: str, *args) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def test_two_servers_two_workers_one_database_one_bucket(postgres, s3_server, tmp_path):
    url = postgres.new_database()
    media_url = s3_server.new_place()
    prefix = media_url.removeprefix(f"s3://{BUCKET}/")
    env = {**s3_server.env, "PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "READER_DATABASE_URL": url, "READER_MEDIA_URL": media_url,
           "READER_JOBS_QUEUE": "postgres", "READER_JOBS_WAIT": "300",
           "READER_LIBRARY_LOAD_SAMPLE": "false"}
    Users(open_store(tmp_path / "a", url)).add(EDITOR, PASSWORD)
    started: list[Process] = []

    def instance(name: str) -> dict[str, str]:
        return {**env, "READER_INSTANCE": str(tmp_path / name)}

    def worker(name: str) -> Process:
        p = Process(["worker", "--heartbeat", "1"], instance(name), tmp_path / f"{name}.log")
        started.append(p)
        return p

    try:
        server_a, site_a = start_server(instance("a"), tmp_path / "a.log")
        started.append(server_a)
        server_b, site_b = start_server(instance("b"), tmp_path / "b.log")
        started.append(server_b)

        # Import through A: the import queues every photo's clip for the workers.
        browser = Browser()
        _, page = browser.get(f"{site_a}/sign-in")
        assert browser.post(f"{site_a}/sign-in", {
            "name": EDITOR, "password": PASSWORD, "csrf_token": token(page)})[0] == 302
        _, form = browser.get(f"{site_a}/edit/import")
        status, where = browser.post(f"{site_a}/edit/import",
                                     {"text": gallery_text(), "csrf_token": token(form)})
        assert status == 303, "A refused the import"
        slug = where.rstrip("/").split("/")[-1]
        queued = rows(url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        assert queued == [(PHOTOS,)], "the import did not queue one job per photo"

        # Worker 1 takes a job; killed (kill -9, its engine too) while the job is running.
        w1 = worker("w1")
        doing = wait_until(lambda: rows(
            url, "SELECT id, queueing_lock FROM procrastinate_jobs WHERE status = 'doing'"),
            "worker 1 running a job", check=w1.check_alive)
        (job_id, lock), = doing
        w1.kill()
        w1.popen.wait()
        assert rows(url, "SELECT status FROM procrastinate_jobs WHERE id = %s", job_id) == \
            [("doing",)], "worker 1 finished its job before it was killed: not mid-job"
        w2 = worker("w2")
        # Worker 2 finds the dead worker's job (its heartbeat stopped), runs it again.
        key = lock.removeprefix("audio:")
        wait_until(lambda: rows(url, "SELECT worker FROM reader_job_log WHERE key = %s", key),
                   "the killed job finished by worker 2", check=w2.check_alive)

        # Read, searched and heard through B (B waits for the workers' clips).
        status, html = browser.get(f"{site_b}/g/{slug}/")
        assert status == 200 and "Crane 3 lifts box 7" in html
        _, results = browser.get(f"{site_b}/search?q=kvist")
        assert f'href="/g/{slug}/1"' in results
        for n in range(1, PHOTOS + 1):
            with urllib.request.urlopen(f"{site_b}/audio/{slug}/{n}.mp3", timeout=600) as r:
                assert r.status == 200 and r.headers["Content-Type"] == "audio/mpeg"
                samples, rate = soundfile.read(io.BytesIO(r.read()))
            assert len(samples) / rate > 20, f"photo {n}: not the whole caption spoken"
            assert np.sqrt(np.mean(np.square(samples))) > 0.01, f"photo {n}: silence"

        # B asked again for clips whose jobs were running: those extra jobs find the clip
        # stored and make nothing. Once the queue is empty:
        wait_until(lambda: not rows(url, "SELECT id FROM procrastinate_jobs"),
                   "every job done (finished jobs are deleted)", check=w2.check_alive)
        # The killed job was put back and finished by worker 2; each clip made exactly once.
        made = rows(url, "SELECT key, worker FROM reader_job_log WHERE kind = 'audio'")
        keys = [k for k, _w in made]
        assert len(keys) == PHOTOS and len(set(keys)) == PHOTOS, made
        by = dict(made)
        assert by[key] == f"{_host()}:{w2.pid}"
        # In the bucket: every format of every clip, nothing else (no half-written object).
        listed = s3_server.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/audio/")
        names = [o["Key"].rsplit("/", 1)[-1] for o in listed.get("Contents", [])]
        kinds = sorted(name.split(".", 1)[1] for name in names)
        assert kinds == sorted(FORMATS * PHOTOS), names
        for p in (server_a, server_b, w2):
            p.check_alive()
    finally:
        for p in started:
            p.stop()
        postgres.drop_database(url)


def _host() -> str:
    import socket

    return socket.gethostname()
