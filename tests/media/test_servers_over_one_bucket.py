"""Issue 17: any number of app servers. Two real `reader serve` processes, each with its own
instance folder, over one real PostgreSQL database and one real S3 bucket (SeaweedFS) behave
as one site: a gallery imported through A is read, searched and heard through B (its audio
rendered on request, into the bucket, then served by A from there); the media cache's quota is
one quota (a file A's quota evicts is gone for B, which makes it again); and nothing of the
library or its media is written to either instance folder (both are walked).

The oracles are outside the servers' code: the bucket's own listing (boto3), the database's
own tables (psycopg), MP3 frame headers, the HTML the servers send.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg

from reader.store import open_store
from reader.users import Users
from tests.s3 import BUCKET, free_ports
from tests.security.conftest import EDITOR, PASSWORD
from tests.test_several_servers import TEXT, Browser, token

START_DEADLINE = 120.0  # seconds a server may take to answer (a loaded 2-core machine)
QUOTA_MIB = 1  # one render of a caption (WAV, MP3, cues) is most of it: two cannot both stay


@contextmanager
def reader_serve(instance: Path, env: dict[str, str]):
    """`reader serve` on a free port in its own process group; its base URL once it answers
    the library page (polled: a state, not a time); stopped with SIGTERM at the end."""
    port = free_ports(1)[0]
    log = instance.parent / f"{instance.name}-serve.log"  # beside the folder, not in it
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "reader"), "--instance", str(instance),
             "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "4"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            assert proc.poll() is None, f"reader serve stopped:\n{log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{base}/", timeout=10) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, f"no answer:\n{log.read_text()[-3000:]}"
            time.sleep(0.1)  # polling for the server's answer, with an overall deadline
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def audio(base: str, path: str, rate: int | None = None) -> tuple[int, str, bytes]:
    """(status, X-Speech-Cache, body) of an audio URL, at ``rate`` words a minute (the
    reader's own setting, a cookie) or the configured default."""
    headers = {"Cookie": f"reader_settings=speech_rate={rate}"} if rate else {}
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=300) as r:
            return r.status, r.headers.get("X-Speech-Cache", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, "", e.read()


def is_mp3(data: bytes) -> bool:
    """An ID3 tag or an MPEG audio frame header (11 sync bits) at the start."""
    return data[:3] == b"ID3" or (len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def bucket_audio(s3, prefix: str) -> dict[str, int]:
    """Every audio object under ``prefix`` (name → size), as the bucket lists them."""
    names, token_ = {}, None
    while True:
        kwargs = {"Bucket": BUCKET, "Prefix": f"{prefix}audio/"}
        if token_:
            kwargs["ContinuationToken"] = token_
        page = s3.list_objects_v2(**kwargs)
        names.update({o["Key"].removeprefix(prefix): o["Size"]
                      for o in page.get("Contents", [])})
        if not page.get("IsTruncated"):
            return names
        token_ = page["NextContinuationToken"]


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def test_two_reader_serve_processes_over_one_database_and_bucket(postgres, s3_server,
                                                                 tmp_path):
    url = postgres.new_database()
    media_url = s3_server.new_place()
    prefix = media_url.removeprefix(f"s3://{BUCKET}/") + "/"
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    env = {**os.environ, **s3_server.env, "READER_DATABASE_URL": url,
           "READER_MEDIA_URL": media_url, "READER_MEDIA_QUOTA_MIB": str(QUOTA_MIB),
           "READER_MEDIA_RENDER_RATE": "", "READER_SPEECH_WARM": "false",
           "READER_LIBRARY_LOAD_SAMPLE": "false"}
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                 "READER_INSTANCE"):
        env.pop(name, None)
    s3 = s3_server.client()
    try:
        Users(open_store(tmp_path / "admin", url)).add(EDITOR, PASSWORD)
        browser = Browser()
        with ExitStack() as servers:
            site_a = servers.enter_context(reader_serve(a, env))
            site_b = servers.enter_context(reader_serve(b, env))

            # Import through A (signed in there).
            _, page = browser.get(f"{site_a}/sign-in")
            assert browser.post(f"{site_a}/sign-in", {
                "name": EDITOR, "password": PASSWORD, "csrf_token": token(page)})[0] == 302
            _, form = browser.get(f"{site_a}/edit/import")
            status, where = browser.post(f"{site_a}/edit/import",
                                         {"text": TEXT, "csrf_token": token(form)})
            assert status == 303, "A refused the import"
            slug = where.rstrip("/").split("/")[-1]

            # Read and search through B.
            status, html = browser.get(f"{site_b}/g/{slug}/")
            assert status == 200 and "The last ferry leaves Bergen harbour" in html
            _, results = browser.get(f"{site_b}/search?q=solberg")
            assert f'href="/g/{slug}/1"' in results

            # Hear through B: rendered on request into the bucket; then A serves B's file.
            status, cache, heard = audio(site_b, f"/audio/{slug}/1.mp3")
            assert status == 200 and cache == "miss" and is_mp3(heard)
            status, cache, again = audio(site_a, f"/audio/{slug}/1.mp3")
            assert (status, cache) == (200, "hit") and again == heard
            assert any(n.endswith(".mp3") for n in bucket_audio(s3, prefix))

            # One quota. B renders photo 2 at 100 wpm; then A renders other rates, each
            # new file past the quota evicting the least recently used: B's files go first,
            # from the bucket, and B makes them again when asked.
            pinned = bucket_audio(s3, prefix)  # the configured default's: outside the quota
            status, cache, slow = audio(site_b, f"/audio/{slug}/2.mp3", rate=100)
            assert (status, cache) == (200, "miss") and is_mp3(slow)
            slow_files = set(bucket_audio(s3, prefix)) - set(pinned)
            assert any(n.endswith(".mp3") for n in slow_files), slow_files
            made = 0
            for rate in range(300, 450, 10):
                status, cache, fast = audio(site_a, f"/audio/{slug}/2.mp3", rate=rate)
                assert (status, cache) == (200, "miss") and is_mp3(fast)
                made += 1
                stored = bucket_audio(s3, prefix)
                unpinned = sum(size for n, size in stored.items() if n not in pinned)
                assert unpinned <= QUOTA_MIB * 2**20, "the bucket holds more than the quota"
                if not slow_files & set(stored):
                    break
            assert not slow_files & set(bucket_audio(s3, prefix)), "nothing of B's evicted"
            assert made > 1  # it took more than one render past B's to fill the quota
            with psycopg.connect(url) as db:
                indexed = dict(db.execute("SELECT name, size FROM media_cache").fetchall())
            assert not slow_files & set(indexed)  # gone from the shared index too
            stored = bucket_audio(s3, prefix)
            assert {n: stored[n] for n in indexed} == indexed  # the index is the bucket's
            status, cache, remade = audio(site_b, f"/audio/{slug}/2.mp3", rate=100)
            assert (status, cache) == (200, "miss") and is_mp3(remade)
            # The configured default is pinned (outside the quota): never evicted.
            assert set(pinned) <= set(bucket_audio(s3, prefix))
            assert audio(site_b, f"/audio/{slug}/1.mp3")[1] == "hit"
        for folder in (a, b):  # nothing of the library, its keys or its media is here
            assert files_under(folder) == [], folder
    finally:
        postgres.drop_database(url)

