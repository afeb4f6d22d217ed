"""Secure defaults: headers on every response, the secret key, size limit, error pages."""

from __future__ import annotations

import os
import stat

import pytest

from reader.web import create_app
from reader.web.security import CSP, SECRET_FILE
from tests.security.conftest import form_token

EXPECTED = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_secure_headers(response, where):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))


def test_the_csp_is_strict():
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in CSP and "*" not in CSP and "http" not in CSP and "data:" not in CSP


def every_get_url(app, slug):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        if rule.endpoint == "static":
            yield "/static/reader.css"
            continue
        url = rule.rule.replace("<slug>", slug).replace("<int:n>", "1")
        url = url.replace("<path:filename>", "x")
        if "<" in url:
            continue  # a route with arguments this test does not know (a later feature's)
        yield url


def test_the_headers_are_on_every_response(app, signed_in, stored):
    seen = 0
    for url in every_get_url(app, stored.slug):
        r = signed_in.get(url)
        assert_secure_headers(r, url)
        seen += 1
    assert seen >= 10
    for url in ["/no/such/page", "/api/no-such", "/g/nope/", "/static/nope.css"]:
        r = signed_in.get(url)
        assert r.status_code == 404
        assert_secure_headers(r, url)
    r = signed_in.put("/")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert_secure_headers(r, "405")
    r = signed_in.post("/edit/import", data={})  # a CSRF refusal
    assert r.status_code == 400
    assert_secure_headers(r, "400")


def test_the_headers_are_on_anonymous_pages_too(client, stored):
    for url in ["/", f"/g/{stored.slug}/", f"/g/{stored.slug}/1", "/api/galleries",
                f"/api/galleries/{stored.slug}", "/sign-in", "/edit/", "/static/reader.css"]:
        assert_secure_headers(client.get(url), url)


# -- the secret key --------------------------------------------------------------------------

def test_the_secret_key_is_made_once_private_and_kept(instance):
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    path = instance / SECRET_FILE
    assert path.is_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = path.read_bytes()
    assert len(key) == 32 and app.config["SECRET_KEY"] == key
    again = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    assert again.config["SECRET_KEY"] == key
    other = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False},
                       instance=instance.parent / "other")
    assert other.config["SECRET_KEY"] != key
    assert not list(instance.glob(".secret-*"))  # no temporary file left behind


def test_a_session_from_one_instance_is_worthless_on_another(instance, tmp_path, editor,
                                                            client):
    from tests.security.conftest import sign_in

    sign_in(client)
    cookie = client.get_cookie("reader_session").value
    other = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False},
                       instance=tmp_path / "other")
    from reader.users import Users

    Users(other.extensions["library"]).add("ada", "correct horse battery")
    c = other.test_client()
    c.set_cookie("reader_session", cookie)
    assert c.get("/edit/").status_code == 302


def test_no_secret_key_in_the_code():
    import reader

    root = os.path.dirname(reader.__file__)
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    text = f.read()
                assert "SECRET_KEY\"] = \"" not in text and "SECRET_KEY=\"" not in text, name
                assert "secret_key = \"" not in text.lower(), name


# -- the upload limit ------------------------------------------------------------------------

def test_an_upload_over_the_limit_gets_a_clear_413_page(app, signed_in):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 32 * 1024 * 1024
    library = app.extensions["library"]
    token = form_token(signed_in, "/edit/import")
    import io

    big = io.BytesIO(b"x" * (limit + 1))
    r = signed_in.post("/edit/import", data={"csrf_token": token, "file": (big, "big.txt")},
                       content_type="multipart/form-data")
    assert r.status_code == 413
    page = r.get_data(as_text=True)
    assert "<h1>The file is too large</h1>" in page
    assert "Nothing was changed: uploads may be at most 32 MiB." in page
    assert "Traceback" not in page
    assert_secure_headers(r, "413")
    assert library.list() == []


def test_the_413_page_is_shown_before_anything_is_read(app, client):
    """Even anonymous, even without a token: the size is refused from Content-Length."""
    r = client.post("/edit/import", data=b"x" * 10,
                    content_type="application/octet-stream",
                    environ_overrides={"CONTENT_LENGTH": str(app.config["MAX_CONTENT_LENGTH"]
                                                             + 1)})
    assert r.status_code == 413 and "too large" in r.get_data(as_text=True)


# -- error pages -----------------------------------------------------------------------------

@pytest.fixture
def production_app(instance):
    """Not TESTING: a view that fails must give the 500 page, as in production."""
    app = create_app({"LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: /srv/app/db password=hunter2")

    return app


def test_a_failing_view_gives_a_500_page_without_internals(production_app):
    r = production_app.test_client().get("/boom")
    assert r.status_code == 500
    page = r.get_data(as_text=True)
    assert "<h1>Sorry, something went wrong</h1>" in page
    for leak in ["Traceback", "RuntimeError", "hunter2", "secret internals", ".py"]:
        assert leak not in page
    assert_secure_headers(r, "500")


def test_api_errors_are_json_without_internals(production_app):
    @production_app.get("/api/boom")
    def api_boom():
        raise ValueError("internal detail")

    c = production_app.test_client()
    r = c.get("/api/boom")
    assert r.status_code == 500 and r.is_json and "internal detail" not in r.get_data(
        as_text=True)
    r = c.get("/api/galleries/nope")
    assert r.status_code == 404 and r.is_json


def test_404_page_is_plain_words_and_extends_the_site(client):
    r = client.get("/g/nothing-here/")
    page = r.get_data(as_text=True)
    assert r.status_code == 404 and "No gallery called “nothing-here”" in page
    assert 'class="skip-link"' in page and "Go to the library" in page


def test_429_page_has_retry_after(app, client):
    from werkzeug.exceptions import TooManyRequests

    @app.get("/limited")
    def limited():
        raise TooManyRequests(retry_after=7)

    r = client.get("/limited")
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert "<h1>Too many tries</h1>" in r.get_data(as_text=True)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    r = client.get("/", base_url="https://reader.test")
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from reader.web.security import load_or_create_secret

    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(lambda _: load_or_create_secret(tmp_path), range(64)))
    assert len(keys) == 1 and len(next(iter(keys))) == 32
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]


def test_a_damaged_key_file_is_reported_not_used(tmp_path):
    from reader.web.security import load_or_create_secret

    (tmp_path / SECRET_FILE).write_bytes(b"short")
    from reader.errors import InputError

    with pytest.raises(InputError, match="Delete it to have a new one made"):
        load_or_create_secret(tmp_path)
