"""Issue 15, findings 2 and 9 (serving part of 3): behind a TLS reverse proxy, and sign-in
limits that cannot lock the owner out, over real HTTP against a real waitress server.

The "proxy" is the test itself writing the headers nginx writes (X-Forwarded-For,
X-Forwarded-Proto), as `proxy.count = 1` tells the app to trust.
"""

from __future__ import annotations

import http.client
import re
import threading
import urllib.parse
from html import unescape

import pytest

from reader.config import Config
from reader.model import Gallery, Item
from reader.throttle import LIMIT, pair_key
from reader.users import Users
from reader.web import create_app
from reader.web.serving import waitress_options
from tests.conftest import served
from tests.security.conftest import EDITOR, PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One client over real HTTP: keeps its session cookie, sends the proxy's headers."""

    def __init__(self, base: str, forwarded_for: str | None = None,
                 proto: str | None = None):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.headers: dict[str, str] = {}
        if forwarded_for:
            self.headers["X-Forwarded-For"] = forwarded_for
        if proto:
            self.headers["X-Forwarded-Proto"] = proto
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None):
        con = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = dict(self.headers)
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if headers.get("X-Forwarded-Proto") == "https":  # as a browser on HTTPS sends
                headers["Referer"] = f"https://{self.host}:{self.port}/sign-in"
        con.request(method, path, body=data, headers=headers)
        r = con.getresponse()
        r.text = r.read().decode("utf-8", "replace")
        con.close()
        for value in r.headers.get_all("Set-Cookie") or []:
            if value.startswith("reader_session="):
                self.cookie = value.split(";")[0]
        return r

    def sign_in(self, password: str, name: str = EDITOR):
        page = self.request("GET", "/sign-in")
        token = unescape(_TOKEN.search(page.text).group(1))
        return self.request("POST", "/sign-in", {"name": name, "password": password,
                                                 "csrf_token": token})


def make_app(instance, **config):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False, **config},
                     instance=instance)
    Users(app.extensions["library"]).add(EDITOR, PASSWORD)
    return app


def options(proxies: int = 0, threads: int = 4) -> dict:
    """What `reader serve` hands waitress for this configuration (proxy on loopback)."""
    config = Config.load(given={"proxy.count": proxies})
    return {**waitress_options(config), "threads": threads}


# -- behind a proxy ------------------------------------------------------------------------

def test_https_through_the_proxy_gives_secure_cookies_and_hsts(instance):
    with served(make_app(instance, PROXY_COUNT=1), **options(1)) as base:
        b = Browser(base, forwarded_for="203.0.113.7", proto="https")
        r = b.sign_in(PASSWORD)
        assert r.status == 302, r.text
        cookie = [c for c in r.headers.get_all("Set-Cookie") if c.startswith("reader_session")]
        assert "Secure" in cookie[-1]
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        page = b.request("GET", "/settings")
        token = unescape(_TOKEN.search(page.text).group(1))
        saved = b.request("POST", "/settings", {"theme": "yellow", "csrf_token": token})
        settings = [c for c in saved.headers.get_all("Set-Cookie")
                    if c.startswith("reader_settings=")]
        assert settings and "Secure" in settings[0], saved.headers.get_all("Set-Cookie")
        plain = Browser(base, forwarded_for="203.0.113.8", proto="http").request("GET", "/")
        assert "Strict-Transport-Security" not in plain.headers


def test_without_a_configured_proxy_forwarded_headers_are_not_believed(instance):
    """Any client can write X-Forwarded-*: with proxy.count = 0 they change nothing."""
    with served(make_app(instance), **options(0)) as base:
        b = Browser(base, forwarded_for="203.0.113.7", proto="https")
        r = b.sign_in(PASSWORD)
        assert r.status == 302
        assert "Secure" not in r.headers["Set-Cookie"]
        assert "Strict-Transport-Security" not in r.headers
        for _ in range(LIMIT):
            Browser(base, forwarded_for="198.51.100.1").sign_in("wrong password")
        # Every "address" above was really 127.0.0.1: that is who is blocked.
        assert Browser(base, forwarded_for="198.51.100.2").sign_in(PASSWORD).status == 429


def test_playlist_urls_use_the_forwarded_scheme(instance):
    app = make_app(instance, PROXY_COUNT=1)
    slug = app.extensions["library"].save(Gallery(
        title="Proxy harbour", lang="en", standfirst="One boat.",
        items=[Item(position=1, caption="A boat ties up.", credit="A/B")])).slug
    with served(app, **options(1)) as base:
        r = Browser(base, forwarded_for="203.0.113.7", proto="https").request(
            "GET", f"/listen/{slug}/gallery.m3u")
        assert r.status == 200, r.text
        urls = [line for line in r.text.splitlines() if "://" in line]
        assert urls and all(u.startswith("https://") for u in urls), urls


# -- sign-in limits over real HTTP ----------------------------------------------------------

def test_guesses_from_one_address_never_lock_the_owner_out(instance):
    """Finding 2: the attacker's address is blocked; the owner's, elsewhere, is not."""
    with served(make_app(instance, PROXY_COUNT=1), **options(1)) as base:
        attacker = Browser(base, forwarded_for="198.51.100.66")
        statuses = [attacker.sign_in(f"guess {i}").status for i in range(LIMIT + 3)]
        assert statuses[:LIMIT - 1] == [401] * (LIMIT - 1) and statuses[-1] == 429
        owner = Browser(base, forwarded_for="203.0.113.10")
        assert owner.sign_in(PASSWORD).status == 302
        assert owner.request("GET", "/edit/").status == 200


@pytest.mark.parametrize("round_", range(3))
def test_24_simultaneous_guesses_check_at_most_the_allowed_passwords(instance, round_):
    """Finding 2: the check and the count were two transactions, so 24 guesses at once had
    12 passwords checked instead of 5. Counted by wrapping the real password check."""
    app = make_app(instance, PROXY_COUNT=1)
    users = app.extensions["users"]
    checked = []
    real = users.authenticate

    def counting(name, password):
        checked.append(password)
        return real(name, password)

    users.authenticate = counting
    with served(app, **options(1, threads=24)) as base:
        guessers = [Browser(base, forwarded_for="198.51.100.24") for _ in range(24)]
        tokens = []
        for g in guessers:
            page = g.request("GET", "/sign-in")
            tokens.append(unescape(_TOKEN.search(page.text).group(1)))
        start = threading.Barrier(24)
        statuses: list[int] = []

        def guess(i: int):
            start.wait()
            statuses.append(guessers[i].request("POST", "/sign-in", {
                "name": EDITOR, "password": f"guess {i}", "csrf_token": tokens[i]}).status)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(checked) == LIMIT, (checked, statuses)
    # An admitted wrong guess answers 401, or 429 once the pair is blocked meanwhile.
    assert len(statuses) == 24 and set(statuses) <= {401, 429}
    assert statuses.count(401) <= LIMIT - 1
    assert app.extensions["sign_in_throttle"].failures(
        pair_key(EDITOR, "198.51.100.24")) == LIMIT
