"""Where a reader keeps its library and caches: the instance folder.

One default for every command, the web app (`reader serve`, `flask --app reader run`,
`create_app()`) and `scripts/serve`: ``$READER_INSTANCE`` if set, else
:func:`default_instance_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "READER_INSTANCE"
APP_NAME = "gallery-reader"


def default_instance_dir() -> Path:
    """The one default instance folder: the platform's per-user data folder for the reader
    (``$XDG_DATA_HOME/gallery-reader``, usually ``~/.local/share/gallery-reader`` on Linux;
    ``~/Library/Application Support/gallery-reader`` on macOS; ``%LOCALAPPDATA%\\gallery-reader``
    on Windows). It does not depend on the folder a command is run from."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def instance_dir(given: str | os.PathLike | None = None) -> Path:
    """``--instance`` if given, else ``$READER_INSTANCE``, else :func:`default_instance_dir`."""
    if given:
        return Path(given).expanduser().resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    return default_instance_dir()
