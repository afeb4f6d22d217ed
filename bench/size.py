"""Benchmark: cost that does not grow with the gallery or the archive (issue 16), in one run
with the load average. A small table-driven runner: each section is a module with
``section_rows(quick) -> [(measure, value, baseline, ratio)]``; add a module to SECTIONS.

    .venv/bin/python bench/size.py [--quick]

Sections: `size_pages` (photo page CPU and bytes, site export time and memory, for galleries
of 13 to 2,000 photos), `size_archive` (search p50/p99 and /api/galleries for archives of 1k
to 100k galleries; an editor's save during a bulk import), `size_audio` (one listen part, the
whole-gallery MP3's first byte, total time and peak server memory, for galleries of 13 to
2,000 photos).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SECTIONS = ["size_pages", "size_archive", "size_audio"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes (each section's doc says which)")
    args = parser.parse_args()
    os.environ.setdefault("READER_SPEECH_WARM", "false")
    from size_pages import run_sections

    run_sections([importlib.import_module(name).section_rows for name in SECTIONS], args.quick)

if __name__ == "__main__":
    main()
