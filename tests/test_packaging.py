"""A wheel built from the checkout (non-editable) still finds its templates and static files."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_wheel_carries_templates_static_and_sample_and_serves_from_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ["reader/templates/base.html", "reader/static/reader.css",
                   "reader/sample/harbour-lights.txt", "reader/cli/__init__.py",
                   "reader/i18n/locale/el/LC_MESSAGES/messages.po",
                   "reader/i18n/locale/ar/LC_MESSAGES/messages.po"]:
        assert needed in names
    assert not any(n.startswith(("tests/", "templates/", "static/")) for n in names)

    # Install it into a folder of its own and render a page from there, away from the checkout.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    script = (
        "import reader, reader.resources as r;"
        "assert r.templates_dir().is_relative_to(r.PACKAGE), r.templates_dir();"
        "app = reader.create_app({{'TESTING': True}}, instance={!r});"
        "c = app.test_client();"
        "assert c.get('/static/reader.css').status_code == 200;"
        "from reader.i18n import gettext;"
        "assert gettext('el', 'Next photo') == 'Επόμενη φωτογραφία';"  # catalogs compile here
        "print(c.get('/').status_code, reader.__file__)"
    ).format(str(tmp_path / "inst"))
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(target)})
    assert out.returncode == 0, out.stderr
    status, where = out.stdout.split()
    assert status == "200" and where.startswith(str(target))
