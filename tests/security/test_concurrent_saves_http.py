"""Four editors press Save at the same moment on pages made from the same version of a
gallery, through a real server (real threads, a real SQLite file): exactly one save is
accepted (303), the other three are told someone else changed the gallery (409), and
nothing is lost. (tests/store/test_concurrent_edits.py repeats the race 20 times a test
below the web layer.)"""

from __future__ import annotations

import http.client
import re
import threading
import urllib.parse
from html import unescape

import pytest

from reader.editing import gallery_version
from tests.conftest import served
from tests.security.conftest import EDITOR, PASSWORD, sample_gallery

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL

ROUNDS = 5
EDITORS = 4


class Session:
    """One signed-in editor over plain HTTP (cookies kept by hand, redirects not followed)."""

    def __init__(self, base: str):
        self.host = urllib.parse.urlsplit(base).netloc
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None):
        con = http.client.HTTPConnection(self.host, timeout=60)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        con.request(method, path, body=body, headers=headers)
        r = con.getresponse()
        text = r.read().decode("utf-8", "replace")
        for value in r.headers.get_all("Set-Cookie") or []:
            if value.startswith("reader_session="):
                self.cookie = value.split(";", 1)[0]
        con.close()
        return r.status, text

    def token(self, path: str) -> str:
        status, page = self.request("GET", path)
        assert status == 200, (path, status)
        return unescape(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))

    def sign_in(self) -> None:
        status, _ = self.request("POST", "/sign-in", {
            "name": EDITOR, "password": PASSWORD, "csrf_token": self.token("/sign-in")})
        assert status == 302


def race(sessions: list[Session], forms: list[tuple[str, dict]]) -> list[int | None]:
    """Every session posts its form at the same moment (a barrier releases them together)."""
    start = threading.Barrier(len(forms))
    statuses: list[int | None] = [None] * len(forms)

    def save(k: int) -> None:
        start.wait()
        statuses[k] = sessions[k].request("POST", *forms[k])[0]

    threads = [threading.Thread(target=save, args=(k,)) for k in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_simultaneous_saves_from_one_version_one_wins_the_rest_get_409(app, editor):
    library = app.extensions["library"]
    stored = library.save(sample_gallery(n=EDITORS))
    with served(app, threads=EDITORS) as base:
        sessions = [Session(base) for _ in range(EDITORS)]
        for s in sessions:
            s.sign_in()
        for round_ in range(ROUNDS):
            before = library.get(stored.slug)
            version = gallery_version(before)
            forms = [(f"/edit/g/{stored.slug}/{k + 1}",
                      {"version": version, "alt": "", "credit": "Agency",
                       "caption": f"Round {round_}, editor {k}.",
                       "csrf_token": s.token(f"/edit/g/{stored.slug}/{k + 1}")})
                     for k, s in enumerate(sessions)]
            statuses = race(sessions, forms)
            assert sorted(statuses) == [303] + [409] * (len(forms) - 1), (round_, statuses)
            winner = statuses.index(303)
            after = library.get(stored.slug)
            for k, item in enumerate(after.items):
                expected = (f"Round {round_}, editor {k}." if k == winner
                            else before.items[k].caption)
                assert item.caption == expected, (round_, k)
