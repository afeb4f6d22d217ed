"""Settings: the typed model, its cookie, and the form that works without JavaScript."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from reader.web import settings as s
from reader.web.settings import COOKIE, Choice, Field


@pytest.fixture
def client(app):
    """A reader's browser: every form it sends carries the page's CSRF token, as a real one's."""
    import re

    c = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      c.get("/settings").get_data(as_text=True)).group(1)
    post = c.post
    c.post = lambda url, data=None, **kw: post(url, data={"csrf_token": token, **(data or {})},
                                               **kw)
    return c


def cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def test_defaults_when_no_cookie(app):
    with app.test_request_context("/"):
        mine = s.current_settings()
        assert {k: mine[k] for k in ("theme", "text_size", "shortcuts")} == {
            "theme": "auto", "text_size": "100", "shortcuts": "on"}
        # The rest are the features' own (speech, listening), each at its default.
        assert set(mine) - {"theme", "text_size", "shortcuts"} == {
            f.name for f in s.fields(app)} - {"theme", "text_size", "shortcuts"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("theme=yellow&text_size=200", {"theme": "yellow", "text_size": "200"}),
    ("theme=purple&text_size=900", {}),  # not offered: defaults, no error
    ("theme=%3Cscript%3E", {}),
    ("garbage;;==&&", {}),
    ("shortcuts=off&unknown=1", {"shortcuts": "off"}),
])
def test_cookie_parsing_keeps_only_valid_values(app, raw, expected):
    with app.app_context():
        assert s.parse_cookie(raw) == {**s.defaults(), **expected}


def test_cookie_round_trip_stores_only_what_differs_from_defaults(app):
    with app.app_context():
        values = {**s.defaults(), "theme": "dark"}
        assert s.encode_cookie(values) == "theme=dark"
        assert s.parse_cookie(s.encode_cookie(values)) == values
        assert s.encode_cookie(s.defaults()) == ""


def test_the_form_shows_every_setting_as_labelled_radio_groups(client):
    html = client.get("/settings").get_data(as_text=True)
    assert '<form class="settings-form" method="post"' in html
    for legend in ("Colours", "Text size", "Single-key shortcuts"):
        assert f"<legend>{legend}</legend>" in html
    # The core settings, then the speech features' on/off and play-mode choices.
    assert html.count('type="radio"') == 4 + 5 + 2 + 2 + 2
    assert 'value="auto" checked' in html and 'value="100" checked' in html


def test_saving_sets_the_cookie_and_redirects_back_with_a_message(client):
    r = client.post("/settings", data={"theme": "yellow", "text_size": "150",
                                       "shortcuts": "off", "next": "/help"})
    assert r.status_code == 303
    target = urlsplit(r.headers["Location"])
    assert target.path == "/settings"
    assert parse_qs(target.query) == {"saved": ["1"], "next": ["/help"]}
    assert parse_qs(cookie_value(client)) == {"theme": ["yellow"], "text_size": ["150"],
                                             "shortcuts": ["off"]}
    set_cookie = r.headers["Set-Cookie"]
    assert "SameSite=Lax" in set_cookie and "Max-Age=" in set_cookie
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Your settings are saved." in page
    assert "<title>Saved: Settings" in page  # the first thing a screen reader says on load
    assert '<a href="/help">Go back to the page you were reading</a>' in page
    assert 'class="theme-yellow text-150" data-shortcuts="off"' in page


def test_bad_values_are_refused_with_a_named_error_and_nothing_saved(client):
    client.post("/settings", data={"theme": "dark"})
    r = client.post("/settings", data={"theme": "neon", "text_size": "400"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "<title>Error: Settings" in page
    assert 'role="alert"' in page
    assert '<a href="#field-theme">Colours: choose one of the options.</a>' in page
    assert '<a href="#field-text_size">Text size: choose one of the options.</a>' in page
    assert cookie_value(client) == "theme=dark"  # unchanged


def test_reset_returns_to_defaults_and_clears_the_cookie(client):
    client.post("/settings", data={"theme": "dark"})
    assert cookie_value(client) == "theme=dark"
    r = client.post("/settings", data={"action": "reset", "theme": "yellow"})
    assert r.status_code == 303
    assert cookie_value(client) is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "help",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_the_way_back_only_goes_to_this_site(client, target):
    r = client.post("/settings", data={"theme": "dark", "next": target})
    assert "next" not in parse_qs(urlsplit(r.headers["Location"]).query)
    page = client.get(f"/settings?saved=1&next={target}").get_data(as_text=True)
    assert "Go back to the page" not in page


def test_a_post_from_another_site_is_refused(client):
    r = client.post("/settings", data={"theme": "dark"},
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert cookie_value(client) is None
    r = client.post("/settings", data={"theme": "dark"}, headers={"Origin": "http://localhost"})
    assert r.status_code == 303


def test_settings_link_remembers_the_page_being_read(client):
    html = client.get("/help").get_data(as_text=True)
    assert 'href="/settings?next=/help"' in html


def test_a_feature_adds_its_own_setting(app, client):
    """The speech feature's voice list and rate, registered the way it will register them."""
    s.register_field(app, Field("voice", "Voice", "default", group="Speech",
                                choices=lambda: [Choice("default", "The gallery's language"),
                                                 Choice("en-gb", "English (UK)")]))
    s.register_field(app, Field("rate", "Speaking rate (words a minute)", "175",
                                kind="integer", minimum=80, maximum=450, step=5,
                                group="Speech"))
    with pytest.raises(ValueError):
        s.register_field(app, Field("theme", "Again", "auto"))
    page = client.get("/settings").get_data(as_text=True)
    assert "<h2>Speech</h2>" in page and "English (UK)" in page
    assert 'type="number"' in page and 'min="80"' in page
    r = client.post("/settings", data={"voice": "en-gb", "rate": "300"})
    assert r.status_code == 303
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={cookie_value(client)}"}):
        assert s.current_settings()["voice"] == "en-gb"
        assert s.current_settings()["rate"] == "300"
    r = client.post("/settings", data={"rate": "301"})
    assert r.status_code == 400
    assert "from 80 to 450 in steps of 5" in r.get_data(as_text=True)
    assert 'aria-invalid="true"' in r.get_data(as_text=True)


def test_a_form_with_some_fields_changes_only_those(client):
    client.post("/settings", data={"theme": "yellow", "text_size": "175"})
    client.post("/settings", data={"shortcuts": "off"})
    assert parse_qs(cookie_value(client)) == {"theme": ["yellow"], "text_size": ["175"],
                                             "shortcuts": ["off"]}


def test_origin_check_ignores_the_scheme_a_proxy_may_change(client):
    r = client.post("/settings", data={"theme": "dark"},
                    headers={"Origin": "https://localhost"})
    assert r.status_code == 303
