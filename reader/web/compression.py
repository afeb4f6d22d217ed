"""Compressed text responses (zstd, brotli or gzip, whichever the browser takes first).

Flask-Compress does the work: it picks the encoding from Accept-Encoding, sets
`Vary: Accept-Encoding`, marks strong ETags per encoding and keeps conditional requests
working, and streams static files. Only text types are compressed; audio and images are
already compressed and are served as they are (Range requests untouched).
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

TEXT_TYPES = [
    "text/html", "text/css", "text/plain", "text/vtt", "text/javascript",
    "application/javascript", "application/json", "image/svg+xml",
]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", TEXT_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    Compress(app)
