"""Where bytes live: the instance folder or an S3-compatible bucket, behind one interface.

`open_media(instance, url, quota, min_free, index)` gives the configured store, wrapped in its
quota (`quota.BoundedMedia`), whose index of sizes and accesses the library's store keeps in
its database (`Store.media_index()`); images, speech and exports use only the interface
(`base.MediaStore`) and the names of `base` and never know where files are.
`media_for(instance)` gives this process's store of an instance folder: the one the web app or
CLI opened, one a process pool's parent handed over (`opened_media` / `adopt_media`), else one
opened from the instance's configuration, its index from the opener the store layer registers
(`register_index_opener`: this layer sits below the store and does not import it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from reader.media.base import EVICTABLE, MediaFull, MediaStore, check_name, evictable
from reader.media.local import LocalMedia
from reader.media.quota import BoundedMedia, MediaIndex, MediaIndexError

__all__ = ["BoundedMedia", "EVICTABLE", "LocalMedia", "MediaFull", "MediaIndex",
           "MediaIndexError", "MediaStore", "adopt_media", "check_name", "evictable",
           "media_for", "open_media", "opened_media", "register_index_opener"]

_opened: dict[tuple[str, str], BoundedMedia] = {}
_guard = threading.Lock()
# config (reader.config.Config) → the MediaIndex of its library; set by reader.store.
_index_opener: Callable[..., MediaIndex] | None = None


def register_index_opener(opener: Callable[..., MediaIndex]) -> None:
    """How `media_for` finds the index of an instance's library: ``opener(config)``."""
    global _index_opener
    _index_opener = opener


def open_media(instance: str | os.PathLike, url: str = "", quota: int = 0,
               min_free: int = 0, index: MediaIndex | None = None) -> BoundedMedia:
    """The media store for ``url`` ("" = the instance folder; s3://bucket/prefix = a bucket),
    its quota indexed in ``index`` (default: the instance's configured library's);
    remembered for `media_for`."""
    folder = Path(instance)
    folder.mkdir(parents=True, exist_ok=True)
    if index is None:
        index = _configured_index(folder)
    if url.startswith("s3://"):
        from reader.media.s3 import S3Media

        inner = S3Media(url)
    else:
        inner = LocalMedia(folder)
    media = BoundedMedia(inner, index, quota=quota, min_free=min_free,
                         folder=folder.resolve())
    if not index.count():  # a store from before the quota, or before its index moved
        media.reconcile()
    with _guard:
        _opened[(str(folder.resolve()), url)] = media
    return media


def _configured_index(folder: Path) -> MediaIndex:
    if _index_opener is None:
        raise RuntimeError("no media index: import reader.store first (it registers the "
                           "opener of its database's index)")
    from reader.config import Config

    return _index_opener(Config.load(folder))


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


def opened_media(instances: Iterable[str | os.PathLike]) -> list[tuple[str, BoundedMedia]]:
    """This process's opened stores of ``instances``, (url, store), to hand to a process
    pool's workers (`adopt_media`)."""
    folders = {str(Path(i).resolve()) for i in instances}
    with _guard:
        return [(url, media) for (f, url), media in _opened.items() if f in folders]


def adopt_media(opened: list[tuple[str, BoundedMedia]]) -> None:
    """In a pool's worker: use the parent's stores (`opened_media`) for `media_for`."""
    with _guard:
        for url, media in opened:
            _opened[(media.folder, url)] = media


def media_limits(config) -> dict[str, int]:
    """The quota settings of a `reader.config.Config`, as `open_media` takes them."""
    return {"quota": config["media.quota_mib"] * 2**20,
            "min_free": config["media.min_free_mib"] * 2**20}
