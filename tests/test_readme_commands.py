"""Every example command of the README's "Using it" section runs as written (read from
README.md each time, so the test follows the README), in order, on a fresh instance folder.

The one change: `reader serve --port 5000` gets a free port instead (other test runs share
this machine); it is started, must answer with the library page, and is then stopped."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from tests.conftest import ROOT

SERVE_DEADLINE_S = 60


def using_it_commands() -> tuple[list[str], list[str]]:
    """(shell set-up lines such as `. .venv/bin/activate`, commands) of the first sh block
    under "## Using it"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    setup, commands = [], []
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if not line:
            continue
        (setup if line.startswith(". ") else commands).append(line)
    return setup, commands


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_readme_names_the_commands_we_expect():
    setup, commands = using_it_commands()
    assert setup == [". .venv/bin/activate"]
    assert [c.split()[1] for c in commands] == ["import", "list", "show", "import", "delete",
                                                "config", "serve"]


def test_every_using_it_command_runs_as_written(tmp_path):
    setup, commands = using_it_commands()
    env = {**os.environ, "READER_INSTANCE": str(tmp_path / "instance")}
    prefix = " && ".join(setup)
    for command in commands:
        if command.startswith("reader serve"):
            serve(prefix, command, env)
            continue
        r = subprocess.run(["bash", "-c", f"{prefix} && {command}"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{command}\n{r.stdout}\n{r.stderr}"
        assert "Traceback" not in r.stdout + r.stderr
        if command.startswith("reader show"):
            assert "Caption: " in r.stdout
        if command.startswith("reader list"):
            assert "\t13 photos\t" in r.stdout  # the seed, counted


def serve(prefix: str, command: str, env: dict[str, str]) -> None:
    port = free_port()
    command = re.sub(r"--port \d+", f"--port {port}", command)
    proc = subprocess.Popen(["bash", "-c", f"{prefix} && exec {command}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + SERVE_DEADLINE_S
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    page = r.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "reader serve never answered"
                time.sleep(0.1)  # polling for a state (the server answering), not a wait
        assert "Russia’s occupation of Ukraine’s Kherson city" in page
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()
