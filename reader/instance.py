"""Where a reader keeps its library and caches: the instance folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "READER_INSTANCE"


def instance_dir(given: str | os.PathLike | None = None) -> Path:
    """``--instance`` if given, else ``$READER_INSTANCE``, else a per-user data folder."""
    if given:
        return Path(given).expanduser().resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("gallery-reader", appauthor=False))
