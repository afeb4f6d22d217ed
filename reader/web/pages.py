"""The reading pages: the library, a gallery, one photo."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from reader.web.context import gallery_or_404, library

bp = Blueprint("pages", __name__)


LIBRARY_PER_PAGE = 20


@bp.get("/")
def index():
    """The library, newest first, a page at a time, optionally one section's or year's."""
    lib = library()
    section = request.args.get("section") or None
    year = request.args.get("year", type=int)
    listing = lib.list_page(request.args.get("page", 1, type=int), LIBRARY_PER_PAGE,
                            section=section, year=year)
    if not listing.pager.exists:
        abort(404, description=f"The library has {listing.pager.pages} pages.")
    return render_template("library.html", listing=listing, galleries=listing.galleries,
                           sections=lib.sections(), years=lib.years())


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
