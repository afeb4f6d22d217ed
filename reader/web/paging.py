"""Page links for long lists: `page_url(n)` for templates/partials/pagination.html."""

from __future__ import annotations

from flask import Flask, request, url_for


def page_url(n: int) -> str:
    """This page's URL with its query string (filters, search words), at page ``n``."""
    args = request.args.to_dict()
    args.pop("page", None)
    if n > 1:
        args["page"] = n
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.add_template_global(page_url)
