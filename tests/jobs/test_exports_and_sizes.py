"""Exports and photo sizes made by a worker, all real: an app server (`reader serve`) and a
worker (`reader worker`) over one PostgreSQL database and one S3 bucket (SeaweedFS).

A site.zip and a book.epub asked for through the server are queued (202 while they wait; a
second request makes no second job), made by the worker and downloaded whole; a photo size
missing from the bucket is made again by the worker and served by the server. The oracles:
the job log (a row per result a worker's handler made, naming its process), the queue's own
table, the bucket's objects, and the files as downloaded (opened as zip / EPUB / JPEG).
"""

from __future__ import annotations

import io
import os
import re
import urllib.request
import zipfile

import psycopg
from PIL import Image

from reader.images.storage import ImageStore
from reader.media import media_for
from reader.sample import load_sample
from reader.store import open_store
from tests.jobs.processes import Process, start_server, wait_until


def rows(url: str, sql: str, *args) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def get(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=600) as r:  # 4xx/5xx raise: a test failure
        return r.status, dict(r.headers), r.read()


def test_exports_and_photo_sizes_are_made_by_a_worker(postgres, s3_env, tmp_path,
                                                      monkeypatch):
    url = postgres.new_database()
    media_url = s3_env.new_place()
    env = {**s3_env.env, "PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "READER_DATABASE_URL": url, "READER_MEDIA_URL": media_url,
           "READER_JOBS_QUEUE": "postgres", "READER_JOBS_WAIT": "300",
           "READER_LIBRARY_LOAD_SAMPLE": "false", "READER_SPEECH_WARM": "false"}
    monkeypatch.setenv("READER_MEDIA_URL", media_url)
    loader = tmp_path / "loader"
    gallery = load_sample(open_store(loader, url), loader)  # its photos go to the bucket
    slug = gallery.slug
    bucket = media_for(loader)
    started: list[Process] = []
    try:
        server, site = start_server({**env, "READER_INSTANCE": str(tmp_path / "a")},
                                    tmp_path / "a.log")
        started.append(server)

        # No worker yet: both downloads are queued, and asking again queues nothing more.
        for path in ("site.zip", "book.epub", "site.zip", "book.epub"):
            status, headers, body = get(f"{site}/g/{slug}/{path}")
            assert status == 202 and headers["Retry-After"] == "2"
            assert b"Check again" in body
        jobs = rows(url, "SELECT status, queueing_lock FROM procrastinate_jobs")
        assert sorted(s for s, _ in jobs) == ["todo", "todo"], jobs
        locks = sorted(lock for _, lock in jobs)
        assert sorted(lock.rsplit("-", 1)[-1].split(".")[-1] for lock in locks) == \
            ["epub", "zip"], locks
        assert not list(bucket.names("exports/")), "the app server built an export itself"

        worker = Process(["worker", "--heartbeat", "1"],
                         {**env, "READER_INSTANCE": str(tmp_path / "w")}, tmp_path / "w.log")
        started.append(worker)

        def download(path: str) -> bytes | None:
            status, headers, body = get(f"{site}/g/{slug}/{path}")
            return body if status == 200 else None

        archive = wait_until(lambda: download("site.zip"), "site.zip made by the worker",
                             check=worker.check_alive)
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            assert z.testzip() is None
            names = z.namelist()
        assert f"{slug}/index.html" in names and f"{slug}/g/{slug}/index.html" in names
        assert any(n.endswith(".mp3") for n in names), "the site has no audio"
        book = wait_until(lambda: download("book.epub"), "book.epub made by the worker",
                          check=worker.check_alive)
        with zipfile.ZipFile(io.BytesIO(book)) as z:
            first = z.infolist()[0]
            assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
            assert z.read("mimetype") == b"application/epub+zip" and z.testzip() is None

        wait_until(lambda: not rows(url, "SELECT id FROM procrastinate_jobs"),
                   "every job done (finished jobs are deleted)", check=worker.check_alive)
        made = rows(url, "SELECT key, worker FROM reader_job_log WHERE kind = 'export' "
                         "ORDER BY key")
        assert [k.removeprefix("export:") for k in locks] == [k for k, _ in made]
        assert all(w.endswith(f":{worker.pid}") for _, w in made), made
        # Asked again once made: sent from the bucket, no new job, nothing made again.
        assert download("site.zip") == archive
        assert not rows(url, "SELECT id FROM procrastinate_jobs")
        assert len(rows(url, "SELECT id FROM reader_job_log WHERE kind = 'export'")) == 2

        # A photo's sizes gone from the bucket (evicted): the worker makes them again.
        _, _, page = get(f"{site}/g/{slug}/1")
        src = re.search(r'<img[^>]* src="(/media/([0-9a-f]{64})/(\d+)\.jpg[^"]*)"',
                        page.decode()).groups()
        link, key, width = src[0].replace("&amp;", "&"), src[1], int(src[2])
        images = ImageStore(bucket)
        derived = [n for n, _ in bucket.names(images.derived_name(key, ""))]
        assert derived, "the sample photo has no sizes stored"
        for name in derived:
            bucket.delete(name)
        status, headers, body = get(f"{site}{link}")
        assert status == 200 and headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(body)).size[0] == width
        # The server sends the size once it is stored; the worker logs its job just after.
        made = wait_until(lambda: rows(
            url, "SELECT key, worker FROM reader_job_log WHERE kind = 'images'"),
            "the worker's job log row of the photo's sizes", check=worker.check_alive)
        assert [k.split("/")[0] for k, _ in made] == [key], made
        assert made[0][1].endswith(f":{worker.pid}")
        assert images.has_derived(key, "manifest.json")
    finally:
        for p in started:
            p.stop()
        postgres.drop_database(url)
