"""Search: the results page `/search?q=` and `GET /api/search?q=` (see `reader.search`)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from reader.search import hit_document, search
from reader.web.context import library

bp = Blueprint("search", __name__)


def _results():
    query = request.args.get("q", "").strip()
    page = request.args.get("page", 1, type=int)
    results = search(library(), query, page=page)
    if not results.pager.exists:
        abort(404, description=f"There are {results.pager.pages} pages of results.")
    return results


@bp.get("/search")
def page():
    return render_template("search.html", results=_results())


@bp.get("/api/search")
def api():
    results = _results()
    return jsonify({
        "query": results.query,
        "total": results.total,
        "more": results.window is not None,  # more than `total` match (not all counted)
        "ranked_among_newest": results.window,
        "page": results.pager.page,
        "pages": results.pager.pages,
        "results": [hit_document(h) | {"url": url_for("pages.photo", slug=h.slug,
                                                         n=h.position)}
                    for h in results.hits],
    })
