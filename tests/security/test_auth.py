"""Signing in and out: cookies, sessions that really end, redirects, the throttle."""

from __future__ import annotations

import pytest

from reader.throttle import (
    ADDRESS_LIMIT,
    LIMIT,
    MAX_DELAY,
    address_key,
    delay_after,
    pair_key,
)
from reader.users import Users
from tests.security.conftest import EDITOR, PASSWORD, form_token, sign_in

pytestmark = pytest.mark.both_stores  # each test on SQLite and on PostgreSQL


def cookie_header(response, name="reader_session") -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, "no session cookie was set"
    return headers[-1]


def test_sign_in_sets_a_signed_httponly_samesite_cookie_not_secure_on_http(client, editor):
    r = sign_in(client)
    assert r.status_code == 302 and r.headers["Location"] == "/edit/"
    cookie = cookie_header(r)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP loopback: a Secure cookie would never come back
    value = cookie.split(";")[0].split("=", 1)[1]
    assert EDITOR not in value and PASSWORD not in value
    assert client.get("/edit/").status_code == 200


def test_the_cookie_is_secure_over_https(app, editor):
    client = app.test_client()
    token_page = client.get("/sign-in", base_url="https://reader.test")
    from tests.security.conftest import csrf_from

    r = client.post("/sign-in", base_url="https://reader.test",
                    headers={"Referer": "https://reader.test/sign-in"},
                    data={"name": EDITOR, "password": PASSWORD,
                          "csrf_token": csrf_from(token_page.get_data(as_text=True))})
    assert r.status_code == 302
    assert "Secure" in cookie_header(r)


def test_a_tampered_cookie_is_not_a_session(client, editor):
    sign_in(client)
    cookie = client.get_cookie("reader_session")
    client.set_cookie("reader_session", cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA"
                                                             else "BB"))
    assert client.get("/edit/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, editor):
    r = sign_in(client, password="not the password")
    assert r.status_code == 401
    page = r.get_data(as_text=True)
    assert "The user name or password is wrong" in page
    r2 = sign_in(client, name="nobody")
    assert r2.status_code == 401 and "The user name or password is wrong" in r2.get_data(
        as_text=True)
    assert client.get("/edit/").status_code == 302


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, client, editor):
    sign_in(client)
    stolen = client.get_cookie("reader_session").value
    token = form_token(client, "/edit/")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/edit/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("reader_session", stolen)
    assert thief.get("/edit/").status_code == 302


def test_removing_an_editor_ends_their_session(app, client, editor):
    sign_in(client)
    Users(app.extensions["library"]).remove(EDITOR)
    assert client.get("/edit/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil",
                                    "javascript:alert(1)", "http:/evil.example"])
def test_sign_in_never_redirects_off_site(client, editor, target):
    r = sign_in(client, next=target)
    assert r.status_code == 302 and r.headers["Location"] == "/edit/"


def test_sign_in_returns_to_the_page_asked_for(client, editor):
    r = client.get("/edit/import")
    assert r.status_code == 302 and "next=/edit/import" in r.headers["Location"]
    r = sign_in(client, next="/edit/import")
    assert r.headers["Location"] == "/edit/import"


# -- the throttle ----------------------------------------------------------------------------

class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(app):
    c = Clock()
    app.extensions["sign_in_throttle"].clock = c
    return c


def test_five_wrong_passwords_in_a_row_block_even_the_right_one(client, editor, clock):
    for i in range(LIMIT - 1):
        assert sign_in(client, password=f"wrong {i}").status_code == 401
    fifth = sign_in(client, password="wrong 5")
    assert fifth.status_code == 429
    assert int(fifth.headers["Retry-After"]) == 30
    assert "Too many wrong passwords" in fifth.get_data(as_text=True)
    # While blocked even the right password is not checked, and nothing is signed in.
    r = sign_in(client)
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 30
    assert client.get("/edit/").status_code == 302
    clock.t += 31
    assert sign_in(client).status_code == 302
    assert client.get("/edit/").status_code == 200


def test_each_further_wrong_password_doubles_the_wait(client, editor, clock):
    for i in range(LIMIT):
        r = sign_in(client, password=f"wrong {i}")
    waits = [int(r.headers["Retry-After"])]
    for _ in range(3):
        clock.t += waits[-1] + 1  # just past the block
        r = sign_in(client, password="still wrong")
        assert r.status_code == 429
        waits.append(int(r.headers["Retry-After"]))
    assert waits == [30, 60, 120, 240]
    assert delay_after(LIMIT + 20) == MAX_DELAY


def test_the_address_is_slowed_when_it_tries_many_accounts(client, editor, clock, app):
    for i in range(ADDRESS_LIMIT):
        r = sign_in(client, name=f"guess{i}", password="wrong password")
    assert r.status_code == 429
    # A fresh account name from the same address is blocked too.
    assert sign_in(client).status_code == 429
    throttle = app.extensions["sign_in_throttle"]
    assert throttle.failures(address_key("127.0.0.1")) == ADDRESS_LIMIT


def attempt(app, password: str, address: str, name: str = EDITOR):
    c = app.test_client()
    return c.post("/sign-in", data={"name": name, "password": password,
                                    "csrf_token": form_token(c)},
                  environ_base={"REMOTE_ADDR": address})


def test_guesses_from_elsewhere_never_lock_the_owner_out(app, editor, clock):
    """Finding 2: wrong passwords from other addresses block those addresses, never the
    account: the owner's right password from their own address still signs in."""
    for round_ in range(3):
        for _ in range(LIMIT + 2):
            attempt(app, "wrong password", f"10.0.{round_}.1")
        assert attempt(app, "wrong password", f"10.0.{round_}.1").status_code == 429
        clock.t += 60  # an attacker keeping it up, one guess a minute from each address
    assert attempt(app, PASSWORD, "10.9.9.9").status_code == 302


def test_a_right_password_clears_the_count(client, editor, clock, app):
    for i in range(LIMIT - 1):
        sign_in(client, password=f"wrong {i}")
    assert sign_in(client).status_code == 302
    throttle = app.extensions["sign_in_throttle"]
    assert throttle.failures(pair_key(EDITOR, "127.0.0.1")) == 0
    # The address keeps its wrong passwords; the right one's own count is taken back.
    assert throttle.failures(address_key("127.0.0.1")) == LIMIT - 1


def test_the_throttle_survives_a_restart(instance, editor, app, client, clock):
    """Counts are kept in the library, not in one process's memory."""
    for i in range(LIMIT):
        sign_in(client, password=f"wrong {i}")
    from reader.web import create_app

    again = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    again.extensions["sign_in_throttle"].clock = clock
    assert sign_in(again.test_client()).status_code == 429
