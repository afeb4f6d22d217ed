"""The project's own sample gallery, loaded when a library is empty so a first run shows
something real. Its words and pictures are the project's own."""

from __future__ import annotations

from reader.importers import parse_source
from reader.model import Gallery
from reader.resources import SAMPLE_DIR

SAMPLE_TEXT = SAMPLE_DIR / "harbour-lights.txt"


def sample_gallery() -> Gallery:
    gallery = parse_source(SAMPLE_TEXT.read_bytes(), SAMPLE_TEXT.name, lang="en")
    gallery.source = "sample:harbour-lights"
    return gallery
