"""One error family, mapped once: the reader's own page (or JSON under /api/) for every error,
whichever layer raised it; the CLI reports any ReaderError as one line, exit status 1."""

from __future__ import annotations

from html import unescape

import click
import pytest

from reader.cli import main
from reader.errors import EditConflict, InputError, NotFound, ReaderError
from reader.web import create_app

WERKZEUG_404 = "The requested URL was not found on the server"


@pytest.fixture
def app(instance):
    # An engine library that does not exist: this server has no speech engine.
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                      "SPEECH_LIBRARY": str(instance / "no-such-libespeak-ng.so.1")},
                     instance=instance)

    @app.get("/test-raises/<kind>")
    @app.get("/api/test-raises/<kind>")
    def raises(kind):
        raise {"input": InputError("the caption is empty", field="caption"),
               "missing": NotFound("nowhere"), "conflict": EditConflict("harbour")}[kind]

    return app


def test_an_unknown_media_file_is_the_readers_own_page(client):
    r = client.get("/media/" + "ab" * 32 + "/480.jpg")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "<h1>Page not found</h1>" in html and "There is no page at this address" in html
    assert WERKZEUG_404 not in html


def test_an_unknown_api_address_is_json_in_our_words(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and WERKZEUG_404 not in r.json["error"]
    assert r.json["error"].startswith("There is no page at this address")


@pytest.mark.parametrize(("kind", "status", "words"), [
    ("input", 400, "Field 'caption': the caption is empty."),
    ("missing", 404, "No gallery 'nowhere' in the library."),
    ("conflict", 409, "changed since this page was made"),
])
def test_a_reader_error_from_any_view_is_mapped_once(client, kind, status, words):
    page = client.get(f"/test-raises/{kind}")
    assert page.status_code == status and page.mimetype == "text/html"
    assert words in unescape(page.get_data(as_text=True))
    api = client.get(f"/api/test-raises/{kind}")
    assert api.status_code == status and words in api.json["error"]


def test_listening_to_a_word_without_a_speech_engine_is_503_not_500(signed_in):
    r = signed_in.get("/edit/lexicon/listen?text=Kyiv")
    assert r.status_code == 503 and r.mimetype == "text/html"
    assert "<h1>Audio is unavailable</h1>" in r.get_data(as_text=True)


def test_the_cli_reports_any_reader_error_once_as_one_line(instance):
    @main.command("test-raise")
    def test_raise():
        raise ReaderError("the reader cannot do that")

    try:
        from click.testing import CliRunner

        result = CliRunner().invoke(main, ["--instance", str(instance), "test-raise"])
    finally:
        main.commands.pop("test-raise")
    assert result.exit_code == 1 and not isinstance(result.exception, ReaderError)
    assert result.output.strip() == "reader: the reader cannot do that"
    assert isinstance(main, click.Group)
