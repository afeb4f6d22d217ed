"""Shared fixtures: a real instance folder with a real SQLite library, the app, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.store import Library
from reader.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_81ea2f918b0fddc5.txt"
GALLERIES = SHARED / "galleries"


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    return folder


@pytest.fixture
def library(instance: Path) -> Library:
    return Library.in_instance(instance)


@pytest.fixture
def app(instance: Path):
    return create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)


@pytest.fixture
def client(app):
    return app.test_client()


class Reader:
    """Runs `reader …` in-process against the test's instance folder."""

    def __init__(self, instance: Path):
        self.instance = instance
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(main, ["--instance", str(self.instance), *map(str, args)],
                                  catch_exceptions=False)


@pytest.fixture
def reader(instance: Path) -> Reader:
    return Reader(instance)
