"""A worker killed mid-job while another job of the same key waits in the queue (a server
asked for the clip again meanwhile): the dead worker's job cannot go back into the queue (one
waiting job per key), so it is dropped, which frees the key's lock; the waiting job makes the
clip, once. Without that, the key's lock stays held by a dead job and the clip never comes.
Real `reader worker` processes on a real PostgreSQL; the clips in the instance folder."""

from __future__ import annotations

import psycopg

from reader.audio_jobs import AUDIO, key, submit
from reader.config import Config
from reader.jobs import open_queue
from reader.speech.configured import speech_service, speech_settings
from reader.store import open_store
from tests.jobs.processes import Process, wait_until


def rows(url: str, sql: str, *args) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def test_a_dead_workers_job_gives_way_to_a_waiting_one(postgres, tmp_path, monkeypatch):
    url = postgres.new_database()
    monkeypatch.setenv("READER_DATABASE_URL", url)
    monkeypatch.setenv("READER_JOBS_QUEUE", "postgres")
    media = tmp_path / "media"  # one folder for the test and both workers: one media store
    env = {"READER_DATABASE_URL": url, "READER_JOBS_QUEUE": "postgres",
           "READER_INSTANCE": str(media)}
    config = Config.load(media)
    speech = speech_service(config, open_store(media, url))
    queue = open_queue("postgres", url)
    started: list[Process] = []
    try:
        text = " ".join(f"Sentence {k} of a long caption about a night ferry and its crew."
                        for k in range(40))
        u = speech.utterance_for_text(text, speech_settings(config), "en")
        submit(queue, u)
        import os

        w1 = Process(["worker", "--heartbeat", "1"], {**os.environ, **env},
                     tmp_path / "w1.log")
        started.append(w1)
        wait_until(lambda: queue.state(AUDIO, key(u)) == "doing", "worker 1 running the job",
                   check=w1.check_alive)
        w1.kill()
        w1.popen.wait()
        assert queue.state(AUDIO, key(u)) == "doing", "not killed mid-job"
        submit(queue, u)  # asked again while the dead worker's job still shows 'doing'
        assert [s for (s,) in rows(url, "SELECT status FROM procrastinate_jobs ORDER BY id")] \
            == ["doing", "todo"]
        w2 = Process(["worker", "--heartbeat", "1"], {**os.environ, **env},
                     tmp_path / "w2.log")
        started.append(w2)
        made = wait_until(lambda: queue.made(AUDIO), "the clip made", check=w2.check_alive)
        assert made == [(AUDIO, key(u), f"{_host()}:{w2.pid}")]
        assert all(speech.cached(u, fmt) for fmt in ("wav", "mp3", "vtt", "words.vtt"))
        wait_until(lambda: not rows(url, "SELECT id FROM procrastinate_jobs"),
                   "both jobs gone from the queue (dropped, done)", check=w2.check_alive)
        assert queue.made(AUDIO) == made  # still once
    finally:
        for p in started:
            p.stop()
        queue.close()
        speech.close()
        postgres.drop_database(url)


def _host() -> str:
    import socket

    return socket.gethostname()
