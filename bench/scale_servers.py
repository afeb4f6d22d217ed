"""Benchmark part of bench/scale.py (issue 17): requests per second of two app servers beside
one, over one PostgreSQL database and one S3 bucket.

A throwaway PostgreSQL (tests/pg.py) and SeaweedFS (tests/s3.py) are started; `--galleries`
synthetic galleries (bench/archive.py's words) are stored and the default audio of a few is
rendered into the bucket by `reader audio build` (so audio requests are cache hits). Then two
`reader serve` processes with separate instance folders serve the same library, and a bounded
pool of client threads (keep-alive connections, loopback only) asks for a fixed mix of
requests (gallery pages, photo pages, searches, cached audio), in the same order each run, for
a fixed time: once all on server A, once spread over A and B (client i on server i mod 2, as a
load balancer spreads connections). Every request has a timeout and every thread stops at the
deadline. The clients run on the same machine and take CPU from the servers: on 2 cores the
second server can only use what the first one and the clients leave.
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
for _path in (str(ROOT), str(ROOT / "bench")):  # the tests' servers, bench/archive.py
    if _path not in sys.path:
        sys.path.insert(0, _path)
# The mix: what a reader's requests are, and how often.
WEIGHTS = {"gallery": 2, "photo": 4, "search": 2, "audio": 2}
MIX_LENGTH = 400
AUDIO_GALLERIES = 2  # galleries whose default audio is rendered before the run
TIMEOUT = 30.0  # seconds a request may take
START_DEADLINE = 120.0  # seconds a server may take to answer its first request


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if values else 0


def mix(slugs: list[str], audio_slugs: list[str], queries: list[str], photos: int
        ) -> list[tuple[str, str]]:
    """(kind, path) requests in a fixed order (the same every run: a seeded shuffle)."""
    rng = random.Random(17)
    kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
    out = []
    for _ in range(MIX_LENGTH):
        kind = rng.choice(kinds)
        if kind == "gallery":
            path = f"/g/{rng.choice(slugs)}/"
        elif kind == "photo":
            path = f"/g/{rng.choice(slugs)}/{rng.randint(1, photos)}"
        elif kind == "search":
            path = "/search?" + urllib.parse.urlencode({"q": rng.choice(queries)})
        else:
            path = f"/audio/{rng.choice(audio_slugs)}/{rng.randint(1, photos)}.mp3"
        out.append((kind, path))
    return out


@contextmanager
def reader_serve(instance: Path, env: dict[str, str], threads: int):
    from tests.s3 import free_ports

    port = free_ports(1)[0]
    log = instance.parent / f"{instance.name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN / "reader"), "--instance", str(instance), "serve",
                                 "--host", "127.0.0.1", "--port", str(port),
                                 "--threads", str(threads)],
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"reader serve stopped:\n{log.read_text()[-2000:]}")
            try:
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                con.request("GET", "/")
                if con.getresponse().status == 200:
                    con.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"reader serve never answered:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)  # polling for the server's answer, with an overall deadline
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def drive(ports: list[int], requests: list[tuple[str, str]], clients: int, seconds: float
          ) -> dict:
    """``clients`` threads, client i on ``ports[i % len(ports)]``, each through the mix from
    its own offset until the deadline; counts, errors and latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    guard = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        port = ports[i % len(ports)]
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        mine, errs = [], []
        k = i * len(requests) // clients
        start.wait()
        while time.monotonic() < deadline[0]:
            kind, path = requests[k % len(requests)]
            k += 1
            t = time.perf_counter()
            try:
                con.request("GET", path)
                r = con.getresponse()
                r.read()
                if r.status != 200:
                    errs.append(f"{kind} {path}: {r.status}")
                elif r.headers.get("X-Speech-Cache") == "miss":  # rendered, not cached
                    errs.append(f"{kind} {path}: rendered on request, not a cache hit")
            except (OSError, http.client.HTTPException) as e:
                errs.append(f"{kind} {path}: {type(e).__name__}")
                con.close()
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                continue
            mine.append(time.perf_counter() - t)
        con.close()
        with guard:
            latencies.extend(mine)
            errors.extend(errs)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    before = load()
    deadline[0] = time.monotonic() + seconds
    start.wait()
    began = time.monotonic()
    for t in threads:
        t.join(seconds + TIMEOUT + 10)
    elapsed = time.monotonic() - began
    return {"rps": len(latencies) / elapsed, "n": len(latencies), "errors": errors,
            "p50": pct(latencies, 50) * 1000, "p99": pct(latencies, 99) * 1000,
            "load": f"{before} → {load()}"}


