"""Small helpers the blueprints share."""

from __future__ import annotations

from flask import abort, current_app
from flask import g as flask_g

from reader.errors import NotFound
from reader.model import Gallery
from reader.store import Store


def gallery_is_partial(gallery: Gallery) -> bool:
    """Whether this request read ``gallery`` with one photo only (`photo_or_404`), for the
    rare part of a page that needs them all (a static export's inline player)."""
    return gallery.slug in flask_g.get("partial_galleries", ())


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
        flask_g.partial_galleries = {*flask_g.get("partial_galleries", ()), slug}
    except NotFound:
        abort(404, description=f"No gallery called “{slug}” in this library.")
    if not g.items:
        abort(404, description=f"“{g.title}” has photos 1 to {total}; there is no photo {n}.")
    return g, total
