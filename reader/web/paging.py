"""Page links for long lists: `page_url(n)` for templates/partials/pagination.html."""

from __future__ import annotations

from flask import Flask, request, url_for

# Keyword arguments url_for itself takes: a query key with one of these names (or any
# leading underscore) must never reach it, or ``?_external=1&_scheme=…`` would make links
# absolute from the Host header and ``?endpoint=`` would be a 500.
RESERVED = {"endpoint", "values", "page"}


def query_args() -> dict[str, str]:
    """The request's query keys that may pass into a link: not url_for's own, not the
    route's own arguments, not starting with an underscore."""
    own = set(request.url_rule.arguments) if request.url_rule else set()
    return {k: v for k, v in request.args.items()
            if k not in RESERVED and k not in own and not k.startswith("_")}


def page_url(n: int) -> str:
    """This page's URL with its query string (filters, search words), at page ``n``."""
    args: dict[str, object] = query_args()
    if n > 1:
        args["page"] = n
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.add_template_global(page_url)
