"""Where the package's templates, static files and sample gallery are.

In a source checkout `templates/` and `static/` sit at the top of the repository; an installed
wheel carries them inside the package (see pyproject.toml). Both are found here.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the reader's {name}/ folder is missing from this installation")


def templates_dir() -> Path:
    return _find("templates")


def static_dir() -> Path:
    return _find("static")


SAMPLE_DIR = PACKAGE / "sample"
