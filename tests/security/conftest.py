"""Fixtures for the security and editor tests: an editor account, a signed-in client, forms."""

from __future__ import annotations

import re
import sqlite3
from html import unescape

import pytest

from reader.model import Gallery, Item
from reader.users import Users

EDITOR = "ada"
PASSWORD = "correct horse battery"

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    m = _TOKEN.search(html)
    assert m, "the page has no CSRF token"
    return unescape(m.group(1))


def form_token(client, url: str = "/sign-in") -> str:
    """The CSRF token of the form on a page (the session's token)."""
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return csrf_from(r.get_data(as_text=True))


def sample_gallery(title: str = "Harbour at dawn", n: int = 3) -> Gallery:
    return Gallery(title=title, standfirst="Boats come home.", lang="en", items=[
        Item(position=i, caption=f"Boat number {i} ties up at the quay.",
             credit=f"Photographer {i}/Agency", alt=f"A small boat, number {i}.")
        for i in range(1, n + 1)])


def snapshot(library) -> list[str]:
    """Everything the library holds (schema and rows, the throttle's counts left out), read
    with the database's own client library, not through the store."""
    if not hasattr(library, "path"):  # PostgreSQL
        return postgres_rows(library.url, ignore={"sign_in_failures"})
    con = sqlite3.connect(library.path)
    try:
        return [line for line in con.iterdump() if "sign_in_failures" not in line]
    finally:
        con.close()


def postgres_rows(url: str, ignore: set[str] = frozenset()) -> list[str]:
    """Every row of every table of a PostgreSQL database, in a stable order, as text."""
    import psycopg

    with psycopg.connect(url) as con:
        tables = [r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return [f"{t}: {row}" for t in tables if t not in ignore
                for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1')]


@pytest.fixture
def editor(app):
    Users(app.extensions["library"]).add(EDITOR, PASSWORD)
    return EDITOR


def sign_in(client, name: str = EDITOR, password: str = PASSWORD, **extra):
    token = form_token(client)
    return client.post("/sign-in", data={"name": name, "password": password,
                                         "csrf_token": token, **extra})


@pytest.fixture
def signed_in(client, editor):
    r = sign_in(client)
    assert r.status_code == 302, r.get_data(as_text=True)
    client.get(r.headers["Location"])  # shows (and so clears) the "Signed in" message
    return client


@pytest.fixture
def stored(app):
    return app.extensions["library"].save(sample_gallery())
