"""Secure defaults for the whole app, set up once by `create_app` through :func:`init_app`.

- A secret key generated on first run and kept in the instance folder (``secret_key``, mode
  0600); never a constant in code. ``SECRET_KEY`` in the config wins (tests, deployments).
- Session cookies: signed (Flask's itsdangerous cookie), ``HttpOnly``, ``SameSite=Lax``, and
  ``Secure`` whenever the request came over HTTPS (decided per request, so the same app works
  on plain loopback and behind TLS).
- CSRF protection on every form, for every POST/PUT/PATCH/DELETE in the app, by Flask-WTF's
  `CSRFProtect` (a session-bound signed token; also checks the Referer on HTTPS).
- On every response, static files and error pages included: a strict Content-Security-Policy
  (``CSP``; nothing inline, nothing from another origin), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy``, ``X-Frame-Options`` (for old browsers; CSP's ``frame-ancestors`` for new).
- An upload size limit (``MAX_CONTENT_LENGTH``) and error pages (``templates/error.html``) that
  say what happened in plain words and never show a stack trace; under ``/api/`` errors are
  JSON.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import Flask, abort, jsonify, make_response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError

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

ERROR_TEXT = {
    400: ("The request could not be understood",
          "Something in what your browser sent was not right. Go back and try again."),
    403: ("You cannot do that", "You do not have permission to do that."),
    404: ("Page not found", "There is no page at this address. Check the address, or go to "
                            "the library."),
    405: ("That cannot be done here", "This address does not accept that kind of request."),
    413: ("The file is too large", None),
    429: ("Too many tries", "You have tried too many times. Wait a little, then try again."),
    500: ("Sorry, something went wrong", "The reader could not finish that. Nothing you did "
                                         "caused it; try again in a moment."),
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


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    title = title or default_title
    message = message or default_message
    if _wants_json():
        return make_response(jsonify({"error": message}), code)
    return make_response(render_template("error.html", code=code, title=title,
                                         message=message), code)


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

    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError):
        return error_response(
            400, "This form has expired or did not come from this site",
            "Nothing was changed. Go back, reload the page, and send the form again.")

    @app.errorhandler(413)
    def too_large(e: HTTPException):
        limit = app.config["MAX_CONTENT_LENGTH"]
        return error_response(
            413, message=f"Nothing was changed: uploads may be at most {limit / 2**20:g} MiB. "
                         "Go back and choose a smaller file, or split the gallery.")

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code is None or e.code < 400:
            return e
        # Descriptions the app gives (abort(404, description=…)) are plain words for people;
        # Werkzeug's own defaults are replaced by ours.
        own = e.description if e.description != type(e).description else None
        response = error_response(e.code, message=own)
        for name, value in e.get_headers():  # Allow (405), Retry-After (429), …
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def server_error(e: InternalServerError):
        # Flask has already logged the exception in full for the operator; the page says
        # nothing about the code.
        return error_response(500)
