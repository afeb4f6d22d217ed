"""Listening mode: the seed gallery in a real library, a live server, a page in the shared
chromium (tests/conftest.py's `browser`, started with --mute-audio: audio plays and its
clock runs, silently)."""

from __future__ import annotations

import pytest

from tests.conftest import served
from tests.speech.conftest import seed_gallery, speech_app  # noqa: F401 (fixtures)


@pytest.fixture
def live(speech_app):  # noqa: F811
    with served(speech_app) as base:
        yield base


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900},
                              reduced_motion="reduce")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
