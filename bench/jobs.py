"""Does `reader audio build --jobs N` scale with the cores it is given?

    .venv/bin/python bench/jobs.py [--photos 96] [--rounds 3]

One synthetic gallery (distinct captions), its audio built from an empty cache by
`reader audio build` pinned with `taskset`: one and two jobs on one core, one and two jobs
on two cores; the four alternate round by round so that other work on the machine falls on
all of them alike. Prints the median times, the speed-up of two jobs on two cores over one
job on one core, and the load average before and after (the machine's cores are shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIGS = [("0", 1), ("0", 2), ("0,1", 1), ("0,1", 2)]  # (cores, jobs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--photos", type=int, default=96)  # fewer: start-up dominates
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if shutil.which("taskset") is None:
        raise SystemExit("bench/jobs.py: needs taskset (util-linux)")
    sys.path.insert(0, str(ROOT / "bench"))
    from size_audio import synthetic_gallery

    from reader.store import Library

    reader = str(ROOT / ".venv" / "bin" / "reader")
    load_before = os.getloadavg()
    times: dict[tuple[str, int], list[float]] = {c: [] for c in CONFIGS}
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        Library.in_instance(instance).save(synthetic_gallery(args.photos))
        for _ in range(args.rounds):
            for cores, jobs in CONFIGS:
                shutil.rmtree(instance / "audio", ignore_errors=True)  # the local store's
                with sqlite3.connect(instance / "library.sqlite3") as db:  # and its index
                    db.execute("DELETE FROM media_cache")
                t = time.perf_counter()
                subprocess.run(["taskset", "-c", cores, reader, "audio", "build", "--jobs",
                                str(jobs), "--instance", str(instance)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[(cores, jobs)].append(time.perf_counter() - t)
    load_after = os.getloadavg()
    print(f"{args.photos} photos, {args.rounds} rounds, median seconds (all runs)")
    for (cores, jobs), ts in times.items():
        print(f"  cores {cores:4} jobs {jobs}: {statistics.median(ts):7.2f}   "
              + " ".join(f"{t:.2f}" for t in ts))
    one = statistics.median(times[("0", 1)])
    two = statistics.median(times[("0,1", 2)])
    print(f"two jobs on two cores: {one / two:.2f}x one job on one core")
    print(f"load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/"
          f"{load_before[2]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f}/"
          f"{load_after[2]:.2f}; {os.cpu_count()} CPUs shared with other work")


if __name__ == "__main__":
    main()
