"""The job-queue tests: the real PostgreSQL (tests/pg.py, the `postgres` fixture) and the real
S3 server (SeaweedFS, the `s3_server` fixture of tests/conftest.py), both shared with the other
tests for the whole run."""

import pytest

from reader.sample import load_sample
from reader.store import open_store


@pytest.fixture
def queued(postgres, tmp_path, monkeypatch):
    """A PostgreSQL library with the sample gallery and the job queue configured."""
    url = postgres.new_database()
    monkeypatch.setenv("READER_DATABASE_URL", url)
    monkeypatch.setenv("READER_JOBS_QUEUE", "postgres")
    load_sample(open_store(tmp_path, url), tmp_path)
    yield url
    postgres.drop_database(url)
