"""Benchmark: the reader as an archive (issue 9).

Generates a deterministic synthetic archive (10,000 gallery texts, 13 photos each = 130,000
photos; captions made from the word lists below, our own words), then reports in one run:

  1. bulk import (`reader import DIR`, batched) time and rate, against a baseline of the same
     texts saved one transaction per gallery (measured on a slice, in this run);
  2. search latency p50/p99 over 100 queries through HTTP against `reader serve` on loopback
     (target p99 < 50 ms), against a baseline of the same queries as a LIKE scan without the
     index (on a slice of the queries);
  3. library page render time at page 1 vs page 500 (baseline: page 1);
  4. bytes of a single-photo page with its CSS and JS, excluding photo and audio
     (baseline: the 30 KB budget).

    .venv/bin/python bench/archive.py [--galleries N] [--keep DIR]

It prints the machine's load average before and after: other work on the machine shows in
every figure.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PHOTOS_PER_GALLERY = 13
BUDGET = 30 * 1024
P99_TARGET_MS = 50

PLACES = ["Vålmora", "Ostrék", "Bélvár", "Kastelló", "Marrowby", "Ternholm", "Lisgard",
          "Port Aubène", "Quillon", "Drevnik", "Saltcombe", "Érmezö", "Hallowfen", "Brisca",
          "Nordvik", "Olumé", "Castelbrí", "Wenmouth", "Tarrask", "Sólheim", "Pellarine",
          "Fjarå", "Mirrowdale", "Zsenta", "Corvanne", "Ashgrove", "Lüderitzen", "Kelbrook",
          "Santa Orlá", "Veyrac", "Dunmorrow", "Istraña", "Belcaro", "Thornwick", "Újvira",
          "Rennesby", "Calloway Sound", "Gölcük Ova", "Maravel", "Stenhaven"]
FIRST = ["Ada", "Björn", "Chiara", "Dmitri", "Élodie", "Farid", "Greta", "Hiroshi", "Ines",
         "Jonás", "Kamala", "Lars", "Mireille", "Nuno", "Oona", "Pavel", "Quentin", "Rosa",
         "Søren", "Tomás", "Ulla", "Vikram", "Wanjiru", "Xavier", "Yusuf", "Zoë", "Amara",
         "Bülent", "Celia", "Desmond"]
LAST = ["Lund", "Moreno", "Quist", "Okafor", "Dufrêne", "Haddad", "Kowalczyk", "Nakamura",
        "Ferreira", "Holt", "Marsh", "Brennan", "Sánchez", "Ivanova", "Lindqvist", "Adeyemi",
        "Ritter", "Costa", "Novák", "Farrow", "Ekström", "Mbeki", "Castell", "Orsini", "Vance",
        "Kılınç", "Rowe", "Takács", "Delacroix", "Whitlow"]
AGENCIES = ["Reader Desk", "Harbour Wire", "Northlight Agency", "Coastal Camera",
            "Open Lens Collective", "Valley Press Pictures"]
SECTIONS = ["In Pictures", "Features", "News", "Sport", "Culture", "Science"]
SUBJECTS = ["Fishermen", "Schoolchildren", "Nurses", "Volunteers", "Farmers", "Musicians",
            "Firefighters", "Street sweepers", "Bakers", "Cyclists", "Dock workers", "Pilgrims",
            "Market traders", "Students", "Rescue teams", "Dancers", "Beekeepers", "Miners",
            "Ferry crews", "Grandparents", "Shepherds", "Lifeguards", "Carpenters", "Weavers"]
ACTIONS = ["repair", "carry", "gather around", "unload", "paint", "sort", "guard", "clean",
           "celebrate beside", "wait next to", "rebuild", "decorate", "inspect", "pull",
           "push", "photograph", "measure", "sell", "pack", "lift"]
OBJECTS = ["fishing nets", "a wooden bridge", "crates of apples", "lanterns", "a flooded road",
           "the old clock tower", "bicycles", "sandbags", "a tram", "bales of hay",
           "a stage of planks", "bread ovens", "banners", "the harbour wall", "beehives",
           "snow fences", "a field kitchen", "folding chairs", "a rowing boat", "seed trays",
           "a broken dam", "the station roof", "copper pans", "a wind pump"]
TIMES = ["at dawn", "before the storm", "after the flood", "during the festival",
         "on the first day of spring", "as the ferry arrives", "in heavy rain", "at midday",
         "under floodlights", "after the harvest", "on market day", "in the first snow"]
ADJECTIVES = ["Wide", "Close", "Blurred", "Overhead", "Low", "Quiet", "Crowded", "Dim",
              "Bright", "Distant"]
NOUNS = ["view", "shot", "scene", "portrait", "street", "shoreline", "courtyard", "hall"]


def caption(rng: random.Random, place: str) -> str:
    return (f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)} in {place} "
            f"{rng.choice(TIMES)}.")


def gallery_text(n: int) -> str:
    rng = random.Random(n)
    place = rng.choice(PLACES)
    year = 2000 + n * 27 // 10_000 % 27  # 27 years over a full archive, oldest first
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    section = rng.choice(SECTIONS)
    title = f"Photos: {rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)} in {place}, day {n}"
    lines = [f" date {date} {section}", "", "News|In Pictures", "", title, "",
             f"In {place}, {rng.choice(SUBJECTS).lower()} {rng.choice(ACTIONS)} "
             f"{rng.choice(OBJECTS)} {rng.choice(TIMES)}, a story told in "
             f"{PHOTOS_PER_GALLERY} photographs.", ""]
    for k in range(PHOTOS_PER_GALLERY):
        credit = f"{rng.choice(FIRST)} {rng.choice(LAST)}/{rng.choice(AGENCIES)}"
        lines.append(f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} of "
                     f"{rng.choice(OBJECTS)} {rng.choice(TIMES)}")
        lines.append(f"{caption(rng, place)} [{credit}]")
        if k == 0:
            lines += [f"Published On {date}", "",
                      f"The people of {place} have done this every year for a generation.", ""]
    return "\n".join(lines) + "\n"


def generate(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:05d}.txt").write_text(gallery_text(n), encoding="utf-8")


def queries() -> list[str]:
    """100 queries, fixed: places, names, prefixes, folded accents, two words, rare and
    common words."""
    rng = random.Random(2026)
    out: list[str] = []
    for _ in range(30):
        out.append(rng.choice(PLACES))
    for _ in range(20):
        out.append(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    for _ in range(15):
        out.append(rng.choice(LAST)[:4])  # a prefix
    for name in ("bulent", "kilinc", "zoe", "dufrene", "novak", "solheim", "ujvira",
                 "elodie", "jonas", "soren"):
        out.append(name)  # without the diacritics the names have
    for _ in range(15):
        out.append(f"{rng.choice(SUBJECTS).split()[0].lower()} {rng.choice(PLACES)}")
    out += ["flood", "harbour", "snow", "bread", "festival", "dam", "ferry", "tram", "in",
            "the"]  # common words, "the" and "in" in nearly every photo
    assert len(out) == 100
    return out


# -- measuring ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, instance: Path):
        self.port = free_port()
        env = dict(os.environ, READER_INSTANCE=str(instance))
        self.proc = subprocess.Popen([str(BIN / "reader"), "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/")
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def get(self, path: str, conn: http.client.HTTPConnection | None = None,
            headers: dict | None = None) -> tuple[float, bytes, dict]:
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        t = time.perf_counter()
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t) * 1000
        if r.status != 200:
            raise SystemExit(f"GET {path}: {r.status}")
        if conn is None:
            c.close()
        return ms, body, dict(r.getheaders())

    def timed(self, path: str) -> tuple[float, bytes]:
        ms, body, _ = self.get(path, self.conn)
        return ms, body

    def stop(self) -> None:
        self.conn.close()
        self.proc.terminate()
        self.proc.wait(timeout=20)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def like_search(db: Path, query: str) -> float:
    """Baseline: the same words as LIKE '%word%' over every caption, description, credit and
    title, without any index (what a search costs without FTS)."""
    words = query.split()
    con = sqlite3.connect(db)
    cond = " AND ".join("(i.caption LIKE ? OR i.alt LIKE ? OR i.credit LIKE ? OR g.title LIKE ?)"
                        for _ in words)
    params = [f"%{w}%" for w in words for _ in range(4)]
    t = time.perf_counter()
    con.execute(f"SELECT count(*) FROM items i JOIN galleries g ON g.id = i.gallery_id "
                f"WHERE {cond}", params).fetchone()
    con.execute(f"SELECT i.id FROM items i JOIN galleries g ON g.id = i.gallery_id "
                f"WHERE {cond} LIMIT 20", params).fetchall()
    ms = (time.perf_counter() - t) * 1000
    con.close()
    return ms


def baseline_import(texts: Path, instance: Path, count: int) -> float:
    """Seconds to save ``count`` texts one transaction per gallery (the path before batching)."""
    sys.path.insert(0, str(ROOT))
    from reader.importers import gallery_files, load_file
    from reader.store import Library

    library = Library.in_instance(instance)
    files = gallery_files(texts)[:count]
    t = time.perf_counter()
    for f in files:
        library.save(load_file(f).gallery)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--galleries", type=int, default=10_000)
    ap.add_argument("--baseline-galleries", type=int, default=1_000)
    ap.add_argument("--jobs", type=int, default=1, help="`reader import --jobs` (parsing "
                    "processes)")
    ap.add_argument("--keep", type=Path, help="keep the texts and instance in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    texts, instance, base_instance = work / "texts", work / "instance", work / "baseline"
    for d in (instance, base_instance):
        shutil.rmtree(d, ignore_errors=True)
    load_before = os.getloadavg()
    rows: list[tuple[str, str, str, str]] = []  # measure, value, baseline, ratio

    t = time.perf_counter()
    generate(texts, args.galleries)
    gen_s = time.perf_counter() - t
    photos = args.galleries * PHOTOS_PER_GALLERY
    print(f"generated {args.galleries:,} gallery texts ({photos:,} photos) in {gen_s:.1f} s "
          f"in {work}", file=sys.stderr)

    # 1. bulk import
    env = dict(os.environ, READER_INSTANCE=str(instance))
    t = time.perf_counter()
    done = subprocess.run([str(BIN / "reader"), "import", "--jobs", str(args.jobs), str(texts)],
                          env=env,
                          capture_output=True, text=True)
    import_s = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stderr[-2000:]}")
    rate = args.galleries / import_s
    nb = min(args.baseline_galleries, args.galleries)
    base_s = baseline_import(texts, base_instance, nb)
    base_rate = nb / base_s
    rows.append((f"bulk import, galleries/s (batched, --jobs {args.jobs})", f"{rate:,.0f}",
                 f"{base_rate:,.0f} (1 tx/gallery, {nb:,})", f"{rate / base_rate:.2f}×"))
    rows.append(("bulk import, photos/s", f"{rate * PHOTOS_PER_GALLERY:,.0f}",
                 f"{base_rate * PHOTOS_PER_GALLERY:,.0f}", f"{rate / base_rate:.2f}×"))
    rows.append(("bulk import, total time", f"{import_s:.1f} s", "", ""))
    db = instance / "library.sqlite3"
    rows.append(("library file size", f"{db.stat().st_size / 2**20:.0f} MiB", "", ""))

    # 2. search latency through HTTP
    server = Server(instance)
    try:
        qs = queries()
        for q in qs[:10]:  # warm the page cache and the server's threads
            server.timed("/api/search?q=" + urllib.parse.quote(q))
        passes = [[server.timed("/api/search?q=" + urllib.parse.quote(q))[0] for q in qs]
                  for _ in range(3)]
        api = passes[0]
        best = [min(times) for times in zip(*passes, strict=True)]  # preemption filtered out
        page = [server.timed("/search?q=" + urllib.parse.quote(q))[0] for q in qs]
        like = [like_search(db, q) for q in qs[::10]]
        slowest = sorted(zip(api, qs, strict=True), reverse=True)[:3]
        p50, p99 = pct(api, 50), pct(api, 99)
        rows.append(("search p50, GET /api/search (100 queries)", f"{p50:.1f} ms",
                     f"{pct(like, 50):.1f} ms (LIKE scan, 10 q)",
                     f"{p50 / pct(like, 50):.3f}×"))
        rows.append((f"search p99, GET /api/search (target < {P99_TARGET_MS} ms)",
                     f"{p99:.1f} ms", f"{max(like):.1f} ms (LIKE max)",
                     f"{p99 / max(like):.3f}×"))
        rows.append(("search p50 / p99, each query's best of 3 passes",
                     f"{pct(best, 50):.1f} / {pct(best, 99):.1f} ms", "", ""))
        rows.append(("search p50 / p99, GET /search (HTML page)",
                     f"{pct(page, 50):.1f} / {pct(page, 99):.1f} ms", "", ""))

        # 3. library page 1 vs 500
        def median_of(path: str, n: int = 30) -> float:
            server.timed(path)
            return statistics.median(server.timed(path)[0] for _ in range(n))

        last_page = -(-args.galleries // 20)
        p1 = median_of("/")
        p500 = median_of(f"/?page={min(500, last_page)}")
        mid_year = 2000 + args.galleries // 2 * 27 // 10_000 % 27
        p_filtered = median_of(f"/?section=Culture&year={mid_year}")
        rows.append(("library page 1, median of 30", f"{p1:.1f} ms", f"{p1:.1f} ms", "1.00×"))
        rows.append((f"library page {min(500, last_page)}, median of 30", f"{p500:.1f} ms",
                     f"{p1:.1f} ms (page 1)", f"{p500 / p1:.2f}×"))
        rows.append(("library, section + year filter", f"{p_filtered:.1f} ms",
                     f"{p1:.1f} ms (page 1)", f"{p_filtered / p1:.2f}×"))

        # 3b. the same in-process, as CPU time: steadier than wall time on a shared machine
        cpu = cpu_times(instance, qs, min(500, last_page))
        rows.append(("  CPU per search, in-process p50 / p99",
                     f"{pct(cpu['search'], 50):.1f} / {pct(cpu['search'], 99):.1f} ms", "", ""))
        c1, cn = statistics.median(cpu["page1"]), statistics.median(cpu["pageN"])
        rows.append((f"  CPU per library page 1 / {min(500, last_page)}, in-process median",
                     f"{c1:.1f} / {cn:.1f} ms", "", f"{cn / c1:.2f}×"))

        # 4. single-photo page weight
        _, html, _ = server.get("/g/" + first_slug(db) + "/1")
        assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html) + \
            re.findall(rb'<script[^>]+src="([^"]+)"', html)
        total = len(html)
        zipped = len(gzip.compress(html))
        for url in assets:
            _, body, _ = server.get(url.decode())
            total += len(body)
            zipped += len(gzip.compress(body))
        rows.append((f"single-photo page + {len(assets)} CSS/JS, uncompressed",
                     f"{total:,} B", f"{BUDGET:,} B (budget)", f"{total / BUDGET:.2f}×"))
        rows.append(("  the same, gzip", f"{zipped:,} B", f"{total:,} B", f"{zipped / total:.2f}×"))
    finally:
        server.stop()

    load_after = os.getloadavg()
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':>14}  {'baseline':<34} ratio")
    for name, value, base, ratio in rows:
        print(f"{name:<{width}}  {value:>14}  {base:<34} {ratio}")
    print("\nslowest queries: " + ", ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))
    print(f"p99 target {'met' if p99 < P99_TARGET_MS else 'MISSED'}; page weight "
          f"{'within' if total < BUDGET else 'OVER'} budget")
    print(f"load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/"
          f"{load_before[2]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f}/"
          f"{load_after[2]:.2f}; {os.cpu_count()} CPUs")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def cpu_times(instance: Path, qs: list[str], page_n: int) -> dict[str, list[float]]:
    """CPU milliseconds (this process) per search and per library page render, in-process."""
    sys.path.insert(0, str(ROOT))
    from reader.search import search
    from reader.web import create_app

    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    library = app.extensions["library"]
    client = app.test_client()
    out: dict[str, list[float]] = {"search": [], "page1": [], "pageN": []}
    for q in qs:
        search(library, q)  # warm
        t = time.process_time()
        search(library, q)
        out["search"].append((time.process_time() - t) * 1000)
    for key, path in (("page1", "/"), ("pageN", f"/?page={page_n}")):
        client.get(path)
        for _ in range(30):
            t = time.process_time()
            client.get(path)
            out[key].append((time.process_time() - t) * 1000)
    return out


def first_slug(db: Path) -> str:
    con = sqlite3.connect(db)
    slug = con.execute("SELECT slug FROM galleries ORDER BY id LIMIT 1").fetchone()[0]
    con.close()
    return slug


if __name__ == "__main__":
    main()
