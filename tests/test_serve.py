"""`reader serve` in a real process with waitress, and `flask --app reader run`'s factory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout}s")


@pytest.fixture
def served(instance):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "reader"), "--instance", str(instance), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/galleries", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_loads_the_sample_on_an_empty_library_and_answers(served, instance):
    with urllib.request.urlopen(served + "/api/galleries") as r:
        assert r.headers["Server"] == "gallery-reader"  # waitress, not the dev server
        galleries = json.load(r)
    assert len(galleries) == 1
    slug = galleries[0]["slug"]
    with urllib.request.urlopen(f"{served}/g/{slug}/") as r:
        assert galleries[0]["title"] in r.read().decode()
    assert (instance / "library.sqlite3").is_file()


def test_flask_app_factory_is_found_by_flask_cli(instance):
    env = {**os.environ, "READER_INSTANCE": str(instance)}
    out = subprocess.run([str(BIN / "flask"), "--app", "reader", "routes"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for route in ["/api/galleries/<slug>", "/g/<slug>/<int:n>", "/g/<slug>/"]:
        assert route in out.stdout
