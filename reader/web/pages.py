"""The reading pages: the library, a gallery, one photo."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from reader.web.context import gallery_or_404, library

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("library.html", galleries=library().list())


@bp.get("/g/<slug>/")
def gallery(slug: str):
    return render_template("gallery.html", gallery=gallery_or_404(slug))


@bp.get("/g/<slug>/<int:n>")
def photo(slug: str, n: int):
    g = gallery_or_404(slug)
    if not 1 <= n <= len(g.items):
        abort(404, description=f"This gallery has photos 1 to {len(g.items)}.")
    return render_template("photo.html", gallery=g, item=g.items[n - 1], n=n,
                           total=len(g.items))
