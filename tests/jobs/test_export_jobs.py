"""Exports on the queue, in one process (the real PostgreSQL, the sample in an instance folder):
a download is a job, not a build in the app server; the worker's handler makes the very file
the server asked for, once, and refuses to store another content under its name."""

from __future__ import annotations

import io
import zipfile

import psycopg
import pytest

from reader.errors import ExportError
from reader.web import create_app
from reader.web.export_jobs import export_handler, worker_app


def jobs(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
            return []
        return conn.execute("SELECT status, queueing_lock, args FROM procrastinate_jobs "
                            "ORDER BY id").fetchall()


def test_a_queued_download_is_made_by_the_handler_once(queued, tmp_path):
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=tmp_path)
    client = app.test_client()
    slug = app.extensions["library"].list()[0].slug
    for _ in range(2):
        r = client.get(f"/g/{slug}/site.zip")
        assert r.status_code == 202 and r.headers["Retry-After"] == "2"
    (status, lock, args), = jobs(queued)
    assert status == "todo" and lock.startswith(f"export:exports/{slug}-")
    assert app.extensions["builds"].runs == 0, "the app server built the export itself"

    handler = export_handler(worker_app(tmp_path))
    name = args["key"]
    with pytest.raises(ExportError, match="the library now makes"):
        handler(name.replace(f"{slug}-", f"{slug}-0"), args["payload"])  # another content
    assert handler(name, args["payload"]) is True
    assert handler(name, args["payload"]) is False  # stored: nothing made again
    r = client.get(f"/g/{slug}/site.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        assert f"{slug}/index.html" in z.namelist()
    app.extensions["jobs"].close()


def test_local_web_rendering_builds_in_the_app_server(queued, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_JOBS_WEB_RENDER", "local")
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=tmp_path)
    slug = app.extensions["library"].list()[0].slug
    assert app.test_client().get(f"/g/{slug}/book.epub").status_code in (200, 202)
    assert app.extensions["builds"].runs == 1 and jobs(queued) == []
    app.extensions["builds"].shutdown()
