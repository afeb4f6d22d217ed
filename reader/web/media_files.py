"""Sending stored media to browsers, from the folder or the bucket alike.

Files are proxied through the app rather than redirected to presigned bucket URLs: the
responses keep exactly today's headers (ETag, `Cache-Control`, `Accept-Ranges`, 206 partial
content for `Range`, which Safari needs for audio) whatever the store; originals stay private
by construction (the app decides what has a route); the bucket needs no public endpoint
or CORS; and the cache quota sees every access (its least-recently-used order) and never
evicts a file while it streams. The cost is the app's bandwidth, which a CDN or the reverse
proxy's cache in front of the immutable URLs takes off again.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from werkzeug.datastructures import ContentRange

from reader.media import BoundedMedia, open_media


def init_app(app: Flask) -> None:
    c = app.config
    app.extensions["media"] = open_media(app.instance_path, c.get("MEDIA_URL", ""),
                                         quota=int(c.get("MEDIA_QUOTA_BYTES", 0)),
                                         min_free=int(c.get("MEDIA_MIN_FREE_BYTES", 0)),
                                         index=app.extensions["library"].media_index())


def media() -> BoundedMedia:
    return current_app.extensions["media"]


def send_media(name: str, mimetype: str, *, etag: str | None = None, max_age: int = 0,
               immutable: bool = False, no_cache: bool = False,
               download_name: str | None = None) -> Response:
    """The stored file ``name`` as a response: whole (200), a byte range (206), 304 for a
    matching ETag, 416 for an unsatisfiable range; 404 when it is not stored."""
    store = media()
    size = store.size(name)
    if size is None:
        abort(404)
    response = Response(mimetype=mimetype)
    response.headers["Accept-Ranges"] = "bytes"
    if etag:
        response.set_etag(etag)
    if max_age:
        response.headers["Cache-Control"] = (f"public, max-age={max_age}"
                                             + (", immutable" if immutable else ""))
    elif no_cache:
        response.headers["Cache-Control"] = "no-cache"
    if download_name:
        response.headers.set("Content-Disposition", "attachment", filename=download_name)
    if etag and request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    start, stop = 0, size
    ranged = request.range
    if ranged is not None and (not request.if_range.etag or request.if_range.etag == etag):
        bounds = ranged.range_for_length(size)
        if bounds is None:
            response.status_code = 416
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        start, stop = bounds
        response.status_code = 206
        response.content_range = ContentRange("bytes", start, stop, size)
    try:
        response.response = store.open_range(name, start, stop)
    except FileNotFoundError:  # evicted or removed since `size`
        abort(404)
    response.content_length = stop - start
    response.direct_passthrough = True
    return response
