"""The cache-fill attack of issue 15 (finding 1), run by bench/load.py beside its readers.

Attackers (anonymous clients on loopback) ask for audio, listening-mode audio and the
downloads, each time with a new speech setting in the settings cookie, so every request is a
new cache key; before the quota and admission rate one client wrote ~350 MB in 30 s.

Renders are admitted per client address, so one address alone is held to the render rate
(60 a minute by default) and never reaches the quota. Like a real attacker with many
addresses, each attacking client here sends from its own loopback address (127.0.0.2,
127.0.0.3, …: Linux routes the whole 127.0.0.0/8 to lo, and the server sees each as a
client of its own, as the per-address counts in the report show). While they run, the size
of the instance's re-creatable media (audio/, exports/, images/derived/) is sampled every
0.5 s and compared with the quota.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

CACHE_FOLDERS = ("audio", "exports", "images/derived")


def cache_files(instance: Path) -> dict[str, int]:
    """Every re-creatable file under the instance folder, with its size."""
    found = {}
    for sub in CACHE_FOLDERS:
        for dirpath, _dirs, files in os.walk(instance / sub):
            for f in files:
                path = os.path.join(dirpath, f)
                with contextlib.suppress(OSError):  # evicted while walking
                    found[path] = os.stat(path).st_size
    return found


def cache_bytes(instance: Path) -> int:
    return sum(cache_files(instance).values())


class Attack:
    def __init__(self, base: str, urls: dict[str, list[str]], instance: Path | None,
                 own_addresses: bool = True):
        self.base, self.instance = base, instance
        # Each client its own source address, where the server listens on IPv4 loopback.
        self.own_addresses = own_addresses and urlsplit(base).hostname == "127.0.0.1"
        self.by_address: dict[str, Counter[int | str]] = {}
        self.slugs = sorted({p.split("/")[2] for p in urls.get("gallery", [])})
        self.audio = urls.get("audio", [])
        self.statuses: Counter[int | str] = Counter()
        self.written = 0
        self.samples: list[int] = []
        self.gone: dict[str, int] = {}  # files evicted while the attack ran
        self.before = 0  # every cached byte when the attack started
        self.largest: dict[str, int] = {}  # every file under the quota seen, with its size
        self.lock = threading.Lock()

    def targets(self, rng: random.Random) -> str:
        slug = rng.choice(self.slugs)
        return rng.choice([
            rng.choice(self.audio) if self.audio else f"/audio/{slug}/1.mp3",
            f"/listen/{slug}/1.mp3", f"/g/{slug}/site.zip", f"/g/{slug}/book.epub"])

    def prebuild(self) -> None:
        """What the configured defaults make (the site.zip of each gallery renders every
        default clip), as `reader audio build` would have: pinned, outside the quota, so the
        attack's growth is what the quota must bound."""
        u = urlsplit(self.base)
        for slug in self.slugs:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:  # 202 while it is built in the background
                con = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
                con.request("GET", f"/g/{slug}/site.zip")
                r = con.getresponse()
                r.read()
                con.close()
                if r.status != 202:
                    break
                time.sleep(0.2)  # polling for the build's end, with a deadline

    def address(self, i: int) -> str | None:
        return f"127.0.0.{2 + i}" if self.own_addresses and i < 250 else None

    def client(self, seed: int, deadline: float, source: str | None = None) -> None:
        rng = random.Random(seed)
        u = urlsplit(self.base)
        bind = (source, 0) if source else None
        counts = self.by_address.setdefault(source or "127.0.0.1", Counter())

        def connect():
            return http.client.HTTPConnection(u.hostname, u.port, timeout=60,
                                              source_address=bind)

        con = connect()
        while time.monotonic() < deadline:
            cookie = (f"reader_settings=speech_rate={rng.randint(80, 450)}"
                      f"&speech_describe={rng.choice(['on', 'off'])}")
            path = self.targets(rng).split("?")[0]
            try:
                con.request("GET", path, headers={"Cookie": cookie})
                r = con.getresponse()
                body = r.read()
                status: int | str = r.status
                if r.getheader("X-Speech-Cache") == "miss":
                    status = f"{r.status} new"
            except (OSError, http.client.HTTPException) as e:
                status, body = type(e).__name__, b""
                con.close()
                con = connect()
            with self.lock:
                self.statuses[status] += 1
                counts[status] += 1
                self.written += len(body) if str(status).startswith("200") else 0
        con.close()

    def sampler(self, deadline: float) -> None:
        seen: dict[str, int] = {}
        pinned: set[str] | None = None
        while self.instance is not None:
            now = cache_files(self.instance)
            if pinned is None:  # the pre-built default audio: pinned, outside the quota
                pinned = {n for n in now if f"{os.sep}audio{os.sep}" in n}
                self.before = sum(now.values())
            # What the quota bounds: everything else (exports and derivatives count too).
            self.samples.append(sum(size for n, size in now.items() if n not in pinned))
            self.largest.update({n: size for n, size in now.items() if n not in pinned})
            # A file seen in one sample and gone from a later one was evicted.
            self.gone.update({n: s for n, s in seen.items() if n not in now})
            seen.update(now)
            if time.monotonic() >= deadline:
                break  # that was the final size
            time.sleep(0.5)  # a sampling period, not a wait for a state

    def run(self, clients: int, seconds: float) -> list[threading.Thread]:
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=self.client, daemon=True,
                                    args=(1000 + i, deadline, self.address(i)))
                   for i in range(clients)]
        threads.append(threading.Thread(target=self.sampler, args=(deadline,), daemon=True))
        for t in threads:
            t.start()
        return threads

    @staticmethod
    def admitted(counts: Counter) -> int:
        """New audio rendered ('200 new') and exports started (202: being built)."""
        return counts.get("200 new", 0) + counts.get(202, 0)

    def report(self, quota_mib: int | None) -> bool:
        """Prints the attack's outcome; True when the cache stayed under the quota."""
        print(f"\ncache-fill attack: {sum(self.statuses.values())} requests from "
              f"{len(self.by_address)} addresses "
              f"({self.written / 2**20:.1f} MiB sent back; '200 new': an audio render), "
              "statuses "
              + ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=str)))
        print(f"renders admitted {self.admitted(self.statuses)}, refused (429) "
              f"{self.statuses.get(429, 0)}, no room (507) {self.statuses.get(507, 0)}; "
              "per address admitted/refused: "
              + ", ".join(f"{a} {self.admitted(c)}/{c.get(429, 0)}"
                          for a, c in sorted(self.by_address.items())))
        if not self.samples:
            print("cache size: not measured (a server of another instance folder)")
            return True
        # What was there before the attack (the derivatives, the default audio: pinned,
        # outside the quota) is the base; what the attack adds must stay within the quota.
        start, peak, end = self.samples[0], max(self.samples), self.samples[-1]
        quota = quota_mib * 2**20 if quota_mib else None
        # A new file is written before the evictions it causes, and a file being served is not
        # evicted: a sample may catch the cache over the quota by about one file.
        largest = max(self.largest.values(), default=0)
        under = quota is None or (end <= quota and peak <= quota + largest)
        mib = 2**20
        print(f"cache size ({len(self.samples)} samples, 0.5 s apart): all cached files before "
              f"the attack {self.before / mib:.1f} MiB, of which under the quota "
              f"{start / mib:.1f} MiB (the pre-built default audio is pinned, outside it); "
              f"under the quota: max {peak / mib:.1f} MiB, final {end / mib:.1f} MiB, of a "
              "quota of "
              + (f"{quota_mib} MiB ({100 * peak / quota:.0f}% at most): "
                 f"{'UNDER' if under else 'OVER'} quota (final at most the quota, max at "
                 f"most one file over: the largest was {largest / mib:.1f} MiB)"
                 if quota else "none"))
        print(f"evicted while sampled: {len(self.gone)} files, "
              f"{sum(self.gone.values()) / mib:.1f} MiB")
        return under
