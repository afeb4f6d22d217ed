"""Small helpers the blueprints share."""

from __future__ import annotations

from flask import abort, current_app

from reader.errors import NotFound
from reader.model import Gallery
from reader.store import Store


def library() -> Store:
    return current_app.extensions["library"]


def gallery_or_404(slug: str) -> Gallery:
    try:
        return library().get(slug)
    except NotFound:
        abort(404, description=f"No gallery called “{slug}” in this library.")


def photo_or_404(slug: str, n: int) -> tuple[Gallery, int]:
    """The gallery with photo ``n`` only in its items, and its number of photos."""
    try:
        g, total = library().get_photo(slug, n)
    except NotFound:
        abort(404, description=f"No gallery called “{slug}” in this library.")
    if not g.items:
        abort(404, description=f"“{g.title}” has photos 1 to {total}; there is no photo {n}.")
    return g, total
