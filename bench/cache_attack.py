"""The cache-fill attack of issue 15 (finding 1), run by bench/load.py beside its readers.

Attackers (anonymous clients on loopback) ask for audio, listening-mode audio and the
downloads, each time with a new speech setting in the settings cookie, so every request is a
new cache key; before the quota and admission rate one client wrote ~350 MB in 30 s. While
they run, the size of the instance's re-creatable media (audio/, exports/, images/derived/)
is sampled every 0.5 s and compared with the quota.
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


def cache_bytes(instance: Path) -> int:
    total = 0
    for sub in CACHE_FOLDERS:
        for dirpath, _dirs, files in os.walk(instance / sub):
            for f in files:
                with contextlib.suppress(OSError):  # evicted while walking
                    total += os.stat(os.path.join(dirpath, f)).st_size
    return total


class Attack:
    def __init__(self, base: str, urls: dict[str, list[str]], instance: Path | None):
        self.base, self.instance = base, instance
        self.slugs = sorted({p.split("/")[2] for p in urls.get("gallery", [])})
        self.audio = urls.get("audio", [])
        self.statuses: Counter[int | str] = Counter()
        self.written = 0
        self.samples: list[int] = []
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
            con = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
            con.request("GET", f"/g/{slug}/site.zip")
            con.getresponse().read()
            con.close()

    def client(self, seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        u = urlsplit(self.base)
        con = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
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
                con = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            with self.lock:
                self.statuses[status] += 1
                self.written += len(body) if str(status).startswith("200") else 0
        con.close()

    def sampler(self, deadline: float) -> None:
        while self.instance is not None and time.monotonic() < deadline:
            self.samples.append(cache_bytes(self.instance))
            time.sleep(0.5)  # a sampling period, not a wait for a state

    def run(self, clients: int, seconds: float) -> list[threading.Thread]:
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=self.client, args=(1000 + i, deadline), daemon=True)
                   for i in range(clients)]
        threads.append(threading.Thread(target=self.sampler, args=(deadline,), daemon=True))
        for t in threads:
            t.start()
        return threads

    def report(self, quota_mib: int | None) -> bool:
        """Prints the attack's outcome; True when the cache stayed under the quota."""
        print(f"\ncache-fill attack: {sum(self.statuses.values())} requests "
              f"({self.written / 2**20:.1f} MiB sent back; '200 new': an audio render), "
              "statuses "
              + ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=str)))
        if not self.samples:
            print("cache size: not measured (a server of another instance folder)")
            return True
        # What was there before the attack (the derivatives, the default audio: pinned,
        # outside the quota) is the base; what the attack adds must stay within the quota.
        start, peak = self.samples[0], max(self.samples)
        quota = quota_mib * 2**20 if quota_mib else None
        under = quota is None or peak - start <= quota
        print(f"cache size: before the attack {start / 2**20:.1f} MiB, peak "
              f"{peak / 2**20:.1f} MiB, end {self.samples[-1] / 2**20:.1f} MiB; growth "
              f"{(peak - start) / 2**20:.1f} MiB against a quota of "
              + (f"{quota_mib} MiB: {'UNDER' if under else 'OVER'} quota" if quota else "none"))
        return under
