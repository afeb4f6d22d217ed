"""Benchmark section of `bench/size.py` (issue 16): pages and exports.

For galleries of 13, 200, 1,000 and 2,000 photos (synthetic, our own words):
  - the single-photo page's CPU time (in-process, median of 30) and its bytes with CSS/JS;
  - the static site export's time (and per photo) and the export process's peak memory
    above what it held before, each in a child process;
with the ratio to the 13-photo figure. (The archive and the editors are `size_archive`.)

    .venv/bin/python bench/size_pages.py [--quick]

``--quick``: galleries up to 1,000 photos. The export is measured without speech
(``SPEECH_LIBRARY`` pointing nowhere): clip rendering is the audio bench's, and linear anyway;
this measures what the export itself adds. `section_rows()` is what bench/size.py calls; each
row is (measure, value, baseline, ratio).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive import (  # noqa: E402  (the archive bench's words and queries)
    ACTIONS,
    AGENCIES,
    FIRST,
    LAST,
    OBJECTS,
    PLACES,
    SECTIONS,
    SUBJECTS,
    TIMES,
    caption,
)

BUDGET = 30 * 1024
SIZES = (13, 200, 1000, 2000)
NO_SPEECH = "/nonexistent/libespeak-ng.so.1"


def synthetic(n: int, photos: int = 13, title: str | None = None):
    from reader.model import Gallery, Item

    rng = random.Random(n)
    place = rng.choice(PLACES)
    year = 2000 + n % 27
    return Gallery(
        title=title or f"{rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)} in {place}, day {n}",
        section=rng.choice(SECTIONS), date=f"{year}-{rng.randint(1, 12):02d}-"
                                            f"{rng.randint(1, 28):02d}",
        standfirst=f"In {place}, {rng.choice(SUBJECTS).lower()} {rng.choice(ACTIONS)} "
                   f"{rng.choice(OBJECTS)} {rng.choice(TIMES)}.", lang="en",
        source=f"/bench/{n}/{photos}.txt",
        items=[Item(position=k, caption=caption(rng, place), alt=None,
                    credit=f"{rng.choice(FIRST)} {rng.choice(LAST)}/{rng.choice(AGENCIES)}")
               for k in range(1, photos + 1)])


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


# -- photo pages and exports ----------------------------------------------------------------
def photo_pages(instance: Path, slugs: dict[int, str]) -> dict[int, tuple[float, int]]:
    """Median CPU ms of the middle photo's page, and its bytes with CSS/JS, per size."""
    from reader.web import create_app

    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False, "SPEECH_WARM": False}, instance=instance)
    client = app.test_client()
    out = {}
    for size, slug in slugs.items():
        url = f"/g/{slug}/{size // 2 + 1}"
        html = client.get(url).data
        times = []
        for _ in range(30):
            t = time.process_time()
            r = client.get(url)
            times.append((time.process_time() - t) * 1000)
            assert r.status_code == 200
        total = len(html)
        for asset in re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html) + \
                re.findall(rb'<script[^>]+src="([^"]+)"', html):
            total += len(client.get(asset.decode()).data)
        out[size] = (statistics.median(times), total)
    return out


EXPORT_CHILD = """
import json, sys, tempfile, time
from pathlib import Path

def rss(field):
    for line in open('/proc/self/status'):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

from reader.web.export_site import export_app, export_site
app = export_app(sys.argv[1], {"SPEECH_LIBRARY": sys.argv[3]})
with app.app_context():
    app.extensions["library"].get(sys.argv[2])
before = rss('VmRSS')
with tempfile.TemporaryDirectory() as tmp:
    t, c = time.perf_counter(), time.process_time()
    export_site(app, sys.argv[2], Path(tmp) / 'site')
    took, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"seconds": took, "cpu": cpu, "peak_extra_mb": rss('VmHWM') - before}))
"""


def export_one(instance: Path, slug: str) -> dict:
    out = subprocess.run([sys.executable, "-c", EXPORT_CHILD, str(instance), slug, NO_SPEECH],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def gallery_rows(sizes: tuple[int, ...], work: Path) -> list[tuple[str, str, str, str]]:
    from reader.store import Library

    instance = work / "sizes"
    library = Library.in_instance(instance)
    slugs = {size: library.save(synthetic(size, size, f"A gallery of {size} photos")).slug
             for size in sizes}
    pages = photo_pages(instance, slugs)
    base_cpu, _ = pages[sizes[0]]
    rows = []
    for size in sizes:
        cpu, weight = pages[size]
        rows.append((f"photo page CPU, {size} photos", f"{cpu:.2f} ms",
                     f"{base_cpu:.2f} ms ({sizes[0]})", f"{cpu / base_cpu:.2f}×"))
        rows.append((f"  photo page + CSS/JS, {size} photos", f"{weight:,} B",
                     f"{BUDGET:,} B budget", "within" if weight <= BUDGET else "OVER"))
    exports = {size: export_one(instance, slugs[size]) for size in sizes}
    per13 = exports[sizes[0]]["cpu"] / sizes[0]
    for size in sizes:
        e = exports[size]
        per = e["cpu"] / size
        rows.append((f"site export (no speech), {size} photos, CPU (wall)",
                     f"{e['cpu']:.2f} s ({e['seconds']:.1f})", f"{per * 1000:.1f} ms/photo",
                     f"{per / per13:.2f}× per photo"))
        rows.append((f"  export peak memory above start, {size} photos",
                     f"{e['peak_extra_mb']:.0f} MB", "", ""))
    return rows


def section_rows(quick: bool = False) -> list[tuple[str, str, str, str]]:
    sizes = SIZES[:3] if quick else SIZES
    with tempfile.TemporaryDirectory(prefix="reader-size-") as tmp:
        return gallery_rows(sizes, Path(tmp))


def print_rows(rows: list[tuple[str, str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>16}  {'baseline':<26} ratio")
    for name, value, base, ratio in rows:
        print(f"{name:<{width}}  {value:>16}  {base:<26} {ratio}")


def run_sections(makers, quick: bool) -> None:
    """Every section's rows (``make(quick)`` each), then the table and the load average before
    and after: what bench/size.py and each section run on its own print."""
    before = os.getloadavg()
    rows = [row for make in makers for row in make(quick)]
    after = os.getloadavg()
    print_rows(rows)
    print(f"load average (1/5/15 min) before {before[0]:.2f}/{before[1]:.2f}/{before[2]:.2f}, "
          f"after {after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f}; {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (see the doc)")
    args = parser.parse_args()
    os.environ.setdefault("READER_SPEECH_WARM", "false")
    run_sections([section_rows], args.quick)


if __name__ == "__main__":
    main()
