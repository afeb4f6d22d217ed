"""The README's "Try it on one machine" block (under "Running on several machines") runs as
written: a PostgreSQL server, a SeaweedFS bucket, an import, two `reader serve` processes with
separate instance folders that both serve the imported gallery, then the "when done" lines stop
everything. Read from README.md each time, so the test follows the README.

The only changes: its folders under /tmp/ move to a private temporary folder and its four
ports (5433, 8333, 5000, 5001) become free ones, so runs side by side never collide; and the
test holds the script (a `read` from its stdin) before the "when done" lines until it has
checked both servers. Needs root (PostgreSQL runs as `postgres` through runuser), as CI does.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import ROOT
from tests.s3 import free_ports

DEADLINE = 240.0  # seconds for the whole block to bring both servers up (a loaded machine)
SEED_TITLE = "Russia’s occupation of Ukraine’s Kherson city"


def try_it_block() -> tuple[str, str]:
    """(the lines that start everything, the "when done" lines) of the README's block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Running on several machines\n", 1)[1].split("\n## ", 1)[0]
    after = section.split("**Try it on one machine**", 1)[1]
    block = re.search(r"```sh\n(.*?)```", after, re.S).group(1)
    start, _, stop = block.partition("# when done")
    stop = stop.split("\n", 1)[1]  # the rest of the comment line goes
    return start, stop


def localised(script: str, base: Path, ports: dict[str, int]) -> str:
    script = script.replace("/tmp/reader-", f"{base}/reader-")
    for written, port in ports.items():
        script = re.sub(rf"(?<!\d){written}(?!\d)", str(port), script)
    return script


def page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None



def started_in(base: Path) -> list[int]:
    """The processes whose command line names ``base`` (the block's servers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if str(base).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found

def test_the_block_is_what_the_test_expects():
    start, stop = try_it_block()
    assert "initdb" in start and "weed mini" in start and start.count("reader serve") == 2
    assert "kill $(jobs -p)" in stop and "pg_ctl" in stop and "stop" in stop
    for port in ("5433", "8333", "5000", "5001"):
        assert port in start


def test_the_try_it_block_runs_as_written():
    start, stop = try_it_block()
    base = Path(tempfile.mkdtemp(prefix="reader-readme-"))
    base.chmod(0o755)  # the postgres user goes through it to its own folder
    ports = dict(zip(("5433", "8333", "5000", "5001"), free_ports(4), strict=True))
    script = "set -e\n" + localised(start, base, ports) + "read _\n" + localised(stop, base,
                                                                                  ports)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("READER_", "AWS_"))}
    log = base / "script.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        a, b = (f"http://127.0.0.1:{ports[p]}/" for p in ("5000", "5001"))
        deadline = time.monotonic() + DEADLINE
        while not (page(a) and page(b)):
            assert proc.poll() is None, f"the block stopped:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no servers:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)  # polling for both servers' answers, with an overall deadline
        assert SEED_TITLE in page(a) and SEED_TITLE in page(b)
        for folder in ("reader-a", "reader-b"):  # the library and media are elsewhere
            assert [p for p in (base / folder).rglob("*") if p.is_file()] == [], folder
        proc.stdin.write(b"\n")  # now the "when done" lines
        proc.stdin.close()
        assert proc.wait(timeout=120) == 0, log.read_text()[-3000:]
        while page(a) is not None or page(b) is not None:  # the servers stop, too
            assert time.monotonic() < deadline + 120, "a server is still answering"
            time.sleep(0.2)  # polling for the servers' end, with an overall deadline
        assert not (base / "reader-pg" / "data" / "postmaster.pid").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever of the block still runs
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        for pid in started_in(base):  # `weed mini` can outlive the block's SIGTERM
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with_pg = base / "reader-pg" / "data"
        if (with_pg / "postmaster.pid").exists():  # a failed run: stop its PostgreSQL
            pg = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
            subprocess.run(["runuser", "-u", "postgres", "--", str(pg), "-D", str(with_pg),
                            "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
