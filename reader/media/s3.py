"""Media in an S3-compatible bucket (``READER_MEDIA_URL=s3://bucket/prefix``), through boto3.

The endpoint, credentials and region come the standard way boto3 takes them
(``AWS_ENDPOINT_URL_S3``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``, or ``~/.aws/config`` and ``credentials``), so any S3-compatible service
works unchanged. A PUT is atomic: an object appears whole or not at all. Streamed data is
spooled (in memory up to 8 MiB, then a temporary file) and uploaded in parts.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from reader.errors import ConfigError
from reader.media.base import BLOCK, Data, check_name, chunks

_MISSING = {"404", "NoSuchKey", "NotFound"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ("bucket", "some/prefix/") (the prefix may be empty)."""
    rest = url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ConfigError("must name a bucket: s3://BUCKET/PREFIX", key="media_url")
    prefix = prefix.strip("/")
    return bucket, (prefix + "/" if prefix else "")


class S3Media:
    def __init__(self, url: str, client=None):
        import boto3

        self.bucket, self.prefix = parse_s3_url(url)
        self.client = client or boto3.session.Session().client("s3")
        self.description = url

    def __reduce__(self):  # picklable for process pools: a new client from the same URL
        return (type(self), (self.description,))

    def _key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def _missing(self, e) -> bool:
        return str(e.response.get("Error", {}).get("Code")) in _MISSING

    def put(self, name: str, data: Data) -> int:
        key = self._key(name)
        if isinstance(data, bytes | bytearray):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=bytes(data))
            return len(data)
        size = 0
        with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as spool:
            for block in chunks(data):
                spool.write(block)
                size += len(block)
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, key)
        return size

    def get(self, name: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"].read()
        except ClientError as e:
            if self._missing(e):
                raise FileNotFoundError(name) from None
            raise

    def open_range(self, name: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        if stop is not None and stop <= start:
            return iter(())
        wanted = f"bytes={start}-" + ("" if stop is None else str(stop - 1))
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(name),
                                          Range=wanted)["Body"]
        except ClientError as e:
            if self._missing(e):
                raise FileNotFoundError(name) from None
            raise
        return _stream(body)

    def size(self, name: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            n = self.client.head_object(Bucket=self.bucket, Key=self._key(name))["ContentLength"]
        except ClientError as e:
            if self._missing(e):
                return None
            raise
        return n or None

    def exists(self, name: str) -> bool:
        return self.size(name) is not None

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def url(self, name: str, expires: int = 3600) -> str | None:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(name)},
            ExpiresIn=expires)

    def names(self, prefix: str = "") -> Iterator[tuple[str, int]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                yield obj["Key"][len(self.prefix):], obj["Size"]

    def local_path(self, name: str) -> Path | None:
        return None

    def free_bytes(self) -> int | None:
        return None  # a bucket has no free space to ask about; the quota bounds it


def _stream(body) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(BLOCK)
    finally:
        body.close()
