"""A hook on URL building, so one set of templates serves the live app and a static export.

`ReaderFlask.url_for` builds a URL as Flask does, then, when a *URL rewriter* is set on the
app (`set_url_rewriter`), hands (endpoint, values, url) to it and uses what it returns. The
static site export (`reader/export/site.py`) sets one that turns every link, image, audio and
stylesheet URL into a path relative to the page being rendered; the live app sets none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

UrlRewriter = Callable[[str, dict[str, Any], str], str]


class ReaderFlask(Flask):
    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None,
                **values: Any) -> str:
        rewriter: UrlRewriter | None = self.extensions.get("url_rewriter")
        if rewriter is None or _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        url = super().url_for(endpoint, _method=_method, **values)
        rewritten = rewriter(endpoint, dict(values), url)
        return f"{rewritten}#{_anchor}" if _anchor else rewritten


def set_url_rewriter(app: Flask, rewriter: UrlRewriter | None) -> None:
    app.extensions["url_rewriter"] = rewriter
