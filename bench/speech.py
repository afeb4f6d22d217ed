"""Speech benchmark on the seed gallery: the reader against its floors, measured in one run.

    .venv/bin/python bench/speech.py [--repeat N] [--seed PATH]

Prints a table:
- floor: libespeak-ng alone rendering every seed item's script synchronously in one process
  (ctypes, no pyttsx3, no reader): the least any reader on this engine can spend;
- pyttsx3 alone: the same texts through pyttsx3's own `save_to_file` + `runAndWait` loop;
- the reader's cold render of every item to WAV (worker process, IPC, verification, WAV file
  written atomically), and its full cold build (WAV + MP3 + cues), against the floor;
- MP3 encoding by the reader (with its gapless header) against lameenc alone on the same
  audio;
- over HTTP (waitress, as `reader serve`): the first, uncached request of each item's MP3
  with the engine warm, and a repeat (cached).
Then the loudness (LUFS, true peak) and pauses of every item's WAV and of the whole-gallery
MP3 (issue 18), measured on the decoded audio.
Targets (issue 4): cold WAV render ≤ 1.5× floor; encoding ≤ 1.2× lameenc alone; first MP3
over HTTP < 150 ms for a one-sentence caption. The machine's load average is printed: other
work on the same cores moves every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.importers import load_path  # noqa: E402
from reader.speech.audio import MP3_BITRATE, MP3_QUALITY, mp3_bytes  # noqa: E402
from reader.speech.cache import AudioCache  # noqa: E402
from reader.speech.script import SpeechSettings, speech_script  # noqa: E402
from reader.speech.service import Speech  # noqa: E402
from reader.speech.worker import EnginePool  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_81ea2f918b0fddc5.txt"
VOICE, RATE = "gmw/en", 175

class Floor:
    """libespeak-ng alone, synchronous, in this process (ctypes; no pyttsx3, no reader)."""

    def __init__(self):
        import ctypes

        import espeakng_loader

        os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
        lib = self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        cb_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                   ctypes.c_void_p)
        self.chunks: list[bytes] = []

        def on_synth(wav, n, events):
            if n > 0:
                self.chunks.append(ctypes.string_at(wav, n * 2))
            return 0

        self._cb = cb_type(on_synth)
        lib.espeak_Initialize(2, 0, None, 0)  # AUDIO_OUTPUT_SYNCHRONOUS
        lib.espeak_SetSynthCallback(self._cb)
        lib.espeak_SetVoiceByName(VOICE.encode())
        lib.espeak_SetParameter(1, RATE, 0)  # espeakRATE
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                     ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                     ctypes.c_void_p, ctypes.c_void_p]

    def run(self, texts: list[str]) -> None:
        for t in texts:
            self.chunks.clear()
            data = t.encode()
            self.lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0x1001, None, None)
            b"".join(self.chunks)


PYTTSX3_ALONE = r"""
import json, os, sys, tempfile, time, wave
from reader.speech.engine import load_espeak
load_espeak()
import pyttsx3
texts, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
e = pyttsx3.init("espeak")
e.setProperty("voice", sys.argv[3]); e.setProperty("rate", int(sys.argv[4]))
d = tempfile.mkdtemp()
n = 0
def run():
    global n
    for t in texts:
        n += 1
        p = os.path.join(d, f"{n}.wav")
        e.save_to_file(t, p); e.runAndWait()
        while not os.path.exists(p):
            time.sleep(0.001)
run()
times = []
for _ in range(repeat):
    t0 = time.perf_counter(); run(); times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": min(times)}))
