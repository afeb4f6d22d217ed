"""Serving: waitress's settings from the configuration, and trusting a reverse proxy.

`waitress_options(config)` is what `reader serve` hands waitress (the tests serve with the
same): the request threads, how many client connections it holds at once
(``serve.connection_limit``: slow clients each hold one, and waitress's own 100 let 150
clients trickling a byte every few seconds make the server unreachable), how long a silent
connection may stay (``serve.channel_timeout``), ``poll()`` rather than ``select()`` (no
1024-descriptor ceiling), and which peer is the proxy whose forwarded headers are passed on.

Behind ``proxy.count = N`` reverse proxies (0 by default), `init_app` wraps the app in
Werkzeug's `ProxyFix`: the client's address is the N-th ``X-Forwarded-For`` entry from the
right and the scheme is ``X-Forwarded-Proto``, so for a request that reached the proxy over
HTTPS ``request.is_secure`` holds (Secure session cookies and HSTS, `reader.web.security`),
absolute URLs (playlists) are ``https://``, and ``request.remote_addr`` is the client's (the
sign-in throttle counts by it). Waitress passes those headers on only from ``proxy.address``
(the proxy's own address; ``*`` for any) and clears them from anyone else. With 0 they are
ignored: any client could write them. X-Forwarded-Host is never trusted: the proxy sets Host.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

FORWARDED = {"x-forwarded-for", "x-forwarded-proto"}


def init_app(app: Flask) -> None:
    hops = int(app.config.get("PROXY_COUNT") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0,
                                x_prefix=0)


def waitress_options(config) -> dict[str, Any]:
    """Keyword arguments for `waitress.serve` / `create_server` from a `reader.config.Config`."""
    options: dict[str, Any] = {
        "threads": config["serve.threads"],
        "connection_limit": config["serve.connection_limit"],
        "channel_timeout": config["serve.channel_timeout"],
        "asyncore_use_poll": True,
        "ident": "gallery-reader",
    }
    if config["proxy.count"] > 0:
        options.update(trusted_proxy=config["proxy.address"],
                       trusted_proxy_count=config["proxy.count"],
                       trusted_proxy_headers=FORWARDED,
                       clear_untrusted_proxy_headers=True)
    return options
