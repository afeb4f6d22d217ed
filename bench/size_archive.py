"""Benchmark section of `bench/size.py` (issue 16): the archive and the editors.

For archives of 1k, 10k and 100k galleries (13 photos each, the words of bench/archive.py;
one archive grown in place, SQLite, the default store):
  - search p50/p99 over bench/archive.py's 100 queries through `reader.search.search`
    (in-process, after a warm-up pass), wall time and CPU time (the machine is shared: under
    load the wall time is mostly waiting for a core), the slowest queries;
  - a `/api/galleries` page (first, middle and last), median of 10;
with the ratio to the 1k-gallery figure. Then an editor's saves (a compare-and-set through a
transaction, as the editor does) while another process bulk-imports 12 galleries of 1,000
photos: median and worst wait, with the ratio to the same save with no import running.

    .venv/bin/python bench/size_archive.py [--quick]

``--quick``: archives of 1k and 10k only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from archive import queries  # noqa: E402
from size_pages import pct, run_sections, synthetic  # noqa: E402

ARCHIVES = (1_000, 10_000, 100_000)
P99_MS = 50
SAVE_MS = 200
BULK_PHOTOS = 1_000


def grow(library, have: int, count: int) -> None:
    """Add galleries ``have``..``count`` (5,000 a transaction: building, not measuring)."""
    while have < count:
        step = min(count, have + 5_000)
        with library.transaction():
            for n in range(have, step):
                library.save(synthetic(n))
        have = step


def search_times(library) -> tuple[list[float], list[float], list[str]]:
    from reader.search import search

    qs = queries()
    for q in qs:
        search(library, q)  # warm: the page cache, the kept connection
    wall, cpu = [], []
    for q in qs:
        t, c = time.perf_counter(), time.process_time()
        search(library, q)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return wall, cpu, qs


def api_pages(client, count: int) -> dict[int, float]:
    last = -(-count // 200)
    out = {}
    for page in dict.fromkeys((1, max(1, last // 2), last)):
        client.get(f"/api/galleries?page={page}")
        times = []
        for _ in range(10):
            t = time.perf_counter()
            r = client.get(f"/api/galleries?page={page}")
            times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
        out[page] = statistics.median(times)
    return out


def archive_rows(counts: tuple[int, ...], work: Path) -> list[tuple[str, str, str, str]]:
    from reader.store import Library
    from reader.web import create_app

    instance = work / "archive"
    library = Library.in_instance(instance)
    rows, have, base = [], 0, {}
    for count in counts:
        t = time.perf_counter()
        grow(library, have, count)
        have, built = count, time.perf_counter() - t
        wall, cpu, qs = search_times(library)
        app = create_app({"LOAD_SAMPLE_IF_EMPTY": False, "SPEECH_WARM": False},
                         instance=instance)
        pages = api_pages(app.test_client(), count)
        figures = {"wall50": pct(wall, 50), "wall99": pct(wall, 99), "cpu50": pct(cpu, 50),
                   "cpu99": pct(cpu, 99), "page": max(pages.values())}
        base = base or figures
        ratio = {k: f"{v / base[k]:.2f}×" for k, v in figures.items()}
        first = f"{counts[0]:,}"
        rows.append((f"search p50 / p99, {count:,} galleries, wall",
                     f"{figures['wall50']:.1f} / {figures['wall99']:.1f} ms",
                     f"p99 target {P99_MS} ms: " + ("met" if figures["wall99"] < P99_MS
                                                     else "MISSED"),
                     f"{ratio['wall50']} / {ratio['wall99']} of {first}"))
        slowest = sorted(zip(cpu, qs, strict=True), reverse=True)[:3]
        rows.append(("  the same, CPU time",
                     f"{figures['cpu50']:.1f} / {figures['cpu99']:.1f} ms",
                     "slowest: " + ", ".join(f"{q!r} {ms:.0f}" for ms, q in slowest),
                     f"{ratio['cpu50']} / {ratio['cpu99']} of {first}"))
        rows.append((f"  /api/galleries page {' / '.join(map(str, pages))}",
                     " / ".join(f"{v:.1f}" for v in pages.values()) + " ms",
                     f"archive built in {built:.0f} s", f"{ratio['page']} of {first} (slowest)"))
    return rows


BULK_CHILD = """
import sys
sys.path[:0] = sys.argv[3:]
from size_pages import synthetic
from reader.store import Library
library = Library(sys.argv[1])
for g, error in library.save_many(synthetic(10_000 + n, int(sys.argv[2])) for n in range(12)):
    assert error is None, error
"""


LOCK_WAITS: list[float] = []  # ms each save spent taking the write lock (begin_immediate)


def count_lock_waits() -> None:
    """Time every `begin_immediate` of this process: the part of a save spent waiting for
    the import, apart from the CPU the save itself needs on a loaded machine."""
    import reader.store.sqlite as sqlite_store

    real = sqlite_store.begin_immediate

    def timed(con):
        t = time.perf_counter()
        real(con)
        LOCK_WAITS.append((time.perf_counter() - t) * 1000)

    sqlite_store.begin_immediate = timed


def editor_save(library, slug: str, n: int) -> float:
    """One save as the editor makes it (read, change, save in one transaction): ms."""
    t = time.perf_counter()
    with library.transaction():
        g = library.get(slug)
        g.items[0].caption = f"Edited {n}."
        library.save(g)
    return (time.perf_counter() - t) * 1000


def editor_rows(work: Path, photos: int = BULK_PHOTOS) -> list[tuple[str, str, str, str]]:
    from reader.store import Library

    library = Library.in_instance(work / "bulk")
    mine = library.save(synthetic(1, 13, "The editor's gallery")).slug
    count_lock_waits()
    alone = [editor_save(library, mine, n) for n in range(30)]
    LOCK_WAITS.clear()
    child = subprocess.Popen([sys.executable, "-c", BULK_CHILD, str(library.path), str(photos),
                              str(ROOT / "bench"), str(ROOT)], cwd=ROOT)
    waits = []
    try:
        while len(library.list()) < 2 and child.poll() is None:  # the import is under way
            time.sleep(0.005)
        while child.poll() is None:
            waits.append(editor_save(library, mine, len(waits)))
    finally:
        child.wait()
    base = statistics.median(alone)
    if not waits:
        return [("editor save during bulk import", "no save overlapped", "", "")]
    worst = max(waits)
    return [(f"editor save during bulk import ({photos}-photo galleries), p50 / max",
             f"{statistics.median(waits):.0f} / {worst:.0f} ms",
             f"{len(waits)} saves; target {SAVE_MS} ms: "
             + ("met" if worst < SAVE_MS else "MISSED"),
             f"{statistics.median(waits) / base:.1f}× / {worst / base:.1f}× of "
             f"{base:.1f} / {max(alone):.0f} ms alone"),
            ("  of which waiting for the write lock, p50 / max",
             f"{statistics.median(LOCK_WAITS):.0f} / {max(LOCK_WAITS):.0f} ms",
             "the rest is the save's own work", "")]


def section_rows(quick: bool = False) -> list[tuple[str, str, str, str]]:
    counts = ARCHIVES[:2] if quick else ARCHIVES
    with tempfile.TemporaryDirectory(prefix="reader-size-archive-") as tmp:
        work = Path(tmp)
        rows = editor_rows(work)
        rows += archive_rows(counts, work)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="archives of 1k and 10k only")
    args = parser.parse_args()
    os.environ.setdefault("READER_SPEECH_WARM", "false")
    run_sections([section_rows], args.quick)


if __name__ == "__main__":
    main()
