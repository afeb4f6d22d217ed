"""The job-queue tests: the real PostgreSQL (tests/pg.py, the `postgres` fixture) and the real
S3 server of the media tests (SeaweedFS), shared with them for the run."""

from tests.media.conftest import s3_env, s3_server  # noqa: F401  (fixtures, used by name)
