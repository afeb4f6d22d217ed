"""Issue 15, finding 9 with the README's own deployment: the nginx site of "Deploying", as
written (only its port, certificate files and upstream port swapped for the test's), in
front of the app served by waitress with `proxy.count = 1`, over real TLS (a self-signed
certificate made with openssl).

What nginx really sends must make the reader see the client: its cookies `Secure`, HSTS on
every answer, playlist URLs `https://`, and the sign-in throttle counting the client's own
address (the client sends from 127.0.0.2), not the proxy's. The oracle for the address is
the library file's throttle rows, read with Python's sqlite3.
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import time
import urllib.parse
from html import unescape
from pathlib import Path

import pytest

from reader.config import Config
from reader.model import Gallery, Item
from reader.store import LIBRARY_FILE
from reader.users import Users
from reader.web import create_app
from reader.web.serving import waitress_options
from tests.conftest import ROOT, served
from tests.s3 import free_ports
from tests.security.conftest import EDITOR, PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CLIENT = "127.0.0.2"  # the reader's own address; nginx itself connects from 127.0.0.1


def readme_site() -> str:
    """The ```nginx block of README's "Deploying" section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Deploying", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```nginx\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "README's Deploying section has one nginx example"
    return blocks[0]


def configured(site: str, port: int, upstream: int, cert: Path, key: Path) -> str:
    swaps = [(r"listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
             (r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};"),
             (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};"),
             (r"proxy_pass http://127\.0\.0\.1:8000;", f"proxy_pass http://127.0.0.1:{upstream};")]
    for pattern, value in swaps:
        site, n = re.subn(pattern, value, site)
        assert n == 1, f"README's nginx example has no {pattern!r}"
    return site


@pytest.fixture
def nginx_front(instance, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run ./scripts/setup --test (nginx-light)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=reader.example.org", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, "PROXY_COUNT": 1},
                     instance=instance)
    library = app.extensions["library"]
    Users(library).add(EDITOR, PASSWORD)
    slug = library.save(Gallery(title="Proxy harbour", lang="en", standfirst="One boat.",
                                items=[Item(position=1, caption="A boat ties up.",
                                            credit="A/B")])).slug
    options = {**waitress_options(Config.load(given={"proxy.count": 1})), "threads": 4}
    with served(app, **options) as base:
        (port,) = free_ports(1)
        upstream = urllib.parse.urlsplit(base).port
        temp = tmp_path / "nginx"
        temp.mkdir()
        conf = tmp_path / "nginx.conf"
        conf.write_text(f"""daemon off;
user root;
worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{configured(readme_site(), port, upstream, cert, key)}
}}
""")
        proc = subprocess.Popen([nginx, "-p", str(temp), "-c", str(conf)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_listening(port, proc, temp / "error.log")
            yield port, slug, instance
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def wait_listening(port: int, proc: subprocess.Popen, log: Path, deadline: float = 30) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"nginx stopped: {proc.stdout.read().decode()} "
                        f"{log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)  # polling for the listening socket, with a deadline
    pytest.fail(f"nginx did not listen on {port} in {deadline} s")


class Tls:
    """HTTPS from 127.0.0.2 to nginx, with its own session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None):
        con = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(CLIENT, 0),
            context=ssl._create_unverified_context())  # noqa: S323 (the test's own cert)
        headers = {"Host": "reader.example.org"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # As a browser does: over HTTPS the CSRF check also wants the page it came from.
            headers["Referer"] = f"https://reader.example.org{path}"
        con.request(method, path, body=body, headers=headers)
        r = con.getresponse()
        r.text = r.read().decode("utf-8", "replace")
        con.close()
        for value in r.headers.get_all("Set-Cookie") or []:
            if value.startswith("reader_session="):
                self.cookie = value.split(";")[0]
        return r

    def sign_in(self, password: str):
        page = self.request("GET", "/sign-in")
        token = unescape(TOKEN.search(page.text).group(1))
        return self.request("POST", "/sign-in", {"name": EDITOR, "password": password,
                                                 "csrf_token": token})


def test_the_readmes_nginx_site_makes_the_reader_see_https_and_the_client(nginx_front):
    port, slug, instance = nginx_front
    browser = Tls(port)
    home = browser.request("GET", "/")
    assert home.status == 200, home.text[:300]
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")

    wrong = browser.sign_in("not the password at all")
    assert wrong.status == 401, wrong.text[:3000]
    con = sqlite3.connect(f"file:{instance / LIBRARY_FILE}?mode=ro", uri=True)
    try:
        keys = [k for (k,) in con.execute("SELECT key FROM sign_in_failures")]
    finally:
        con.close()
    assert f"address:{CLIENT}" in keys and "address:127.0.0.1" not in keys, keys

    right = browser.sign_in(PASSWORD)
    assert right.status == 302, right.text[:300]
    session = [c for c in right.headers.get_all("Set-Cookie") if c.startswith("reader_session")]
    assert "Secure" in session[-1] and "HttpOnly" in session[-1], session
    assert right.headers["Location"].startswith(("/", "https://"))

    playlist = browser.request("GET", f"/listen/{slug}/gallery.m3u")
    assert playlist.status == 200, playlist.text[:300]
    urls = [line for line in playlist.text.splitlines() if "://" in line]
    assert urls and all(u.startswith("https://reader.example.org/") for u in urls), urls
