"""Compressed text responses, and the single-photo page's weight budget (30 KB uncompressed
with its CSS and JS, no web fonts, nothing from another site)."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from reader.sample import sample_gallery

BUDGET = 30 * 1024


@pytest.fixture
def sampled(library):
    return library.save(sample_gallery())


def test_html_and_json_are_compressed_when_the_browser_asks(sampled, client):
    plain = client.get("/g/a-night-shift-with-the-harbours-lamplighters/")
    assert "Content-Encoding" not in plain.headers
    gz = client.get("/g/a-night-shift-with-the-harbours-lamplighters/",
                    headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in gz.headers["Vary"]
    assert gzip.decompress(gz.data) == plain.data
    assert len(gz.data) < len(plain.data) / 2
    br = client.get("/api/galleries/a-night-shift-with-the-harbours-lamplighters",
                    headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data).startswith(b'{"slug"')


def test_small_and_error_responses_are_left_alone(sampled, client):
    r = client.get("/api/search?q=zebra", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers  # under 500 bytes: not worth it
    r = client.get("/g/nowhere/", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 404 and "Content-Encoding" not in r.headers


def test_a_single_photo_page_is_within_its_budget(sampled, client):
    html = client.get("/g/a-night-shift-with-the-harbours-lamplighters/2").get_data(as_text=True)
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html) + \
        re.findall(r'<script[^>]+src="([^"]+)"', html)
    weight = len(html.encode())
    for url in assets:
        assert url.startswith("/"), f"third-party request: {url}"
        body = client.get(url).data
        weight += len(body)
        assert b"@font-face" not in body, f"{url} loads a web font"
    assert not re.search(r'(src|href)="(https?:)?//', html), "third-party request"
    assert weight < BUDGET, f"{weight} bytes"
