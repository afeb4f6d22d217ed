"""Benchmark section of `bench/size.py` (issue 16): listening to galleries of 13, 200, 1,000
and 2,000 photos (synthetic, our own words).

For each size: one listen part (`/listen/<slug>/<n>.mp3`, cached: the gallery's loading and
that part's words, key and file; over 40 random parts: the median wall time, and the
server process's CPU time per request from /proc, which other work on the machine does not
inflate), and the whole-gallery MP3
(`gallery.mp3`, not yet assembled: time to first byte, total time, peak extra memory of the
server process, from the kernel's peak-RSS counter reset just before the request), then the
same file again (a cache hit); with the ratio to the 13-photo figure.

How a size is prepared: a fresh instance folder (the local media store) holding one gallery
of N photos, served by `reader serve` in a process of its own (so its memory is the
server's alone; `READER_SPEECH_WARM=false`). What is measured is the *cache-warm assembly*:
before the server starts, the audio cache holds every part's FLAC, MP3 and cues, made by
the real engine for a dozen real parts and stored under every part's own key (rendering
2,000 clips with eSpeak NG takes the best part of an hour on this machine's two shared
cores; a part's cost is its audio's length, which these clips have, not its words). The
rendering itself is bench/listen.py's and bench/jobs.py's; the engine workers are processes
of their own, outside the server's memory figure.

    .venv/bin/python bench/size_audio.py [--quick]     (--quick: up to 1,000 photos)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (13, 200, 1000, 2000)
REPEAT = 40
WORDS = ["harbour", "ferry", "market", "lantern", "bridge", "festival", "orchard", "glacier",
         "tram", "fisherman", "mountain", "village", "storm", "parade", "river", "temple",
         "desert", "street", "dancer", "bakery"]


def synthetic_gallery(n: int):
    from reader.model import Gallery, Item

    rng = random.Random(n)
    items = [Item(i, f"The {rng.choice(WORDS)} by the {rng.choice(WORDS)}, photo {i}: "
                     f"{' '.join(rng.choice(WORDS) for _ in range(12))}.",
                  f"{rng.choice(WORDS).title()} Press") for i in range(1, n + 1)]
    return Gallery(f"A synthetic gallery of {n} photos", items, lang="en",
                   standfirst="Made by bench/size_audio.py.")


def real_clips(count: int = 12) -> list[dict[str, bytes]]:
    """Real clips from the engine (every stored format of each), to reuse."""
    from reader.speech.cache import STORED
    from reader.speech.script import SpeechSettings
    from reader.speech.service import Speech

    gallery = synthetic_gallery(count)
    with tempfile.TemporaryDirectory() as tmp:
        speech = Speech(Path(tmp))
        try:
            out = []
            for item in gallery.items:
                u = speech.utterance_for_text(f"Photo {item.position} of 13. {item.caption}",
                                              SpeechSettings(), "en")
                speech.build(u)
                out.append({fmt: speech.cache.read(u.key(fmt), fmt) for fmt in STORED})
            return out
        finally:
            speech.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str, proc: subprocess.Popen, deadline: float = 180.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"bench/size_audio.py: the server exited ({proc.returncode})")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/", timeout=10).read()
            return
        time.sleep(0.1)  # polling for the server to answer (a state), under a deadline
    raise SystemExit("bench/size_audio.py: the server did not answer in time")


@contextlib.contextmanager
def served(n: int, clips: list[dict[str, bytes]], work: Path):
    """(base URL, slug, server pid) of a server on a fresh instance holding an N-photo
    gallery whose parts' audio is in the cache."""
    from reader.media import LocalMedia
    from reader.speech.cache import AudioCache
    from reader.store import Library
    from reader.web import create_app

    instance = work / f"size-{n}"
    gallery = Library.in_instance(instance).save(synthetic_gallery(n))
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, "SPEECH_WARM": False},
                     instance=instance)
    cache = AudioCache(LocalMedia(instance))  # straight into the folder; indexed at start
    with app.test_request_context():
        from reader.web.listen import _utterances

        for i, (_part, u) in enumerate(_utterances(gallery)):
            for fmt, data in clips[i % len(clips)].items():
                cache.put(u.key(fmt), fmt, data)
    app.extensions["speech"].close()
    with sqlite3.connect(instance / "library.sqlite3") as db:  # re-indexed by the server
        db.execute("DELETE FROM media_cache")
    port = _free_port()
    env = dict(os.environ, READER_SPEECH_WARM="false")
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "reader"), "serve", "--instance",
                             str(instance), "--port", str(port), "--threads", "8"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_up(base, proc)
        yield base, gallery.slug, proc.pid
    finally:
        proc.terminate()
        proc.wait(60)