"""


def subprocess_seconds(code: str, texts: list[str], repeat: int) -> float:
    out = subprocess.run([sys.executable, "-c", code, json.dumps(texts), str(repeat), VOICE,
                          str(RATE)], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])["seconds"]


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--seed", type=Path, default=SEED)
    args = ap.parse_args()
    gallery = next(iter(load_path(args.seed))).gallery
    texts = [speech_script(item) for item in gallery.items]
    load_before = os.getloadavg()
    rows: list[tuple[str, float, str]] = []

    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    pool = EnginePool()
    pool.start()
    pool.render("Warm up.", VOICE, RATE, 1.0)
    renders: list = []

    def reader_wav() -> None:
        cache = AudioCache(tmp / f"wav-{time.perf_counter_ns()}")
        from reader.speech.audio import wav_bytes

        renders.clear()
        for n, t in enumerate(texts):
            r = pool.render(t, VOICE, RATE, 1.0)
            cache.put(f"{n:064x}", "wav", wav_bytes(r.samples, r.sample_rate))
            renders.append(r)

    # The floor and the reader take turns, so a burst of other work on the machine hits both.
    floor_engine = Floor()
    floor_engine.run(texts)
    floor_times, wav_times = [], []
    for _ in range(args.repeat):
        floor_times.append(best_of(1, lambda: floor_engine.run(texts)))
        wav_times.append(best_of(1, reader_wav))
    floor, wav_s = min(floor_times), min(wav_times)
    rows.append(("libespeak-ng alone, sync, one process (floor)", floor, "1.00×"))
    alone = subprocess_seconds(PYTTSX3_ALONE, texts, args.repeat)
    rows.append(("pyttsx3 alone (save_to_file + runAndWait)", alone, f"{alone / floor:.2f}×"))
    rows.append(("reader: cold render to WAV (worker, verify, atomic file)", wav_s,
                 f"{wav_s / floor:.2f}× floor (target ≤ 1.5×)"))

    def reader_build() -> None:
        speech = Speech(tmp / f"build-{time.perf_counter_ns()}", pool=pool)
        for t in texts:
            speech.build(speech.utterance_for_text(t, SpeechSettings(voice=VOICE, rate=RATE)))

    build_s = best_of(args.repeat, reader_build)
    rows.append(("reader: cold build, WAV + MP3 + cues", build_s, f"{build_s / floor:.2f}× floor"))

    import lameenc

    def lame_alone() -> None:
        for r in renders:
            e = lameenc.Encoder()  # the reader's settings
            e.set_bit_rate(MP3_BITRATE)
            e.set_in_sample_rate(r.sample_rate)
            e.set_channels(1)
            e.set_quality(MP3_QUALITY)
            e.encode(r.samples)
            e.flush()

    def reader_mp3() -> None:
        for r in renders:
            mp3_bytes(r.samples, r.sample_rate)

    lame_times, mp3_times = [], []
    for _ in range(args.repeat):
        lame_times.append(best_of(1, lame_alone))
        mp3_times.append(best_of(1, reader_mp3))
    lame_s, mp3_s = min(lame_times), min(mp3_times)
    rows.append(("lameenc alone: MP3 of the same audio", lame_s, "1.00×"))
    rows.append(("reader: MP3 with gapless header", mp3_s,
                 f"{mp3_s / lame_s:.2f}× lameenc (target ≤ 1.2×)"))
    audio_s = sum(r.duration for r in renders)
    pool.close()

    first, cached = http_latencies(gallery, tmp)
    load_after = os.getloadavg()
    shutil.rmtree(tmp, ignore_errors=True)

    print(f"Seed: {len(texts)} items, {sum(map(len, texts))} characters, "
          f"{audio_s:.1f} s of speech; best of {args.repeat} runs")
    print(f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"(1 min; {os.cpu_count()} cores)\n")
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'measure':<{width}}{'total':>10}{'per item':>11}  ratio")
    for name, seconds, ratio in rows:
        print(f"{name:<{width}}{seconds * 1000:>8.1f}ms{seconds * 1000 / len(texts):>9.2f}ms"
              f"  {ratio}")
    print()
    print("HTTP (waitress, warm engine), MP3 of each item:")
    print(f"  first request (uncached): median {statistics.median(first):.1f} ms, "
          f"max {max(first):.1f} ms (target < 150 ms)")
    print(f"  second request (cached):  median {statistics.median(cached):.1f} ms, "
          f"max {max(cached):.1f} ms")
    print()
    print("Level and pacing (served audio, decoded):")
    print("\n".join(LEVELS))


def http_latencies(gallery, tmp: Path) -> tuple[list[float], list[float]]:
    import socket

    import waitress

    from reader.store import Library
    from reader.web import create_app

    instance = tmp / "instance"
    Library.in_instance(instance).save(gallery)
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    speech = app.extensions["speech"]
    speech.info()  # warm the engine, as `reader serve` does
    speech.pool.render("Warm up.", VOICE, RATE, 1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(base + "/api/galleries", timeout=5).read()
            break
        except OSError:
            time.sleep(0.1)
    doc = json.loads(urllib.request.urlopen(f"{base}/api/galleries/{gallery.slug}").read())
    first, cached = [], []
    for item in doc["items"]:
        url = base + item["speech"]["audio"]
        for bucket in (first, cached):
            t0 = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
            bucket.append((time.perf_counter() - t0) * 1000)
    global LEVELS
    LEVELS = levels(base, doc, gallery.slug)
    # (the server thread is a daemon: it ends with this process)
    return first, cached


LEVELS: list[str] = []


def levels(base: str, doc: dict, slug: str) -> list[str]:
    """Loudness (LUFS, true peak) and pauses of every item's served WAV and of the
    whole-gallery MP3, measured on the decoded audio."""
    import io

    import numpy as np
    import soundfile
    from mutagen.id3 import ID3

    from reader.speech.loudness import integrated_loudness, true_peak
    from reader.speech.pacing import edge_silences, pauses

    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.read()

    def pcm16(x):
        return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()

    def silence_at(x, rate, seconds: float) -> float:
        at = int(seconds * rate)
        return (edge_silences(pcm16(x[:at]), rate)[1]
                + edge_silences(pcm16(x[at:]), rate)[0])

    out, lufs, peaks, leads, credit, sentence = [], [], [], [], [], []
    for item in doc["items"]:
        x, rate = soundfile.read(io.BytesIO(fetch(base + item["speech"]["wav"])))
        lufs.append(integrated_loudness(x, rate))
        peaks.append(true_peak(x))
        leads.append(edge_silences(pcm16(x), rate)[0])
        # Cue starts (one cue a sentence; the credit is the last): the silence around each.
        vtt = fetch(base + item["speech"]["cues"]).decode("utf-8")
        starts = [sum(float(p) * m for p, m in zip(line.split("-->")[0].strip().split(":"),
                                                       (3600, 60, 1), strict=True))
                  for line in vtt.splitlines() if "-->" in line]
        if len(starts) >= 2:
            credit.append(silence_at(x, rate, starts[-1]))
            sentence += [silence_at(x, rate, s) for s in starts[1:-1]]
    out.append(f"  items' WAV: loudness {min(lufs):.2f} … {max(lufs):.2f} LUFS (target −16), "
               f"true peak max {max(peaks):.2f} dBTP (ceiling −1)")
    out.append(f"  lead-in silence {min(leads) * 1000:.0f} … {max(leads) * 1000:.0f} ms "
               f"(target ~150); pause before the credit {statistics.median(credit):.2f} s, "
               + (f"between the caption's sentences {statistics.median(sentence):.2f} s"
                  if sentence else "(the captions are one sentence each)") + " (medians)")
    t0 = time.perf_counter()
    data = fetch(f"{base}/listen/{slug}/gallery.mp3")
    built = time.perf_counter() - t0
    x, rate = soundfile.read(io.BytesIO(data))
    chapters = sorted(ID3(io.BytesIO(data)).getall("CHAP"), key=lambda c: c.start_time)
    between = []
    for ch in chapters[1:]:
        at = int(ch.start_time * rate / 1000)
        before, after = pcm16(x[max(0, at - 2 * rate):at]), pcm16(x[at:at + rate])
        between.append(edge_silences(before, rate)[1] + edge_silences(after, rate)[0])
    sentence = statistics.median(g for g in pauses(pcm16(x), rate, 0.15) if g < 0.6)
    out.append(f"  whole gallery MP3 ({len(x) / rate:.1f} s, built in {built:.1f} s): "
               f"{integrated_loudness(x, rate):.2f} LUFS, true peak {true_peak(x):.2f} dBTP; "
               f"between photos {min(between):.2f} … {max(between):.2f} s (target ~0.8), "
               f"between sentences {sentence:.2f} s (median)")
    return out


if __name__ == "__main__":
    main()
