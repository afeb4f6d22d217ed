"""One default library: `reader import` without --instance writes where the web app (and so
`reader serve`, `flask --app reader run` and ./scripts/serve) reads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from reader.instance import default_instance_dir, instance_dir
from tests.conftest import ROOT, SEED

BIN = Path(sys.executable).parent


def test_the_default_is_the_per_user_data_folder_whatever_the_working_folder(tmp_path,
                                                                            monkeypatch):
    monkeypatch.delenv("READER_INSTANCE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_instance_dir() == tmp_path / "data" / "gallery-reader"
    monkeypatch.chdir(tmp_path)
    assert instance_dir() == default_instance_dir()
    monkeypatch.setenv("READER_INSTANCE", str(tmp_path / "elsewhere"))
    assert instance_dir() == tmp_path / "elsewhere"


def test_an_import_without_instance_shows_up_in_the_served_app(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "READER_INSTANCE"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    work = tmp_path / "somewhere-else"
    work.mkdir()
    subprocess.run([str(BIN / "reader"), "import", str(SEED)], cwd=work, env=env, check=True,
                   capture_output=True)
    # The app factory every way of serving uses, run from the project folder as
    # ./scripts/serve does.
    code = ("from reader.web import create_app\n"
            "app = create_app()\n"
            "print(app.extensions['library'].path)\n"
            "print(len(app.extensions['library'].list()))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    assert out == [str(tmp_path / "data" / "gallery-reader" / "library.sqlite3"), "1"]


def test_scripts_serve_leaves_the_default_to_the_reader():
    text = (ROOT / "scripts" / "serve").read_text(encoding="utf-8")
    code = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    assert not any(re.search(r"READER_INSTANCE\s*=|--instance", ln) for ln in code)
    assert code[-1] == 'exec .venv/bin/reader serve "$@"'