def _kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _get(url: str) -> tuple[float, int]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=1800) as r:
        size = len(r.read())
    return time.perf_counter() - t, size


def measure(base: str, slug: str, pid: int, n: int) -> dict[str, float]:
    rng = random.Random(n)
    listen = f"{base}/listen/{slug}"
    _get(f"{listen}/1.mp3")  # the process warmed up (imports, the engine's voice list)
    cpu = _cpu_seconds(pid)
    part = statistics.median(_get(f"{listen}/{rng.randint(1, n)}.mp3")[0]
                             for _ in range(REPEAT))
    part_cpu = (_cpu_seconds(pid) - cpu) / REPEAT
    before = _kb(pid, "VmRSS")
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # the peak-RSS counter (VmHWM) reset to the current RSS
    t = time.perf_counter()
    with urllib.request.urlopen(f"{listen}/gallery.mp3", timeout=3600) as r:
        size = len(r.read(1))
        first = time.perf_counter() - t
        while block := r.read(1 << 16):
            size += len(block)
    total = time.perf_counter() - t
    peak = _kb(pid, "VmHWM") - before
    hit, _ = _get(f"{listen}/gallery.mp3")
    return {"part": part * 1000, "part_cpu": part_cpu * 1000, "first": first, "total": total,
            "peak": peak / 1024, "mb": size / 1e6, "hit": hit}


def section_rows(quick: bool = False) -> list[tuple[str, str, str, str]]:
    sizes = SIZES[:3] if quick else SIZES
    clips = real_clips()
    results = {}
    with tempfile.TemporaryDirectory(prefix="reader-size-audio-") as tmp:
        for n in sizes:
            with served(n, clips, Path(tmp)) as (base, slug, pid):
                results[n] = measure(base, slug, pid, n)
            print(f"  audio: {n} photos measured (load {os.getloadavg()[0]:.2f})",
                  file=sys.stderr)
    ref = results[sizes[0]]
    rows = []
    for n in sizes:
        r = results[n]
        rows.append((f"listen part (cached), {n} photos", f"{r['part']:.1f} ms",
                     f"{ref['part']:.1f} ms ({sizes[0]}); ≤1.3×",
                     f"{r['part'] / ref['part']:.2f}×"))
    for n in sizes:
        r = results[n]
        rows.append((f"  listen part, server CPU per request, {n} photos",
                     f"{r['part_cpu']:.1f} ms", f"{ref['part_cpu']:.1f} ms ({sizes[0]}); ≤1.3×",
                     f"{r['part_cpu'] / ref['part_cpu']:.2f}×"))
    for n in sizes:
        r = results[n]
        rows.append((f"gallery.mp3 first byte (cache-warm parts), {n} photos",
                     f"{r['first']:.2f} s", f"{ref['first']:.2f} s; target < 1 s",
                     f"{r['first'] / ref['first']:.2f}×"))
        rows.append((f"  gallery.mp3 total ({r['mb']:.1f} MB), {n} photos",
                     f"{r['total']:.2f} s", f"{ref['total']:.2f} s",
                     f"{r['total'] / ref['total']:.2f}×"))
        rows.append((f"  gallery.mp3 server peak memory above start, {n} photos",
                     f"{r['peak']:.0f} MB", "target < 150 MB",
                     f"{r['peak'] / max(ref['peak'], 1):.2f}×"))
        rows.append((f"  gallery.mp3 again (a cache hit), {n} photos", f"{r['hit']:.2f} s",
                     f"{ref['hit']:.2f} s", f"{r['hit'] / ref['hit']:.2f}×"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to 1,000 photos")
    args = parser.parse_args()
    os.environ.setdefault("READER_SPEECH_WARM", "false")
    sys.path.insert(0, str(ROOT / "bench"))
    from size_pages import run_sections

    run_sections([section_rows], args.quick)


if __name__ == "__main__":
    main()
