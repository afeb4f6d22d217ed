"""The house's layers, checked over every module of the package.

1. Nothing imports upward: each part of `reader` (a top-level module or a sub-package) sits in
   one layer of `LAYERS`, and may import only its own layer and the ones below, whether the
   import is at the top of the module or inside a function.
2. No import cycle between modules (imports at module level, which run on import).
3. Nothing outside reader.web and reader.cli loads Flask, Werkzeug or click, even indirectly.
4. No module is over ~400 lines.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "reader"

# Lowest first. A part not listed here fails the test: place every new part in its layer.
LAYERS = [
    ["reader.errors", "reader.model", "reader.paging", "reader.instance", "reader.resources",
     "reader.i18n", "reader.validate", "reader.builds"],
    ["reader.config"],
    ["reader.media"],
    ["reader.images"],
    ["reader.importers"],
    ["reader.store"],
    ["reader.jobs"],
    ["reader.document", "reader.search", "reader.users", "reader.throttle", "reader.editing"],
    ["reader.speech"],
    ["reader.sample", "reader.audio_jobs", "reader.image_jobs"],
    ["reader.export"],
    ["reader.web"],
    ["reader.cli"],
    ["reader"],  # the package itself: `reader.create_app`, loaded lazily from reader.web
]
RANK = {part: n for n, parts in enumerate(LAYERS) for part in parts}
MAX_LINES = 420  # "about 400"
WEB_ONLY = ("flask", "werkzeug", "flask_wtf", "flask_compress", "click", "waitress")


def modules() -> dict[str, Path]:
    out = {}
    for f in ROOT.rglob("*.py"):
        parts = f.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m == "reader" or m.startswith("reader.")}


def test_every_part_has_a_layer():
    assert sorted({part(m) for m in modules()} - set(RANK)) == []


def test_nothing_imports_upward():
    known = modules()
    upward = []
    for name, path in known.items():
        for target in imports(path, top_level_only=False):
            if target not in known:  # `from reader.x import name`: the name, not a module
                continue
            if RANK[part(target)] > RANK[part(name)]:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_no_import_cycles():
    known = modules()
    graph = {name: {t for t in imports(path, top_level_only=True) if t in known and t != name}
             for name, path in known.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_lower_layers_do_not_load_flask_or_click():
    lower = sorted(m for m in modules() if RANK[part(m)] < RANK["reader.web"]
                   and not m.endswith("__main__"))
    code = ("import sys\n"
            f"for m in {lower!r}: __import__(m)\n"
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {WEB_ONLY!r}"
            " or m.startswith('reader.web') or m.startswith('reader.cli'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_no_module_is_over_about_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
