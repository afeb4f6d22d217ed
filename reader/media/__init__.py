"""Where bytes live: the instance folder or an S3-compatible bucket, behind one interface.

`open_media(instance, url, quota, min_free)` gives the configured store, wrapped in its quota
(`quota.BoundedMedia`); images, speech and exports use only the interface (`base.MediaStore`)
and the names of `base` and never know where files are. `media_for(instance)` gives this
process's store of an instance folder (the one the web app or CLI opened, else one opened from
the instance's configuration: a photo worker process uses it).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reader.media.base import EVICTABLE, MediaFull, MediaStore, check_name, evictable
from reader.media.local import LocalMedia
from reader.media.quota import BoundedMedia

__all__ = ["BoundedMedia", "EVICTABLE", "LocalMedia", "MediaFull", "MediaStore", "check_name",
           "evictable", "media_for", "open_media", "INDEX_FILE"]

INDEX_FILE = "media-index.sqlite3"
_opened: dict[tuple[str, str], BoundedMedia] = {}
_guard = threading.Lock()


def open_media(instance: str | os.PathLike, url: str = "", quota: int = 0,
               min_free: int = 0) -> BoundedMedia:
    """The media store for ``url`` ("" = the instance folder; s3://bucket/prefix = a bucket),
    with its quota index in the instance folder; remembered for `media_for`."""
    folder = Path(instance)
    folder.mkdir(parents=True, exist_ok=True)
    if url.startswith("s3://"):
        from reader.media.s3 import S3Media

        inner = S3Media(url)
    else:
        inner = LocalMedia(folder)
    media = BoundedMedia(inner, folder / INDEX_FILE, quota=quota, min_free=min_free)
    with _guard:
        _opened[(str(folder.resolve()), url)] = media
    return media


def media_for(instance: str | os.PathLike, url: str | None = None) -> BoundedMedia:
    """This process's media store of ``instance`` (opened from its configuration if needed)."""
    folder = str(Path(instance).resolve())
    with _guard:
        if url is None:
            found = [m for (f, _u), m in _opened.items() if f == folder]
            if found:
                return found[-1]
        elif (folder, url) in _opened:
            return _opened[(folder, url)]
    from reader.config import Config

    config = Config.load(instance)
    return open_media(instance, config["media_url"] if url is None else url,
                      **media_limits(config))


def media_limits(config) -> dict[str, int]:
    """The quota settings of a `reader.config.Config`, as `open_media` takes them."""
    return {"quota": config["media.quota_mib"] * 2**20,
            "min_free": config["media.min_free_mib"] * 2**20}
