"""The queue as the web and the CLI see it, without workers: a request for a clip not rendered
yet queues it and, when no worker makes it in ``jobs.wait`` seconds, answers 503 with
Retry-After; ``jobs.web_render = "local"`` renders it in the request instead; the commands say
in one line what is wrong with a queue set-up."""

from __future__ import annotations

import io
import subprocess

import psycopg
import soundfile

from reader.store import open_store
from reader.web import create_app
from tests.jobs.processes import READER


def jobs(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
            return []  # the queue's tables are made when it is first used
        return conn.execute("SELECT status, queueing_lock FROM procrastinate_jobs").fetchall()


def first_photo(app) -> str:
    slug = app.extensions["library"].list()[0].slug
    return f"/audio/{slug}/1.mp3"


def test_no_worker_in_time_is_503_with_retry_after(queued, tmp_path):
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False, "JOBS_WAIT": 0}, instance=tmp_path)
    r = app.test_client().get(first_photo(app))
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert r.headers["Cache-Control"] == "no-store"
    assert [s for s, _lock in jobs(queued)] == ["todo"], "the clip was not queued"
    # Asked again: still one job waiting for the key (its queueing lock).
    assert app.test_client().get(first_photo(app)).status_code == 503
    assert len(jobs(queued)) == 1
    app.extensions["jobs"].close()


def test_local_rendering_needs_no_worker(queued, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_JOBS_WEB_RENDER", "local")
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=tmp_path)
    r = app.test_client().get(first_photo(app))
    assert r.status_code == 200 and r.mimetype == "audio/mpeg"
    samples, rate = soundfile.read(io.BytesIO(r.data))
    assert len(samples) / rate > 1
    assert jobs(queued) == []


def run(tmp_path, *args, env=None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([READER, "--instance", str(tmp_path), *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_worker_without_a_queue_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("READER_JOBS_QUEUE", raising=False)
    out = run(tmp_path, "worker")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "no job queue is configured" in out.stderr


def test_a_postgres_queue_needs_the_library_on_postgres(tmp_path, monkeypatch):
    monkeypatch.delenv("READER_DATABASE_URL", raising=False)
    out = run(tmp_path, "worker", env={"READER_JOBS_QUEUE": "postgres"})
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0
    assert "jobs.queue" in out.stderr and "PostgreSQL" in out.stderr
    out = run(tmp_path, "worker", env={"READER_JOBS_QUEUE": "redis"})
    assert out.returncode == 1 and "READER_JOBS_QUEUE" in out.stderr


def test_audio_build_queues_for_the_workers(queued, tmp_path):
    out = run(tmp_path, "audio", "build")
    assert out.returncode == 0, out.stderr
    photos = len(open_store(tmp_path, queued).get(
        open_store(tmp_path, queued).list()[0].slug).items)
    assert f"queued {photos} for the workers" in out.stdout
    assert len(jobs(queued)) == photos
    assert run(tmp_path, "audio", "build").returncode == 0
    assert len(jobs(queued)) == photos  # queued once per clip, however often asked


def test_an_import_queues_its_audio(postgres, tmp_path, monkeypatch):
    url = postgres.new_database()
    try:
        text = tmp_path / "ferries.txt"
        text.write_text("Night ferries\nCrews keep the crossings running.\nA deck.\n"
                        "The last ferry leaves at midnight. [Ingrid Solberg/Fjord Press]\n"
                        "A deckhand.\nA deckhand coils a rope. [Ola Berg/Fjord Press]\n")
        env = {"READER_DATABASE_URL": url, "READER_JOBS_QUEUE": "postgres"}
        out = run(tmp_path / "instance", "import", str(text), env=env)
        assert out.returncode == 0, out.stderr
        assert "queued 2 clip(s) for the workers" in out.stdout
        assert sorted(s for s, _lock in jobs(url)) == ["todo", "todo"]
        monkeypatch.delenv("READER_JOBS_QUEUE", raising=False)
        out = run(tmp_path / "plain", "import", str(text))  # no queue: nothing queued
        assert out.returncode == 0 and "queued" not in out.stdout
    finally:
        postgres.drop_database(url)
