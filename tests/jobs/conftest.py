"""The job-queue tests: the real PostgreSQL (tests/pg.py, the `postgres` fixture) and the real
S3 server (SeaweedFS, the `s3_server` fixture of tests/conftest.py), both shared with the other
tests for the whole run."""
