"""Real `reader` processes for the tests: started in their own process group (so a kill takes
their engine processes too), waited for by state, always stopped at the end."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

READER = str(Path(sys.executable).parent / "reader")
DEADLINE = 180.0  # seconds any awaited state may take on a loaded 2-core machine


def wait_until(condition: Callable[[], object], what: str, deadline: float = DEADLINE,
               check: Callable[[], None] | None = None):
    """Poll ``condition`` until it is truthy (its value) or fail after ``deadline`` seconds;
    ``check`` is called each round to fail early (e.g. a process that died)."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if check is not None:
            check()
        if time.monotonic() > end:
            raise AssertionError(f"not reached in {deadline:.0f} s: {what}")
        time.sleep(0.02)  # poll interval only: the loop waits for the state


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args, self.log_path = args, log
        self._log = open(log, "wb")  # noqa: SIM115  (open while the process runs)
        self.popen = subprocess.Popen([READER, *args], env=env, stdout=self._log,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            raise AssertionError(f"reader {' '.join(self.args)} exited "
                                 f"({self.popen.returncode}):\n{self.output()}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole group (the process and its engine processes)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait()
        self.kill(signal.SIGKILL)  # engine processes left in the group
        self._log.close()


def start_server(env: dict[str, str], log: Path) -> tuple[Process, str]:
    """`reader serve` on a free loopback port, once it answers."""
    port = free_port()
    p = Process(["serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
                env, log)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/", timeout=10) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    wait_until(answers, f"reader serve on port {port}", check=p.check_alive)
    return p, url
