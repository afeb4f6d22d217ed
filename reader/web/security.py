"""Secure defaults for the whole app, set up once by `create_app` through :func:`init_app`.

- A secret key generated on first run and kept in the instance folder (``secret_key``, mode
  0600); never a constant in code. ``SECRET_KEY`` in the config wins (tests, deployments), and
  a store shared by several app servers (PostgreSQL) gives its own (`Store.secret_key`), so
  every server behind a load balancer accepts every other's sessions and CSRF tokens.
- Session cookies: signed (Flask's itsdangerous cookie), ``HttpOnly``, ``SameSite=Lax``, and
  ``Secure`` whenever the request came over HTTPS (decided per request, so the same app works
  on plain loopback and behind TLS).
- CSRF protection on every form, for every POST/PUT/PATCH/DELETE in the app, by Flask-WTF's
  `CSRFProtect` (a session-bound signed token; also checks the Referer on HTTPS).
- On every response, static files and error pages included: a strict Content-Security-Policy
  (``CSP``; nothing inline, nothing from another origin), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy``, ``X-Frame-Options`` (for old browsers; CSP's ``frame-ancestors`` for new).
- An upload size limit (``MAX_CONTENT_LENGTH``); the error pages themselves are
  `reader.web.errors` (plain words, never a stack trace; JSON under ``/api/``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from reader.errors import InputError

SECRET_FILE = "secret_key"

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # "same-origin" (not "no-referrer"): CSRFProtect checks the Referer of HTTPS form posts.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

DEFAULTS = {
    "SESSION_COOKIE_NAME": "reader_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),  # one working day; then sign in again
    # A gallery text is at most 2 MiB (reader.importers); a zip of photos is the largest
    # upload an editor makes. Anything larger is refused with a 413 page before it is read.
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,  # a pasted gallery text, as a form field
    # The token lives as long as the signed-in session (8 hours), so an editor writing a long
    # description does not lose it to an expired token.
    "WTF_CSRF_TIME_LIMIT": None,
}

def load_or_create_secret(folder: Path) -> bytes:
    """The instance's secret key, made (32 random bytes, file mode 0600) if there is none.

    The key is written whole to a private temporary file, then linked into place (atomic,
    and refused if the name exists), so two processes starting at once agree on one key and
    neither ever reads a half-written file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=folder)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    key = path.read_bytes()
    if len(key) < 32:
        raise InputError(f"holds {len(key)} bytes; a secret key needs 32. Delete it to have "
                         "a new one made (every editor will be signed out)", source=str(path))
    return key


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked ``Secure`` whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_app(app: Flask) -> None:
    # Ours replace Flask's defaults; a value the caller configured (test_config) is kept.
    for key, value in DEFAULTS.items():
        if key not in app.config or app.config[key] == Flask.default_config.get(key):
            app.config[key] = value
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(Path(app.instance_path))
    app.session_interface = SessionInterface()

    @app.before_request
    def refuse_oversized_bodies():
        # From the declared length, before anything (the CSRF check included) reads the body,
        # whatever its content type. A body sent without a length (chunked) is still cut off
        # at the limit by Werkzeug when it is read.
        limit = app.config["MAX_CONTENT_LENGTH"]
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)

    CSRFProtect(app)  # after the size check: its own check reads the form

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.status_code == 405 and "Allow" not in response.headers:
            # Whichever handler drew the 405 page, the answer says what is allowed (RFC 9110).
            adapter = app.url_map.bind_to_environ(request.environ)
            allowed = adapter.allowed_methods(request.path)
            if allowed:
                response.headers["Allow"] = ", ".join(sorted(allowed))
        if request.is_secure:  # only a browser that reached us over HTTPS is told to stay
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    from reader.web import errors

    errors.init_app(app)  # every error page, once (reader/web/errors.py)
