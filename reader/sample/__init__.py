"""The project's own sample gallery, loaded when a library is empty so a first run shows
something real. Its words and pictures are the project's own: the text is
`harbour-lights.txt`, the photos are drawn by `pictures.py` at first load."""

from __future__ import annotations

import tempfile
from pathlib import Path

from reader.importers import parse_source
from reader.model import Gallery
from reader.resources import SAMPLE_DIR
from reader.store import Store

SAMPLE_TEXT = SAMPLE_DIR / "harbour-lights.txt"


def sample_gallery() -> Gallery:
    gallery = parse_source(SAMPLE_TEXT.read_bytes(), SAMPLE_TEXT.name, lang="en")
    gallery.source = "sample:harbour-lights"
    return gallery


def load_sample(library: Store, instance: str | Path) -> Gallery:
    """Store the sample gallery with its drawn photos (without them if they cannot be made)."""
    from reader.importers.photos import attach_photos
    from reader.sample.pictures import draw_all

    gallery = sample_gallery()
    with tempfile.TemporaryDirectory(prefix="reader-sample-") as tmp:
        draw_all(Path(tmp))
        attached = attach_photos(gallery, tmp, instance=instance, jobs=1)
    if attached.gallery is None:
        return library.save(sample_gallery())
    return library.save(attached.gallery, images=attached.images)
