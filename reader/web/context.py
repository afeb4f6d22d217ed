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
