"""Benchmark: the reader at newsroom scale (issue 17), the database part.

Search latency p50/p99 over 100,000 synthetic galleries (1.3 million photos; the generator of
bench/archive.py, our own words) on PostgreSQL (tsvector, GIN, unaccent; a throwaway server
started like the tests' own, tests/pg.py) beside SQLite FTS5, on the same data: every gallery
is parsed once and saved into both stores. The 100 queries are bench/archive.py's (places,
names, prefixes, folded accents, two words, common words), through `reader.search.search` (the
store's query, its paging and the marks), one thread, after a warm-up pass.

    .venv/bin/python bench/scale.py [--galleries N] [--jobs N] [--clips N] [--database-url URL]
                                    [--rps-seconds S] [--rps-clients N]

It also measures requests per second of two app servers beside one over one PostgreSQL and
one bucket (bench/scale_servers.py; `--galleries 0` runs only that, `--rps-seconds 0` skips it),
then audio build throughput through the job queue with 1 and 2 workers and their ratio
(bench/scale_workers.py, `worker_rows`; `--clips 0` skips it).

It prints the machine's load average before and after each phase: other work on the machine
shows in every figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from archive import PHOTOS_PER_GALLERY, gallery_text, queries  # noqa: E402

from reader.importers import parse_source  # noqa: E402
from reader.search import search  # noqa: E402
from reader.store import SqliteStore  # noqa: E402
from reader.store.postgres import PostgresStore  # noqa: E402

BATCH = 500


def parse(n: int):
    return parse_source(gallery_text(n).encode(), f"/bench/{n:06d}.txt")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def fill(stores: dict, count: int, jobs: int) -> dict[str, float]:
    """Parse every gallery once (``jobs`` processes) and save it into every store, a batch
    at a time; seconds spent saving, per store."""
    spent = dict.fromkeys(stores, 0.0)
    batch = []

    def flush():
        for name, store in stores.items():
            t = time.perf_counter()
            for gallery, error in store.save_many(batch, batch_size=BATCH):
                if error is not None:
                    raise SystemExit(f"{name}: {gallery.source}: {error}")
            spent[name] += time.perf_counter() - t
        batch.clear()

    with multiprocessing.Pool(jobs) as pool:
        for done, gallery in enumerate(pool.imap(parse, range(count), chunksize=200), 1):
            gallery.slug = None  # each store makes its own
            batch.append(gallery)
            if len(batch) >= BATCH:
                flush()
            if done % 10_000 == 0:
                print(f"  {done:,} galleries stored ({load()})", file=sys.stderr)
    if batch:
        flush()
    return spent


def latencies(store, qs: list[str]) -> tuple[list[float], list[int]]:
    for q in qs:  # warm-up: the page cache, the connection
        search(store, q)
    times, totals = [], []
    for q in qs:
        t = time.perf_counter()
        found = search(store, q)
        times.append((time.perf_counter() - t) * 1000)
        totals.append(found.total)
    return times, totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--galleries", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2, help="parsing processes")
    ap.add_argument("--clips", type=int, default=60, help="new clips each round of the "
                    "audio build with 1 and 2 workers (bench/scale_workers.py; 0: skip)")
    ap.add_argument("--database-url", help="an empty PostgreSQL database to use (default: a "
                    "throwaway server in a temporary folder)")
    ap.add_argument("--rps-seconds", type=float, default=20.0, help="seconds each of the "
                    "one- and two-app-server runs lasts (0 skips them)")
    ap.add_argument("--rps-clients", type=int, default=16, help="client threads")
    args = ap.parse_args()
    if args.rps_seconds:  # requests per second of two app servers beside one
        from scale_servers import two_servers_beside_one

        print("\n".join(two_servers_beside_one(seconds=args.rps_seconds,
                                                clients=args.rps_clients)) + "\n", flush=True)
    if not args.galleries:
        return
    work = Path(tempfile.mkdtemp(prefix="reader-scale-"))
    server = None
    try:
        url = args.database_url
        if not url:
            from tests.pg import Server

            server = Server(options="-c shared_buffers=512MB -c work_mem=16MB").start()
            url = server.new_database()
        stores = {"SQLite FTS5": SqliteStore.in_instance(work / "instance"),
                  "PostgreSQL": PostgresStore(url)}
        photos = args.galleries * PHOTOS_PER_GALLERY
        print(f"filling both stores with {args.galleries:,} galleries ({photos:,} photos); "
              f"{load()}", file=sys.stderr)
        t = time.perf_counter()
        spent = fill(stores, args.galleries, args.jobs)
        print(f"filled in {time.perf_counter() - t:.0f} s; {load()}", file=sys.stderr)
        stores["PostgreSQL"].close()
        with PostgresStore(url)._connection() as con:
            con.execute("VACUUM ANALYZE items")
            con.execute("VACUUM ANALYZE galleries")

        qs = queries()
        print(f"\nsearch over {args.galleries:,} galleries ({photos:,} photos), "
              f"{len(qs)} queries, reader.search.search, one thread")
        print(f"{'store':<14}{'p50':>9}{'p99':>9}{'mean':>9}{'max':>9}   saving   load average")
        results = {}
        for name, store in stores.items():
            before = load()
            times, totals = latencies(store, qs)
            results[name] = totals
            print(f"{name:<14}{pct(times, 50):>7.1f}ms{pct(times, 99):>7.1f}ms"
                  f"{statistics.mean(times):>7.1f}ms{max(times):>7.1f}ms"
                  f"{spent[name]:>7.0f} s   {before.removeprefix('load average ')} → "
                  f"{load().removeprefix('load average ')}")
        same = sum(a == b for a, b in zip(*results.values(), strict=True))
        print(f"same number of matches on both stores: {same} of {len(qs)} queries")
        for q, a, b in zip(qs, *results.values(), strict=True):
            if a != b:
                print(f"  {q!r}: SQLite {a:,}, PostgreSQL {b:,}")
        if args.clips:  # the job queue's part (issue 17): audio build with 1 and 2 workers
            from scale_workers import worker_rows

            print("\n".join(worker_rows(server.new_database() if server else url,
                                         args.clips)))
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
