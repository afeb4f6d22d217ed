"""The JSON API: `GET /api/galleries` and `GET /api/galleries/<slug>`.

`GET /api/galleries` is a JSON array of gallery summaries, newest first, a page at a time:
``?page=N`` (from 1) of ``PER_PAGE`` (``?per_page=`` 1 to ``MAX_PER_PAGE``). Without
``?page`` a library of at most ``PER_PAGE`` galleries comes whole, as it always did; a larger
one gets its first page. Every answer has ``X-Total-Count`` and, when there is more than one
page, an RFC 8288 ``Link`` header (``first``, ``prev``, ``next``, ``last``). Each page walks
the library's index (`Store.list_page`), so page 500 costs what page 1 does.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from reader.document import gallery_document, public_document, summary_document
from reader.web.context import gallery_or_404, library
from reader.web.media import item_media

bp = Blueprint("api", __name__)

PER_PAGE = 200
MAX_PER_PAGE = 1000


@bp.get("/galleries")
def galleries():
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", PER_PAGE, type=int)
    if not 1 <= per_page <= MAX_PER_PAGE:
        abort(400, description=f"per_page must be from 1 to {MAX_PER_PAGE}.")
    listing = library().list_page(page, per_page)
    pager = listing.pager
    if not pager.exists:
        abort(404, description=f"The library has {pager.pages} pages of {per_page}.")
    response = jsonify([summary_document(s) for s in listing.galleries])
    response.headers["X-Total-Count"] = str(pager.total)
    if pager.pages > 1:
        response.headers["Link"] = ", ".join(
            f'<{_page_url(n, per_page)}>; rel="{rel}"' for rel, n in (
                ("first", 1), ("prev", page - 1), ("next", page + 1), ("last", pager.pages))
            if 1 <= n <= pager.pages)
    return response


def _page_url(n: int, per_page: int) -> str:
    extra = {} if per_page == PER_PAGE else {"per_page": per_page}
    return url_for("api.galleries", page=n, **extra)


@bp.get("/galleries/<slug>")
def gallery(slug: str):
    doc = gallery_document(gallery_or_404(slug), item_media)
    from reader.web.auth import current_user

    # Anonymous readers never see a server path (source, warnings); editors see it whole.
    return jsonify(doc if current_user() is not None else public_document(doc))
