"""Load test on loopback: N concurrent readers against `reader serve` (waitress) for T seconds.

    .venv/bin/python bench/load.py                 # 50 readers, 60 s, own server, sample gallery
    .venv/bin/python bench/load.py --users 10 --duration 5 --import ../shared/galleries

Each reader is a thread with its own keep-alive connection, looping over what a reader does:
the library page, a gallery page, single photo pages, the gallery's JSON document, and each
photo's audio where the speech feature provides it (`speech.audio` in the document). A static
file (the stylesheet) is mixed into the same loop as the baseline: it goes through the same
server, threads and network path but no app work beyond routing, so "x static" says what the
app itself costs under the same load, in the same run.

Then (--attack seconds, default 30; 0 skips it) the same readers run again beside the
cache-fill attack of bench/cache_attack.py: clients asking for audio and downloads with a new
speech setting each time. It reports the readers' p50/p99 under attack beside the first phase
(the baseline, same run), the attack's statuses (429s: the render rate at work; renders
admitted and refused per attacking address) and the cache's size against the quota, its
largest and final size, and what was evicted (own server: --quota-mib, default 16). Each
attacker sends from its own loopback address (127.0.0.2, …), since renders are admitted per
address: one address alone never presses the quota (--one-address shows that).

Bounded: only 127.0.0.1/localhost/::1; every thread stops at the deadline (and after
--max-requests each); every request has a timeout. Prints a table of count, errors and
p50/p90/p99/max latency per kind, with the p50 of one reader alone on the same server just
before (--alone seconds) as a second baseline, and exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# What a reader's loop asks for, and how often (audio only where it exists).
WEIGHTS = {"library": 1, "gallery": 2, "photo": 4, "api": 1, "audio": 3, "static": 2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(instance: Path, threads: int, imports: list[str], quota_mib: int = 16,
                 render_rate: str = "60/minute") -> tuple[str, subprocess.Popen]:
    reader = str(Path(sys.executable).parent / "reader")
    if imports:
        subprocess.run([reader, "--instance", str(instance), "import", *imports],
                       capture_output=True, text=True)  # bad files are reported, not fatal
    port = free_port()
    # The server's output goes to a file: a pipe nobody reads fills up and stalls the server
    # as soon as waitress logs its "task queue depth" warnings under load.
    log = open(instance.parent / "server.log", "w")  # noqa: SIM115 (closed with the folder)
    proc = subprocess.Popen([reader, "--instance", str(instance), "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--threads", str(threads)],
                            stdout=log, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "READER_MEDIA_QUOTA_MIB": str(quota_mib),
                                 "READER_MEDIA_RENDER_RATE": render_rate})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited: "
                             + (instance.parent / "server.log").read_text())
        try:
            urllib.request.urlopen(base + "/api/galleries", timeout=1).read()
            return base, proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start within 60 s")


def discover(base: str) -> dict[str, list[str]]:
    """The URLs of each kind the readers will ask for."""
    with urllib.request.urlopen(base + "/api/galleries", timeout=10) as r:
        galleries = json.load(r)
    if not galleries:
        raise SystemExit("the library is empty")
    urls: dict[str, list[str]] = defaultdict(list)
    urls["library"] = ["/"]
    urls["static"] = ["/static/reader.css"]
    for g in galleries[:20]:
        slug = g["slug"]
        urls["gallery"].append(f"/g/{slug}/")
        urls["api"].append(f"/api/galleries/{slug}")
        with urllib.request.urlopen(f"{base}/api/galleries/{slug}", timeout=10) as r:
            doc = json.load(r)
        for item in doc["items"]:
            urls["photo"].append(f"/g/{slug}/{item['position']}")
            speech = item.get("speech") or {}
            if speech.get("audio"):
                urls["audio"].append(urlsplit(speech["audio"]).path)
    return dict(urls)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.bytes = 0

    def add(self, kind: str, seconds: float, error: str | None, size: int) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.bytes += size
            if error:
                self.errors[kind].append(error)


def reader_loop(base: str, urls: dict[str, list[str]], deadline: float, max_requests: int,
                results: Results, seed: int) -> None:
    rng = random.Random(seed)
    kinds = [k for k in WEIGHTS if urls.get(k)]
    weights = [WEIGHTS[k] for k in kinds]
    u = urlsplit(base)
    con = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for _ in range(max_requests):
        if time.monotonic() >= deadline:
            break
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(urls[kind])
        t0 = time.perf_counter()
        error, size = None, 0
        try:
            con.request("GET", path, headers={"Accept-Encoding": "gzip"})
            r = con.getresponse()
            size = len(r.read())
            if r.status != 200:
                error = f"{r.status} {path}"
        except (OSError, http.client.HTTPException) as e:
            error = f"{type(e).__name__} {path}"
            con.close()
            con = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        results.add(kind, time.perf_counter() - t0, error, size)
    con.close()


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def report(results: Results, elapsed: float, users: int, load: tuple,
           alone: Results) -> int:
    base_p50 = pct(results.latency.get("static", []), 50)
    print(f"\n{users} readers for {elapsed:.1f} s; machine load average before/after: "
          f"{load[0]:.2f} / {load[1]:.2f} on {os.cpu_count()} cores\n")
    head = (f"{'kind':<10}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p90 ms':>9}"
            f"{'p99 ms':>9}{'max ms':>9}{'p50 x static':>14}{'alone p50':>11}")
    print(head)
    print("-" * len(head))
    total = errors = 0
    everything: list[float] = []
    for kind in WEIGHTS:
        lat = results.latency.get(kind)
        if not lat:
            print(f"{kind:<10}{'(none: not provided by this server)':>40}")
            continue
        n, e = len(lat), len(results.errors.get(kind, []))
        total += n
        errors += e
        everything += lat
        print(f"{kind:<10}{n:>10}{e:>8}{pct(lat, 50) * 1e3:>9.1f}{pct(lat, 90) * 1e3:>9.1f}"
              f"{pct(lat, 99) * 1e3:>9.1f}{max(lat) * 1e3:>9.1f}"
              f"{pct(lat, 50) / base_p50:>14.2f}"
              f"{pct(alone.latency.get(kind, []), 50) * 1e3:>11.1f}")
    print("-" * len(head))
    print(f"{'all':<10}{total:>10}{errors:>8}{pct(everything, 50) * 1e3:>9.1f}"
          f"{pct(everything, 90) * 1e3:>9.1f}{pct(everything, 99) * 1e3:>9.1f}"
          f"{max(everything) * 1e3:>9.1f}")
    print(f"\n{total / elapsed:.0f} requests/s, {results.bytes / elapsed / 2**20:.1f} MiB/s")
    for kind, errs in results.errors.items():
        print(f"errors ({kind}): {errs[:5]}{' …' if len(errs) > 5 else ''}")
    print("RESULT:", "zero errors" if errors == 0 else f"{errors} errors")
    return 0 if errors == 0 else 1


def under_attack(args, base: str, urls: dict[str, list[str]], baseline: Results,
                 tmp) -> int:
    """The readers again, beside the cache-fill attack: their p99 against the baseline."""
    from cache_attack import Attack

    instance = Path(tmp.name) / "instance" if tmp is not None else None
    attack = Attack(base, urls, instance, own_addresses=not args.one_address)
    attack.prebuild()  # the defaults (pinned, outside the quota) are made before sampling
    results = Results()
    load_before = os.getloadavg()[0]
    deadline = time.monotonic() + args.attack
    attackers = attack.run(args.attackers, args.attack)
    readers = [threading.Thread(target=reader_loop, daemon=True,
                                args=(base, urls, deadline, args.max_requests, results, 500 + i))
               for i in range(args.users)]
    for t in readers:
        t.start()
    for t in readers + attackers:
        t.join(args.attack + 120)
    load_after = os.getloadavg()[0]
    print(f"\nthe attack: {args.attackers} clients for {args.attack:.0f} s beside "
          f"{args.users} readers; render rate {args.render_rate} per address; load average "
          f"before/after: {load_before:.2f} / {load_after:.2f} on {os.cpu_count()} cores")
    under = attack.report(args.quota_mib if tmp is not None else None)
    if tmp is not None:
        log = (Path(tmp.name) / "server.log").read_text(errors="replace").splitlines()
        failures = [line for line in log if line.startswith(("ERROR", "Traceback"))
                    or "Error:" in line]
        for line in failures[:8]:
            print("server:", line[:200])
    every = [x for k, v in results.latency.items() for x in v]
    before = [x for k, v in baseline.latency.items() for x in v]
    errors = sum(len(v) for v in results.errors.values())
    print(f"readers under attack: {len(every)} requests, {errors} errors; p50 "
          f"{pct(every, 50) * 1e3:.1f} ms, p99 {pct(every, 99) * 1e3:.1f} ms "
          f"(baseline this run: p50 {pct(before, 50) * 1e3:.1f} ms, "
          f"p99 {pct(before, 99) * 1e3:.1f} ms; x{pct(every, 99) / pct(before, 99):.2f} at p99)")
    print("RESULT (attack):", "cache under quota" if under else "cache OVER quota",
          "and readers unharmed" if errors == 0 else f"and {errors} reader errors")
    return 0 if under and errors == 0 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads (own server)")
    ap.add_argument("--url", help="an already running server on loopback")
    ap.add_argument("--import", dest="imports", nargs="*", default=[],
                    help="gallery files or folders to import first (own server only)")
    ap.add_argument("--max-requests", type=int, default=200_000, help="per reader")
    ap.add_argument("--alone", type=float, default=5.0,
                    help="seconds of one reader alone first (the unloaded baseline)")
    ap.add_argument("--attack", "--attack-seconds", type=float, default=30.0,
                    help="seconds of the cache-fill attack beside the readers (0: none)")
    ap.add_argument("--attackers", type=int, default=8,
                    help="attacking clients, each from its own loopback address")
    ap.add_argument("--one-address", action="store_true",
                    help="every attacker from 127.0.0.1 (the render rate alone holds them)")
    ap.add_argument("--quota-mib", type=int, default=16, help="own server's media quota")
    ap.add_argument("--render-rate", default="60/minute",
                    help="own server's renders admitted per client address (media.render_rate)")
    args = ap.parse_args()
    if not 1 <= args.users <= 500 or not 0 < args.duration <= 600:
        ap.error("--users 1..500 and --duration up to 600 s")

    proc = None
    tmp = None
    if args.url:
        if urlsplit(args.url).hostname not in LOOPBACK:
            ap.error("load tests run on loopback only")
        base = args.url.rstrip("/")
    else:
        tmp = tempfile.TemporaryDirectory(prefix="reader-load-")
        base, proc = start_server(Path(tmp.name) / "instance", args.threads, args.imports,
                                  args.quota_mib, args.render_rate)
    try:
        urls = discover(base)
        print(f"server {base}; " + ", ".join(f"{k}: {len(v)} urls" for k, v in urls.items()))
        # Baseline 2: the same mix from one reader alone, just before the load, same server.
        alone = Results()
        reader_loop(base, urls, time.monotonic() + args.alone, args.max_requests, alone, -1)
        results = Results()
        load_before = os.getloadavg()[0]
        start = time.monotonic()
        deadline = start + args.duration
        threads = [threading.Thread(target=reader_loop, daemon=True,
                                    args=(base, urls, deadline, args.max_requests, results, i))
                   for i in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.duration + 60)
        elapsed = time.monotonic() - start
        status = report(results, elapsed, args.users, (load_before, os.getloadavg()[0]),
                        alone)
        if tmp is not None:
            log = (Path(tmp.name) / "server.log").read_text(errors="replace")
            depth = [int(w.split()[-1]) for w in log.splitlines()
                     if "Task queue depth is" in w]
            print(f"waitress queue warnings: {len(depth)}"
                  + (f" (deepest queue {max(depth)})" if depth else ""))
        if args.attack > 0:
            status = max(status, under_attack(args, base, urls, results, tmp))
        return status
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
