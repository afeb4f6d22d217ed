"""One configuration: defaults → INSTANCE/config.toml → READER_* (later wins), validated at
start with the key named; the CLI and the web app read the same values."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.config import RATE_RANGE, Config
from reader.errors import ConfigError
from reader.web import create_app


def write(instance, text: str) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.toml").write_text(text, encoding="utf-8")


def test_defaults_then_file_then_environment(instance):
    assert Config.load(instance, environ={}).origins["speech.rate"] == "default"
    write(instance, "[speech]\nrate = 200\nvoice = 'en-gb'\n[serve]\nthreads = 4\n")
    config = Config.load(instance, environ={"READER_SPEECH_RATE": "210"})
    assert (config["speech.rate"], config.origins["speech.rate"]) == (210, "environment")
    assert (config["speech.voice"], config.origins["speech.voice"]) == ("en-gb", "file")
    assert (config["serve.threads"], config.origins["serve.threads"]) == (4, "file")
    assert (config["serve.port"], config.origins["serve.port"]) == (5000, "default")


@pytest.mark.parametrize(("toml", "env", "words"), [
    ("[speech]\nrate = 900\n", {}, "speech.rate: must be from 80 to 450"),
    ("[speech]\nrate = 'fast'\n", {}, "speech.rate: must be int"),
    ("[speech]\nspeed = 2\n", {}, "speech.speed: is not a setting"),
    ("[speech\n", {}, "is not valid TOML"),
    ("", {"READER_SERVE_PORT": "eighty"}, "READER_SERVE_PORT: serve.port"),
    ("", {"READER_SPEECH_WARM": "maybe"}, "speech.warm: must be true or false"),
    ("", {"READER_DATABASE_URL": "mysql://db/reader"}, "database_url: must be empty"),
    ("", {"READER_MEDIA_URL": "ftp://bucket/prefix"}, "media_url: must be empty"),
    ("", {"READER_MEDIA_URL": "s3://"}, "s3://BUCKET/PREFIX"),
    ("", {"READER_MEDIA_RENDER_RATE": "lots"}, "media.render_rate: must be empty"),
    ("[media]\nquota_mib = -1\n", {}, "media.quota_mib: must be from 0"),
    ("[listen]\nspeeds = ['1', 'fast']\n", {}, "listen.speeds"),
])
def test_a_bad_value_stops_with_a_message_naming_the_key(instance, toml, env, words):
    write(instance, toml)
    with pytest.raises(ConfigError) as e:
        Config.load(instance, environ=env)
    assert words in str(e.value)


def test_the_cli_reports_a_bad_configuration_in_one_line(instance):
    write(instance, "[serve]\nthreads = 0\n")
    result = CliRunner().invoke(main, ["--instance", str(instance), "list"])
    assert result.exit_code == 1
    assert result.output.strip() == (f"reader: configuration {instance / 'config.toml'}: "
                                     "serve.threads: must be from 1 to 256")


def test_an_unknown_speech_engine_stops_the_cli_and_the_web_app_naming_the_key(instance):
    write(instance, "[speech]\nengine = 'nonesuch'\n")
    result = CliRunner().invoke(main, ["--instance", str(instance), "voices"])
    assert result.exit_code == 1
    assert "speech.engine: no speech engine called 'nonesuch'" in result.output
    with pytest.raises(ConfigError, match="speech.engine: no speech engine called"):
        create_app(instance=instance)


def test_reader_config_prints_every_value_with_its_origin(instance):
    write(instance, "[speech]\nrate = 200\n")
    result = CliRunner().invoke(main, ["--instance", str(instance), "config"],
                                env={"READER_SERVE_PORT": "8123", "READER_SPEECH_WARM": None})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f'instance = "{instance}"  # given' in lines
    assert f"speech.rate = 200  # file {instance / 'config.toml'}" in lines
    assert "serve.port = 8123  # environment READER_SERVE_PORT" in lines
    assert 'serve.host = "127.0.0.1"  # default' in lines
    assert "speech.warm = true  # default" in lines


def test_the_web_app_and_the_cli_share_the_same_settings(instance):
    write(instance, "[speech]\nrate = 222\nvolume = 0.5\n[limits]\nmax_upload_mib = 8\n"
                    "[library]\nload_sample = false\n")
    app = create_app(instance=instance)
    assert app.extensions["config"]["speech.rate"] == 222
    assert (app.config["SPEECH_RATE"], app.config["SPEECH_VOLUME"]) == (222, 0.5)
    assert app.config["MAX_CONTENT_LENGTH"] == 8 * 2**20
    assert app.extensions["library"].is_empty()  # no sample gallery: the file said so
    # One speaking-rate range: the settings page's field and the CLI's option.
    html = app.test_client().get("/settings").get_data(as_text=True)
    assert f'min="{RATE_RANGE[0]}"' in html and f'max="{RATE_RANGE[1]}"' in html
    result = CliRunner().invoke(main, ["--instance", str(instance), "audio", "build",
                                       "--rate", str(RATE_RANGE[1] + 10)])
    assert result.exit_code == 2 and f"{RATE_RANGE[0]}<=x<={RATE_RANGE[1]}" in result.output
