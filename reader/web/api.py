"""The JSON API: `GET /api/galleries` and `GET /api/galleries/<slug>`."""

from __future__ import annotations

from flask import Blueprint, jsonify

from reader.document import gallery_document, public_document, summary_document
from reader.web.context import gallery_or_404, library
from reader.web.media import item_media

bp = Blueprint("api", __name__)


@bp.get("/galleries")
def galleries():
    return jsonify([summary_document(s) for s in library().list()])


@bp.get("/galleries/<slug>")
def gallery(slug: str):
    doc = gallery_document(gallery_or_404(slug), item_media)
    from reader.web.auth import current_user

    # Anonymous readers never see a server path (source, warnings); editors see it whole.
    return jsonify(doc if current_user() is not None else public_document(doc))
