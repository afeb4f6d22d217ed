"""Listening-mode benchmark on the seed gallery: the one-file download against its floor.

    .venv/bin/python bench/listen.py [--repeat N] [--seed PATH]

Prints a table:
- the gallery's parts (introduction + "Photo n of N." + each caption) rendered cold through
  the reader's engine worker: what the first download of a gallery waits for;
- joining the cached parts into one MP3 with its chapters (read the FLACs, one LAME stream,
  Xing/LAME header, ID3v2.4 CHAP/CTOC), against the floor: lameenc alone encoding the same
  joined PCM with the same settings (no header, no tag, no file reads);
- the cached file's bytes read back (what every later download costs before sending).
Best of N (default 9): other work on the shared cores swings single runs. The load average
before and after is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.importers import load_path  # noqa: E402
from reader.speech.audio import MP3_BITRATE, MP3_QUALITY, read_flac  # noqa: E402
from reader.speech.gallery_file import gallery_key, gallery_mp3  # noqa: E402
from reader.speech.listening import parts  # noqa: E402
from reader.speech.script import SpeechSettings  # noqa: E402
from reader.speech.service import Speech  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_81ea2f918b0fddc5.txt"


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def lameenc_alone(pcm: bytes, rate: int) -> bytes:
    import lameenc

    enc = lameenc.Encoder()
    enc.set_bit_rate(MP3_BITRATE)
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(MP3_QUALITY)
    return bytes(enc.encode(pcm)) + bytes(enc.flush())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--seed", type=Path, default=SEED)
    args = ap.parse_args()
    gallery = next(iter(load_path(args.seed))).gallery
    load_before = os.getloadavg()
    settings = SpeechSettings()
    with tempfile.TemporaryDirectory() as tmp:
        speech = Speech(Path(tmp) / "audio")
        speech.info()  # the engine started: its start-up is not what is measured
        utterances = [(p, speech.utterance_for_text(p.text, settings, gallery.lang))
                      for p in parts(gallery, settings)]
        t = time.perf_counter()
        wavs = [(p.title, speech.file(u, "flac")) for p, u in utterances]
        cold = time.perf_counter() - t

        pcm, rate = bytearray(), 22050
        for _, path in wavs:
            samples, rate = read_flac(path)
            pcm += samples
        seconds = len(pcm) / 2 / rate
        joined = best_of(args.repeat, lambda: gallery_mp3(gallery.title, None, wavs))
        floor = best_of(args.repeat, lambda: lameenc_alone(bytes(pcm), rate))
        data, chapters = gallery_mp3(gallery.title, None, wavs)
        key = gallery_key([u.key("flac") for _, u in utterances])
        speech.cache.put(key, "mp3", data)
        cached = best_of(args.repeat, lambda: speech.cache.read(key, "mp3"))
        speech.close()
    load_after = os.getloadavg()

    rows = [
        ("parts rendered cold (engine worker)", cold, None),
        ("join + encode + chapters (reader)", joined, joined / floor),
        ("lameenc alone, same PCM (floor)", floor, 1.0),
        ("cached file read back", cached, None),
    ]
    print(f"Seed gallery: {len(utterances)} parts ({len(gallery.items)} photos), "
          f"{seconds:.1f} s of speech, {len(data) / 1024:.0f} KiB MP3, "
          f"{len(chapters)} chapters; best of {args.repeat}")
    print(f"{'step':40} {'seconds':>9} {'vs floor':>9}")
    for name, value, ratio in rows:
        print(f"{name:40} {value:9.4f} {'' if ratio is None else f'{ratio:8.2f}x':>9}")
    print(f"realtime factor of the join: {seconds / joined:.0f}x; "
          f"median part {statistics.median(len(p.text) for p, _ in utterances)} characters")
    print(f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"(2 cores shared with other work)")


if __name__ == "__main__":
    main()
