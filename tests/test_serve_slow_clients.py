"""Issue 15, finding 3: slow clients must not make `reader serve` unreachable.

150 connections each trickling a request a byte at a time hold 150 of waitress's
connections; with waitress's own limit (100) the server then answers no one else. With the
documented settings (`serve.connection_limit`, README "Deploying") it still answers. Loopback
only, a bounded number of rounds; a real `reader serve` process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.request

import pytest

from tests.test_serve import BIN, free_port, wait_for

SLOW_CLIENTS = 150
PROBE_TIMEOUT = 20  # seconds a reachable server may take to answer under load


def start(instance, env_extra: dict[str, str]):
    port = free_port()
    env = {**os.environ, **env_extra}
    proc = subprocess.Popen([str(BIN / "reader"), "--instance", str(instance), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/api/galleries", proc)
    return proc, port, base


def trickle(port: int) -> list[socket.socket]:
    """Open the slow clients, each having sent the first bytes of a request."""
    clients = []
    for _ in range(SLOW_CLIENTS):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        clients.append(s)
    return clients


def reachable(base: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(base + "/api/galleries", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("limit,expected", [(None, True), ("100", False)],
                         ids=["documented-settings", "waitress-default-100"])
def test_slow_clients_do_not_take_the_server_down(instance, limit, expected):
    """The documented settings stay reachable; waitress's default limit (the old code)
    does not, which shows the test reproduces the finding."""
    env = {"READER_SERVE_CONNECTION_LIMIT": limit} if limit else {}
    proc, port, base = start(instance, env)
    clients: list[socket.socket] = []
    try:
        clients = trickle(port)
        for round_ in range(3):  # a byte from every slow client, then a real reader
            for s in clients:
                s.sendall(b"a")
            ok = reachable(base, PROBE_TIMEOUT if expected else 3)
            assert ok is expected, f"round {round_}: reachable={ok}"
            if not expected:
                break
    finally:
        for s in clients:
            s.close()
        proc.terminate()
        proc.wait(10)
