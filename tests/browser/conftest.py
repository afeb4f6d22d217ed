"""A real server and a real browser for the accessibility tests.

The app runs under werkzeug's threaded WSGI server on a free loopback port in a background
thread, on a real SQLite library holding the seed gallery and the project's sample gallery.
The browser is Debian's chromium driven by Playwright (no browser download); axe-core comes
bundled in the `axe-playwright-python` wheel, so no node is needed at test time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from reader.importers import parse_source
from reader.sample import load_sample
from reader.store import Library
from reader.web import create_app
from tests.conftest import ROOT, SEED

ARTIFACTS = ROOT / "test-artifacts"


class Site:
    """The running app: its base URL and the slugs of the galleries it holds."""

    def __init__(self, base: str, seed_slug: str, sample_slug: str, seed_total: int):
        self.base = base
        self.seed = seed_slug
        self.sample = sample_slug
        self.seed_total = seed_total

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    instance = tmp_path_factory.mktemp("browser-instance")
    library = Library.in_instance(instance)
    seed = library.save(parse_source(SEED.read_bytes(), str(SEED)))
    sample = load_sample(library, instance)  # with its drawn photos
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="reader-test-server",
                              daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", seed.slug, sample.slug,
                   len(seed.items))
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
