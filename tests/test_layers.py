"""Lower layers never import higher ones: nothing outside reader.web and reader.cli loads
Flask, werkzeug or the web and command-line layers."""

from __future__ import annotations

import subprocess
import sys

LOWER = ["reader.model", "reader.errors", "reader.importers", "reader.importers.photos",
         "reader.store", "reader.document", "reader.sample", "reader.search", "reader.paging",
         "reader.users", "reader.throttle", "reader.editing", "reader.images.pipeline",
         "reader.speech.service", "reader.speech.worker"]


def test_lower_layers_do_not_load_flask_or_the_web_layer():
    code = ("import sys\n"
            f"for m in {LOWER!r}: __import__(m)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug',"
            " 'flask_wtf', 'flask_compress')"
            " or m.startswith('reader.web') or m.startswith('reader.cli'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
