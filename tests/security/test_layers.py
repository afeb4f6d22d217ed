"""The editors' store-level modules know no Flask and no web layer."""

from __future__ import annotations

import subprocess
import sys

MODULES = ["reader.users", "reader.throttle", "reader.editing"]


def test_store_level_modules_do_not_load_flask():
    code = ("import sys\n"
            f"for m in {MODULES!r}: __import__(m)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug',"
            " 'flask_wtf') or m.startswith('reader.web') or m.startswith('reader.cli'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
