"""Shared fixtures: a real instance folder with a real SQLite library, the app, the CLI."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

# Test apps do not start the speech engine when they are made (a config key, not TESTING);
# tests that need the engine start it by using it.
os.environ.setdefault("READER_SPEECH_WARM", "false")

from reader.cli import main  # noqa: E402
from reader.store import Store, open_store
from reader.web import create_app
from tests.s3 import S3Server, start_s3

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_81ea2f918b0fddc5.txt"
GALLERIES = SHARED / "galleries"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--mute-audio"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright: one for the whole run (Playwright's sync API
    allows a single driver per thread, so every browser test shares this one)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run ./scripts/setup --test")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def served(app, threads: int = 4, **options) -> Iterator[str]:
    """The app under a real waitress server on a free loopback port, in a background thread.

    On exit the worker threads are let finish their requests *before* the server closes (in
    its own loop's thread): a
    task still running after close() writes to waitress's closed trigger pipe, whose file
    descriptor number the next test may already have reused (for its SQLite file, which that
    write then corrupts: "locking protocol", "file is not a database"). Then the server's
    own loop thread closes every socket and pipe and returns: closing them from this thread
    instead pulled them from under a select() still watching them (EBADF in the loop)."""
    import threading

    import waitress
    from waitress import wasyncore

    # poll(), as `reader serve` uses (reader/web/serving.py): select() cannot watch a file
    # descriptor numbered 1024 or more, and a long run's process holds that many.
    options = {"asyncore_use_poll": True, **options, "threads": options.get("threads", threads)}
    server = waitress.create_server(app, host="127.0.0.1", port=0, **options)
    thread = threading.Thread(target=server.run, daemon=True, name="test-waitress")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=30)
        # Close the sockets from the server's own loop (a thunk its trigger runs there), not
        # from this thread while that loop is still polling them ("Bad file descriptor"):
        # with its map empty the loop ends by itself.
        # A trigger closed already (OSError) means the loop has closed down by itself.
        with contextlib.suppress(OSError):
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=10)
        assert not thread.is_alive(), "the test server did not stop"


# -- the stores: SQLite (the default) and a real PostgreSQL server ---------------------------
# A test module marked ``pytestmark = pytest.mark.both_stores`` runs each of its tests that
# uses `instance` (and so `library`, `app`, `client`, `reader`) twice: on the SQLite file and
# on a fresh PostgreSQL database (READER_DATABASE_URL set for the app and the CLI alike). A
# test of SQLite's own files inside such a module is marked ``sqlite_only``.
def pytest_configure(config):
    config.addinivalue_line("markers", "both_stores: run on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only: a test of the SQLite file itself")


def pytest_generate_tests(metafunc):
    if ("database_url" in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("both_stores")
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole run (tests/pg.py), stopped at the end."""
    from tests.pg import Server

    server = Server()
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database_url(request, monkeypatch) -> Iterator[str]:
    """"" for the SQLite file in the instance folder, or a fresh PostgreSQL database's URL
    (also put in READER_DATABASE_URL, so every app and `reader` command of the test uses it)."""
    if getattr(request, "param", "sqlite") != "postgresql":
        yield ""
        return
    server = request.getfixturevalue("postgres")
    url = server.new_database()
    monkeypatch.setenv("READER_DATABASE_URL", url)
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def instance(tmp_path: Path, database_url: str) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    return folder


@pytest.fixture
def library(instance: Path, database_url: str) -> Store:
    return open_store(instance, database_url)


@pytest.fixture
def app(instance: Path):
    return create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)


@pytest.fixture
def client(app):
    return app.test_client()


class Reader:
    """Runs `reader …` in-process against the test's instance folder."""

    def __init__(self, instance: Path):
        self.instance = instance
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(main, ["--instance", str(self.instance), *map(str, args)],
                                  catch_exceptions=False)


@pytest.fixture
def reader(instance: Path) -> Reader:
    return Reader(instance)


def downloaded(client, url: str, deadline: float = 300.0):
    """GET a download that is built in the background (`reader.builds`): while it answers
    202 (a progress page with Retry-After and a link to try again), ask again, until it
    answers something else or the generous deadline passes. Polls a state, never a time."""
    import time

    end = time.monotonic() + deadline
    while True:
        r = client.get(url)
        if r.status_code != 202:
            return r
        assert r.headers["Retry-After"].isdigit()
        assert f'href="{url}"' in r.get_data(as_text=True)
        assert time.monotonic() < end, f"{url} still being made after {deadline} s"
        time.sleep(0.05)


# -- a small real disk, to fill up (issue 15: the full-disk tests) ------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A real 4 MiB tmpfs (needs root: mount(2); CI runs as root); unmounted at the end.
    Fill it with `fill`."""
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the full-disk case "
                    "is then covered only by the free-space floor test in test_media_store.py")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until its disk has not one byte left; returns the file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        for block in (65536, 512):  # then the last few bytes
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * block)
    return filler


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> S3Server:
    try:
        server = start_s3(tmp_path_factory.mktemp("seaweedfs"))
    except RuntimeError as e:
        pytest.fail(str(e))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """The standard AWS_* variables pointing boto3 at the test server."""
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    return s3_server
