"""A hook on URL building, so one set of templates serves the live app and a static export.

`ReaderFlask.url_for` builds a URL as Flask does, then, when the request being answered
carries a *URL rewriter* in its WSGI environ (under `REWRITER_KEY`), hands (endpoint, values,
url) to it and uses what it returns. The static site export (`reader/web/export_site.py`) puts
one on its own requests that turns every link, image, audio and stylesheet URL into a path
relative to the page being rendered; every other request has none, so an export can run on
the live app while it serves readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, has_request_context, request

UrlRewriter = Callable[[str, dict[str, Any], str], str]
REWRITER_KEY = "reader.url_rewriter"


class ReaderFlask(Flask):
    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None,
                **values: Any) -> str:
        rewriter: UrlRewriter | None = (request.environ.get(REWRITER_KEY)
                                        if has_request_context() else None)
        if rewriter is None or _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        url = super().url_for(endpoint, _method=_method, **values)
        rewritten = rewriter(endpoint, dict(values), url)
        return f"{rewritten}#{_anchor}" if _anchor else rewritten

