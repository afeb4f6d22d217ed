"""Two app servers with separate instance folders over one PostgreSQL database behave as one
site: a gallery imported through one is read and searched through the other, and an editor
signed in on one is signed in on the other (one secret key, from the database). Real waitress
servers on two loopback ports, a real PostgreSQL server, a browser's cookie jar shared by both
(as a load balancer's clients have)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

from reader.store import open_store
from reader.users import Users
from reader.web import create_app
from tests.conftest import served
from tests.security.conftest import EDITOR, PASSWORD

TEXT = """Night ferries on the fjord
Crews keep the last crossings running through the storm.
A ferry's deck lights in the rain.
The last ferry leaves Bergen harbour at midnight. [Ingrid Solberg/Fjord Press]
A deckhand coils a rope.
A deckhand coils a mooring rope at the ramp. [Ola Berg/Fjord Press]
"""


class Browser:
    """One cookie jar for every server (cookies do not care about the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, url: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status, r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def token(html: str) -> str:
    return unescape(re.search(r'name="csrf_token" value="([^"]+)"', html).group(1))


def test_two_app_servers_over_one_database_are_one_site(postgres, tmp_path, monkeypatch):
    url = postgres.new_database()
    try:
        monkeypatch.setenv("READER_DATABASE_URL", url)
        a, b = tmp_path / "a", tmp_path / "b"
        Users(open_store(a, url)).add(EDITOR, PASSWORD)
        settings = {"LOAD_SAMPLE_IF_EMPTY": False}
        browser = Browser()
        with served(create_app(settings, instance=a)) as site_a, \
                served(create_app(settings, instance=b)) as site_b:
            # Sign in on A; the session (and its CSRF token) is good on B.
            _, page = browser.get(f"{site_a}/sign-in")
            assert browser.post(f"{site_a}/sign-in", {
                "name": EDITOR, "password": PASSWORD, "csrf_token": token(page)})[0] == 302
            status, form = browser.get(f"{site_b}/edit/import")
            assert status == 200, "B does not know A's session"
            status, where = browser.post(f"{site_b}/edit/import",
                                         {"text": TEXT, "csrf_token": token(form)})
            assert status == 303, "B refused the import"
            slug = where.rstrip("/").split("/")[-1]
            # Imported through B: read and searched through A.
            status, html = browser.get(f"{site_a}/g/{slug}/")
            assert status == 200 and "The last ferry leaves Bergen harbour" in html
            _, results = browser.get(f"{site_a}/search?q=solberg")
            assert f'href="/g/{slug}/1"' in results
            # Signing out on A ends the session on B too, even for a copy of the old cookie.
            copied = list(browser.jar)
            _, page = browser.get(f"{site_a}/edit/")
            assert browser.post(f"{site_a}/sign-out", {"csrf_token": token(page)})[0] == 302
            for cookie in copied:
                browser.jar.set_cookie(cookie)
            assert browser.get(f"{site_b}/edit/import")[0] == 302  # to the sign-in page
        for folder in (a, b):  # nothing of the library or its keys is in an instance folder
            assert not (folder / "library.sqlite3").exists()
            assert not (folder / "secret_key").exists()
    finally:
        postgres.drop_database(url)
