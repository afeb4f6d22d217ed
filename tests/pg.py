"""A real PostgreSQL server for the tests: Debian's `postgresql`, started in a private temporary
folder (initdb + pg_ctl, as the `postgres` user when the tests run as root: PostgreSQL refuses
to run as root), reached through a unix socket in that folder only (no TCP port, so test runs
side by side never collide), stopped and removed at the end of the session.

Each test gets a fresh database copied from a template the reader's schema was migrated into
once (`CREATE DATABASE … TEMPLATE`), dropped after the test.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

READY_DEADLINE = 90.0  # seconds the server may take to accept connections (a loaded machine)
TEMPLATE = "reader_template"


def binaries() -> Path | None:
    """The newest PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


class Server:
    def __init__(self, options: str = ""):
        self.options = options  # more postgres -c settings (bench/scale.py)
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is missing: run ./scripts/setup --test "
                               "(Debian's postgresql package)")
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.dir = Path(tempfile.mkdtemp(prefix="reader-pg-"))
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.admin: psycopg.Connection | None = None
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self.as_postgres, str(self.bin / tool), *args],
                                capture_output=True, text=True)
        if result.returncode != 0:
            log = self.dir / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stderr.strip()}\n{tail}")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.dir}"

    def start(self) -> Server:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-k {self.dir} -c listen_addresses='' -c max_connections=200 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   + self.options)
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.dir / "log"),
                  "-o", options)
        self._wait_ready()
        self.admin = psycopg.connect(self.url("postgres"), autocommit=True)
        self.admin.execute(f"CREATE DATABASE {TEMPLATE}")
        from reader.store.postgres import PostgresStore

        template = PostgresStore(self.url(TEMPLATE))
        template.migrate()
        template.close()
        return self

    def _wait_ready(self) -> None:
        """Poll pg_isready until the server accepts connections (a state, not a time)."""
        deadline = time.monotonic() + READY_DEADLINE
        while True:
            ready = subprocess.run([str(self.bin / "pg_isready"), "-h", str(self.dir), "-q"])
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                log = (self.dir / "log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL not ready after {READY_DEADLINE:.0f} s:\n{log}")
            time.sleep(0.05)  # poll interval only: the loop waits for the ready state

    def new_database(self) -> str:
        """A fresh database with the reader's schema; its URL."""
        name = f"t{next(self._names)}"
        # PostgreSQL 15+ copies it WAL-logged: no checkpoint, about twice as fast as FILE_COPY.
        self.admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("?")[0].rsplit("/", 1)[-1]
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.admin is not None:
            self.admin.close()
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
