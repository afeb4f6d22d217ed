"""Every route that changes anything refuses anonymous users and forged (CSRF-less) requests,
and the library is byte-for-byte what it was afterwards.

The routes are found from the app's URL map, so a write route added later is covered without
touching this file; one whose sample arguments are unknown fails here until it is added below.
"""

from __future__ import annotations

import io

import pytest

from reader.web import create_app
from tests.security.conftest import form_token, sample_gallery, snapshot

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL

# Routes any reader may post to: still CSRF-protected, but they need no account.
PUBLIC_WRITES = {"auth.sign_in", "auth.sign_out", "pages.settings"}

# What each write route is sent: the fields a real form sends (version filled in per test).
FORMS = {
    "editor.import_gallery": {"text": "A harbour\nBoats come home.\n"
                                      "A boat at the quay. [Some One/Agency]\n"},
    "editor.item": {"alt": "changed", "caption": "changed", "credit": "changed"},
    "editor.move": {"direction": "down"},
    "editor.remove_item": {},
    "editor.remove_gallery": {},
    "editor.describe": {"speak": "yes", "photo": "1"},
    "lexicon_editor.save": {"written": "Kyiv", "spoken": "keev"},
    "lexicon_editor.remove": {"written": "Kyiv"},
}


def write_rules(app):
    return sorted({(rule.endpoint, rule.rule) for rule in app.url_map.iter_rules()
                   if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}})


def url_for_rule(rule: str, slug: str) -> str:
    return rule.replace("<slug>", slug).replace("<int:n>", "1")


@pytest.fixture
def lexicon(app):
    lex = app.extensions["lexicon"]  # the real one (reader/web/audio.py)
    lex.set("Kyiv", "keev")
    return lex


def test_the_write_routes_are_the_ones_expected(app):
    """Guard: every write route is exercised by the tests below (add new ones to FORMS)."""
    endpoints = {endpoint for endpoint, _ in write_rules(app)}
    assert endpoints - PUBLIC_WRITES <= set(FORMS), endpoints - PUBLIC_WRITES - set(FORMS)
    assert endpoints - PUBLIC_WRITES  # there are editor write routes at all


def _requests(app, slug):
    from reader.editing import gallery_version

    version = gallery_version(app.extensions["library"].get(slug))
    for endpoint, rule in write_rules(app):
        if endpoint in PUBLIC_WRITES:
            continue
        data = {**FORMS[endpoint], "version": version}
        yield endpoint, url_for_rule(rule, slug), data


def test_anonymous_writes_are_refused_and_change_nothing(app, client, stored, lexicon):
    before, lex_before = snapshot(app.extensions["library"]), lexicon.entries()
    token = form_token(client)  # a real token: only the missing sign-in stops them
    for endpoint, url, data in _requests(app, stored.slug):
        r = client.post(url, data={**data, "csrf_token": token})
        assert r.status_code == 403, (endpoint, r.status_code)
        assert "Sign in" in r.get_data(as_text=True)
        r = client.post(url, data=data)  # and with no token at all
        assert r.status_code == 400, (endpoint, r.status_code)
    # An upload, too.
    r = client.post("/edit/import", data={"csrf_token": token, "file": (
        io.BytesIO(b"T\nA boat. [A/B]\n"), "g.txt")})
    assert r.status_code == 403
    assert snapshot(app.extensions["library"]) == before
    assert lexicon.entries() == lex_before


@pytest.mark.parametrize("token", [None, "", "forged-token", "other-session"])
def test_forged_writes_from_a_signed_in_editor_are_refused(app, signed_in, stored, lexicon,
                                                          token):
    if token == "other-session":
        token = form_token(app.test_client())  # valid, but for someone else's session
    before, lex_before = snapshot(app.extensions["library"]), lexicon.entries()
    for endpoint, url, data in _requests(app, stored.slug):
        if token is not None:
            data = {**data, "csrf_token": token}
        r = signed_in.post(url, data=data)
        assert r.status_code == 400, (endpoint, r.status_code)
        assert "did not come from this site" in r.get_data(as_text=True)
    assert snapshot(app.extensions["library"]) == before
    assert lexicon.entries() == lex_before


def test_the_same_writes_with_a_token_do_change_the_library(app, signed_in, lexicon):
    """The refusals above are not routes that are simply broken: with the token they work."""
    library = app.extensions["library"]
    token = form_token(signed_in, "/edit/")
    endpoints = [e for e, _ in write_rules(app) if e not in PUBLIC_WRITES]
    for endpoint in endpoints:
        slug = library.save(sample_gallery(f"Gallery for {endpoint}")).slug
        url, data = next((u, d) for e, u, d in _requests(app, slug) if e == endpoint)
        before = snapshot(library), lexicon.entries()
        r = signed_in.post(url, data={**data, "csrf_token": token})
        assert r.status_code in (302, 303), (endpoint, r.status_code, r.get_data(as_text=True))
        assert (snapshot(library), lexicon.entries()) != before, endpoint


def test_a_cross_site_post_over_https_is_refused_by_referer(tmp_path, stored):
    """On HTTPS, CSRFProtect also wants a same-site Referer (a stolen token is not enough)."""
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False},
                     instance=tmp_path / "i")
    from reader.users import Users

    Users(app.extensions["library"]).add("ada", "correct horse battery")
    c = app.test_client()
    base = "https://reader.test"
    token = form_token(c, base + "/sign-in")
    r = c.post(base + "/sign-in", data={"name": "ada", "password": "correct horse battery",
                                        "csrf_token": token},
               headers={"Referer": "https://evil.example/page"})
    assert r.status_code == 400
    assert c.get(base + "/edit/").status_code == 302


def test_sign_in_and_sign_out_need_the_token_too(app, client, editor):
    """Login CSRF: another site must not sign a reader in as someone else (or out)."""
    r = client.post("/sign-in", data={"name": "ada", "password": "correct horse battery"})
    assert r.status_code == 400
    assert client.get("/edit/").status_code == 302
    from tests.security.conftest import sign_in

    sign_in(client)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/edit/").status_code == 200


def test_every_editor_page_sends_anonymous_readers_to_sign_in(app, client, stored, lexicon):
    pages = [rule.rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/edit") and "GET" in rule.methods]
    assert len(pages) >= 7
    for rule in pages:
        url = url_for_rule(rule, stored.slug)
        r = client.get(url)
        assert r.status_code == 302, url
        assert r.headers["Location"].startswith("/sign-in?next="), url
        assert stored.title not in r.get_data(as_text=True)
