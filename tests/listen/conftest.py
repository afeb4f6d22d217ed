"""Listening mode: the seed gallery in a real library, a live server, a page in the shared
chromium (tests/conftest.py's `browser`, started with --mute-audio: audio plays and its
clock runs, silently)."""

from __future__ import annotations

import socket
import threading

import pytest
import waitress

from tests.speech.conftest import seed_gallery, speech_app  # noqa: F401 (fixtures)


@pytest.fixture
def live(speech_app):  # noqa: F811
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = waitress.create_server(speech_app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900},
                              reduced_motion="reduce")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
