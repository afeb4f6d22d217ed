"""One worker process for test_multiprocess: writes and reads the same gallery in a loop.

Run as `python -m tests.archive.worker INSTANCE SOURCE_FILE ROUNDS`. Exits non-zero on any
error; prints what it saw.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.importers import load_path
from reader.search import search
from reader.web import create_app


def main(instance: str, source: str, rounds: int) -> None:
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    library = app.extensions["library"]
    client = app.test_client()
    for _ in range(rounds):
        [loaded] = load_path(Path(source))
        library.save(loaded.gallery)
        slug = loaded.gallery.slug
        for url in (f"/g/{slug}/1", f"/g/{slug}/", "/search?q=besancon", "/"):
            r = client.get(url)
            if r.status_code != 200:
                raise SystemExit(f"{url}: {r.status_code}")
        if search(library, "besancon").total != 1:
            raise SystemExit("search lost or doubled the gallery")
    print(f"ok {rounds}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