def prepare(work: Path, env: dict[str, str], galleries: int) -> tuple[list[str], list[str]]:
    """Store the galleries (PostgreSQL) and render a few's default audio (into the bucket)."""
    from archive import gallery_text

    from reader.importers import parse_source
    from reader.store import open_store

    store = open_store(work / "cli", env["READER_DATABASE_URL"])
    batch = [parse_source(gallery_text(n).encode(), f"/bench/{n:06d}.txt")
             for n in range(galleries)]
    slugs = []
    for gallery, error in store.save_many(batch):
        if error is not None:
            raise SystemExit(f"{gallery.source}: {error}")
        slugs.append(gallery.slug)
    audio = slugs[:AUDIO_GALLERIES]
    done = subprocess.run([str(BIN / "reader"), "--instance", str(work / "cli"), "audio",
                           "build", *audio], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"reader audio build failed:\n{done.stdout}\n{done.stderr}")
    return slugs, audio


def two_servers_beside_one(galleries: int = 200, seconds: float = 20.0, clients: int = 16,
                           threads: int = 8) -> list[str]:
    """The table's lines: requests per second of one server, then two, on the same mix."""
    from archive import PHOTOS_PER_GALLERY, queries

    from tests.pg import Server
    from tests.s3 import start_s3

    work = Path(tempfile.mkdtemp(prefix="reader-servers-"))
    lines = []
    try:
        with ExitStack() as stack:
            pg = Server().start()
            stack.callback(pg.stop)
            (work / "s3").mkdir()
            s3 = start_s3(work / "s3")
            stack.callback(s3.stop)
            env = {**os.environ, **s3.env, "READER_DATABASE_URL": pg.new_database(),
                   "READER_MEDIA_URL": s3.new_place(), "READER_MEDIA_RENDER_RATE": "",
                   "READER_LIBRARY_LOAD_SAMPLE": "false"}
            env.pop("READER_INSTANCE", None)
            slugs, audio = prepare(work, env, galleries)
            requests = mix(slugs, audio, queries(), PHOTOS_PER_GALLERY)
            a = stack.enter_context(reader_serve(work / "a", env, threads))
            b = stack.enter_context(reader_serve(work / "b", env, threads))
            drive([a, b], requests, clients, min(5.0, seconds))  # warm-up: caches, engines
            lines.append(f"app servers over one PostgreSQL and one bucket: {galleries} "
                         f"galleries, {clients} clients (keep-alive, loopback), {threads} "
                         f"threads a server, {seconds:.0f} s each; mix "
                         + ", ".join(f"{k} {w}" for k, w in WEIGHTS.items()))
            lines.append(f"{'servers':<9}{'req/s':>8}{'requests':>10}{'p50':>9}{'p99':>9}"
                         f"{'errors':>8}   load average")
            rates = {}
            for name, ports in (("one", [a]), ("two", [a, b])):
                r = drive(ports, requests, clients, seconds)
                rates[name] = r["rps"]
                lines.append(f"{name:<9}{r['rps']:>8.1f}{r['n']:>10,}{r['p50']:>7.1f}ms"
                             f"{r['p99']:>7.1f}ms{len(r['errors']):>8}   {r['load']}")
                lines += [f"    {e}" for e in sorted(set(r["errors"]))[:5]]
            lines.append(f"two servers / one: {rates['two'] / rates['one']:.2f}× "
                         f"on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return lines
