"""Benchmark: the reader's derivative build against sigal's, on the same generated photos.

    .venv/bin/pip install -e '.[bench]'        # sigal, for the baseline
    .venv/bin/python bench/images.py            # 200 photos of 12 megapixels, 2 processes
    .venv/bin/python bench/images.py --count 20 --jobs 2 --keep

Both make the same six files per photo: widths 480, 960 and 1600 in JPEG (quality 82,
optimized, progressive) and WebP (quality 80, method 4), orientation applied, no upscaling,
with the same number of worker processes.

- reader: `reader.images.pipeline.process_many`, as `reader import` runs it (it also hashes
  and keeps the original, and reads the metadata). One decode per photo, in JPEG draft mode.
- sigal: `sigal.image.generate_image`, the function sigal's own build calls for each image
  and size, in a `multiprocessing.Pool` (sigal's `ncpu` does the same); one call per
  (width, format), since sigal makes one size per call.

Each side runs in a fresh subprocess; the table gives wall time, photos per second, and peak
memory: the largest single process (getrusage max RSS) and the largest total over the whole
process tree (sampled from /proc every 50 ms). The photos are generated once (deterministic:
gradients, shapes and seeded noise, so they compress like real photos) and kept in
`--photos` for the next run. Other work on the machine skews the figures: the load average
before and after the run is printed with the table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from multiprocessing import Pool
from pathlib import Path

WIDTHS = (480, 960, 1600)
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}
ROOT = Path(__file__).resolve().parent.parent


# -- the photos ---------------------------------------------------------------------------
def make_photo(args: tuple[int, str, int, int]) -> None:
    from PIL import Image, ImageDraw

    n, folder, width, height = args
    path = Path(folder) / f"photo-{n:04d}.jpg"
    if path.exists():
        return
    gradient = Image.linear_gradient("L").resize((width, height))
    hue = Image.new("RGB", (width, height), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    im = Image.merge("RGB", (gradient, gradient.rotate(180), gradient.transpose(
        Image.Transpose.FLIP_LEFT_RIGHT)))
    im = Image.blend(im, hue, 0.4)
    draw = ImageDraw.Draw(im)
    for k in range(12):
        x, y = (n * 131 + k * 677) % width, (n * 97 + k * 311) % height
        r = 80 + (k * 53) % 400
        draw.ellipse([x - r, y - r, x + r, y + r], fill=((k * 40) % 256, 200 - k * 10, 90))
    # Seeded sensor-like noise: effect_noise is deterministic once Pillow's generator is seeded
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    im = Image.blend(im, noise, 0.15)
    im.save(path, "JPEG", quality=90)


def ensure_photos(folder: Path, count: int, jobs: int, size: tuple[int, int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    missing = [n for n in range(count) if not (folder / f"photo-{n:04d}.jpg").exists()]
    if missing:
        print(f"generating {len(missing)} photos of {size[0]}×{size[1]} in {folder} …",
              file=sys.stderr)
        with Pool(jobs) as pool:
            pool.map(make_photo, [(n, str(folder), *size) for n in missing])
    return sorted(folder.glob("photo-*.jpg"))[:count]


# -- the two contenders (each run in its own subprocess) ----------------------------------
def run_reader(photos: list[Path], out: Path, jobs: int) -> None:
    from reader.images.pipeline import PhotoTask, process_many

    tasks = [PhotoTask(str(p), p.name, str(out)) for p in photos]
    outcomes = process_many(tasks, jobs=jobs)
    bad = [o for o in outcomes if not o.ok]
    if bad:
        raise SystemExit(f"reader failed on {bad[0].name}: {bad[0].error}")


def _sigal_one(args: tuple[str, str, int, str]) -> None:
    from sigal.image import generate_image
    from sigal.settings import _DEFAULT_CONFIG

    src, out, width, fmt = args
    settings = dict(_DEFAULT_CONFIG)
    settings.update(img_size=(width, width), img_format=fmt, autorotate_images=True,
                    copy_exif_data=False, img_processor="ResizeToFit")
    generate_image(src, out, settings, options=JPEG_OPTIONS if fmt == "JPEG" else WEBP_OPTIONS)


def run_sigal(photos: list[Path], out: Path, jobs: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = [(str(p), str(out / f"{p.stem}-{w}.{'jpg' if fmt == 'JPEG' else 'webp'}"), w, fmt)
            for p in photos for w in WIDTHS for fmt in ("JPEG", "WEBP")]
    with Pool(jobs) as pool:
        pool.map(_sigal_one, work, chunksize=1)


def worker(which: str, photos_dir: Path, count: int, out: Path, jobs: int) -> None:
    photos = sorted(photos_dir.glob("photo-*.jpg"))[:count]
    start = time.perf_counter()
    (run_reader if which == "reader" else run_sigal)(photos, out, jobs)
    elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": elapsed, "max_process_kib": max(own, kids)}))


# -- measuring ----------------------------------------------------------------------------
def tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(stat[1])
            rss[int(entry)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(p for p, pp in parents.items() if pp == pid)
    return total


def measure(which: str, photos_dir: Path, count: int, out: Path, jobs: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", which, "--photos", str(photos_dir),
           "--count", str(count), "--out", str(out), "--jobs", str(jobs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{which} failed (exit {proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["tree_peak_kib"] = peak
    files = [p for p in out.rglob("*") if p.suffix in (".jpg", ".webp")]
    result["files"] = len(files)
    result["bytes"] = sum(p.stat().st_size for p in files)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--size", default="4000x3000", help="photo size (default 12 megapixels)")
    ap.add_argument("--photos", type=Path, default=Path("/tmp/reader-bench-photos"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/reader-bench-out"))
    ap.add_argument("--keep", action="store_true", help="keep the derivatives made")
    ap.add_argument("--only", choices=["reader", "sigal"])
    ap.add_argument("--worker", choices=["reader", "sigal"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.photos, args.count, args.out, args.jobs)
        return

    import shutil

    w, h = (int(x) for x in args.size.split("x"))
    photos = ensure_photos(args.photos / args.size, args.count, args.jobs, (w, h))
    load_before = os.getloadavg()
    results = {}
    for which in [args.only] if args.only else ["sigal", "reader"]:
        out = args.out / which
        shutil.rmtree(out, ignore_errors=True)
        print(f"running {which} on {len(photos)} photos with {args.jobs} processes …",
              file=sys.stderr)
        results[which] = measure(which, args.photos / args.size, args.count, out, args.jobs)
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    load_after = os.getloadavg()

    print(f"\n{len(photos)} photos of {w}×{h} ({w * h / 1e6:.0f} MP), "
          f"{sum(p.stat().st_size for p in photos) / 1e6:.0f} MB; widths {WIDTHS} in JPEG and "
          f"WebP; {args.jobs} processes on {os.cpu_count()} cores")
    print(f"load average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
          f"{load_after[2]:.2f}\n")
    head = (f"{'':8} {'seconds':>9} {'photos/s':>9} {'files':>6} {'output MB':>10} "
            f"{'peak process MiB':>17} {'peak tree MiB':>14}")
    print(head)
    print("-" * len(head))
    for which, r in results.items():
        print(f"{which:8} {r['seconds']:9.1f} {len(photos) / r['seconds']:9.2f} {r['files']:6d} "
              f"{r['bytes'] / 1e6:10.1f} {r['max_process_kib'] / 1024:17.0f} "
              f"{r['tree_peak_kib'] / 1024:14.0f}")
    if len(results) == 2:
        s, r = results["sigal"], results["reader"]
        print(f"\nreader vs sigal: {s['seconds'] / r['seconds']:.2f}× as fast; peak tree memory "
              f"{r['tree_peak_kib'] / s['tree_peak_kib']:.2f}× sigal's")


if __name__ == "__main__":
    main()
