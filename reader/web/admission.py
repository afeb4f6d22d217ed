"""How fast each client may have new audio and exports made: renders are admitted per client
at the configured rate (`media.render_rate`, e.g. ``30/minute``), with the `limits` library's
moving window; beyond it the answer is 429 with ``Retry-After``.

Only work that makes a new file counts: a cached file is always served, and the configured
default voice and rate (pre-built, shared by every reader) are never refused. The window is
kept in this process's memory; several app servers each admit the rate.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, request
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

RETRY_TEXT = ("Too many new recordings and downloads were asked for from here; "
              "please try again in {n} seconds. Everything already made is still available.\n")


def init_app(app: Flask) -> None:
    rate = app.config.get("MEDIA_RENDER_RATE") or ""
    app.extensions["render_admission"] = (
        (MovingWindowRateLimiter(MemoryStorage()), parse_many(rate)) if rate else None)


def client() -> str:
    return request.remote_addr or "unknown"


def refused():
    """None when this client may have one more thing made now (counting it), else the 429."""
    admission = current_app.extensions.get("render_admission")
    if admission is None:
        return None
    limiter, rates = admission
    who = client()
    for rate in rates:
        if not limiter.hit(rate, "render", who):
            reset, _left = limiter.get_window_stats(rate, "render", who)
            wait = max(1, math.ceil(reset - time.time()))
            return Response(RETRY_TEXT.format(n=wait), 429,
                            {"Retry-After": str(wait), "Cache-Control": "no-store"},
                            mimetype="text/plain")
    return None
