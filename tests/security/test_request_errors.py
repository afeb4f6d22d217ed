"""Issue 15, finding 6 and the "Done when" extras, over real HTTP against a real server:
hostile query keys and redirect targets give the reader's own pages (never a 500), links
never become absolute from the Host header, /static/ cannot be walked out of, and
POST /settings needs its CSRF token like every other write.

Raw `http.client` requests, so nothing (no test client, no URL library) normalises the
hostile parts away before the server sees them.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse
from html import unescape

import pytest

from reader.users import Users
from reader.web import create_app
from tests.conftest import served
from tests.security.conftest import EDITOR, PASSWORD, sample_gallery

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def live(instance):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    Users(app.extensions["library"]).add(EDITOR, PASSWORD)
    library = app.extensions["library"]
    for i in range(25):  # two library pages: page links are drawn
        library.save(sample_gallery(f"Harbour number {i}", n=2))
    with served(app) as base:
        yield urllib.parse.urlsplit(base).port


def raw(port: int, method: str, target: str, headers: dict | None = None,
        body: str | None = None, cookie: str = ""):
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = dict(headers or {})
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    con.request(method, target, body=body, headers=headers)
    r = con.getresponse()
    r.text = r.read().decode("utf-8", "replace")
    con.close()
    return r


def session_cookie(r, name: str = "reader_session") -> str:
    for value in r.headers.get_all("Set-Cookie") or []:
        if value.startswith(name + "="):
            return value.split(";")[0]
    return ""


def form(port: int, path: str):
    page = raw(port, "GET", path)
    return unescape(_TOKEN.search(page.text).group(1)), session_cookie(page)


@pytest.mark.parametrize("next_", ["/edit/\r\nSet-Cookie: evil=1", "/edit/\nLocation: //evil",
                                   "/\x00edit/"])
def test_next_with_cr_lf_after_sign_in_is_no_500(live, next_):
    token, cookie = form(live, "/sign-in")
    r = raw(live, "POST", "/sign-in", cookie=cookie, body=urllib.parse.urlencode(
        {"name": EDITOR, "password": PASSWORD, "csrf_token": token, "next": next_}))
    assert r.status == 302 and r.headers["Location"] == "/edit/"
    assert not any("evil" in v for v in r.headers.get_all("Set-Cookie") or [])


@pytest.mark.parametrize("query", ["endpoint=x", "_method=POST", "_anchor=x", "values=1",
                                   "page=2&endpoint=x", "slug=x", "_external=1",
                                   "_scheme=javascript&_external=1"])
@pytest.mark.parametrize("path", ["/", "/search?q=harbour"])
def test_url_for_keys_in_the_query_never_reach_links(live, path, query):
    target = path + ("&" if "?" in path else "?") + query
    r = raw(live, "GET", target, headers={"Host": "evil.example"})
    assert r.status == 200, (target, r.status)
    assert "evil.example" not in r.text and "javascript:" not in r.text
    links = re.findall(r'href="([^"]*page=\d[^"]*)"', r.text)
    assert links, "the page draws its page links"
    for link in links:
        link = unescape(link)
        assert link.startswith("/") and not link.startswith("//"), link
        assert not re.search(r"[?&](_|endpoint=|values=)", link), link


def test_static_cannot_be_walked_out_of(live, tmp_path):
    """A lost safe_join in the minifying static view would serve these."""
    secret = tmp_path / "secret.js"
    secret.write_text("var secret = 'LEAKED';")
    (tmp_path / "secret.txt").write_text("LEAKED")
    up = "%2e%2e/" * 30
    root = str(tmp_path).lstrip("/")
    for target in [f"/static/{up}{root}/secret.js", f"/static/{up}{root}/secret.txt",
                   f"/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f{root}/secret.js",
                   f"/static/%2f{root}/secret.js", f"/static/{up}etc/passwd",
                   f"/static/{up}{root}%00.js"]:
        r = raw(live, "GET", target)
        if r.status == 308:  # "//" merged: sent to a path inside /static/, not out of it
            where = urllib.parse.urlsplit(r.headers["Location"]).path
            assert where.startswith("/static/") and ".." not in where, where
            continue
        assert r.status in (400, 404), (target, r.status)
        assert "LEAKED" not in r.text and "root:" not in r.text
    assert raw(live, "GET", "/static/reader.css").status == 200  # the folder still serves


def test_post_settings_needs_its_csrf_token(live):
    token, cookie = form(live, "/settings")
    forged = raw(live, "POST", "/settings", cookie=cookie,
                 body=urllib.parse.urlencode({"theme": "yellow", "text_size": "150"}))
    assert forged.status == 400
    assert not session_cookie(forged, "reader_settings")
    ok = raw(live, "POST", "/settings", cookie=cookie, body=urllib.parse.urlencode(
        {"theme": "yellow", "text_size": "150", "csrf_token": token}))
    assert ok.status in (302, 303)
    assert "yellow" in session_cookie(ok, "reader_settings")
