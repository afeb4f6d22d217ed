"""The archive's store-level modules (search, paging) know no Flask, web layer or CLI."""

from __future__ import annotations

import subprocess
import sys


def test_search_and_paging_do_not_load_flask():
    code = ("import sys, reader.search, reader.paging\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')"
            " or m.startswith('reader.web') or m.startswith('reader.cli'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
