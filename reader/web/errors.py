"""Every error answer of the app, mapped once: the reader's own page (``templates/error.html``)
in plain words, or ``{"error": message}`` under ``/api/``. Never a stack trace, never
Werkzeug's default text.

- An HTTP error (``abort(404, description=…)``, a 405, the CSRF check's 400, a 413 upload):
  a description the app gave is shown; Werkzeug's own defaults are replaced by ours.
- A `reader.errors.ReaderError` a view let through: its class's ``status`` and ``title``;
  its message for 4xx, and for 5xx a plain sentence (the detail goes to the log).
- A full disk, wherever it shows (`reader.errors.DiskFull`: the library's SQLITE_FULL, the
  media store; or any `OSError` with ENOSPC/EDQUOT a view let through): 507 with the
  reader's own page saying nothing was saved and reading still works.
- Anything else: 500, logged in full by Flask for the operator.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from reader.errors import DiskFull, LibraryError, ReaderError, SpeechError, is_disk_full

ERROR_TEXT = {
    400: ("The request could not be understood",
          "Something in what your browser sent was not right. Go back and try again."),
    403: ("You cannot do that", "You do not have permission to do that."),
    404: ("Page not found", "There is no page at this address. Check the address, or go to "
                            "the library."),
    405: ("That cannot be done here", "This address does not accept that kind of request."),
    409: ("Someone else changed this", "This changed since your page was made; nothing was "
                                       "changed. Go back, reload the page and try again."),
    413: ("The file is too large", None),
    429: ("Too many tries", "You have tried too many times. Wait a little, then try again."),
    500: ("Sorry, something went wrong", "The reader could not finish that. Nothing you did "
                                         "caused it; try again in a moment."),
    503: ("Audio is unavailable", "This server cannot speak right now. Every word is still on "
                                  "the page; try the audio again later."),
}

# The disk is full: said to whoever tried to write; the detail (which disk) is in the log.
FULL_TEXT = ("The server has no room to save this right now, so nothing was changed. "
             "Everything already here can still be read and listened to. The site's operator "
             "needs to free some disk space; then try again.")

# The library file is damaged, read-only or busy: the detail (and the file) is in the log.
LIBRARY_TEXT = ("The library cannot be read right now; nothing was changed. The site's "
                "operator can see why in the server's log. Try again later.")


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


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def http_error(e: HTTPException):
    if e.code is None or e.code < 400:
        return e
    if isinstance(e, CSRFError):
        return error_response(
            400, "This form has expired or did not come from this site",
            "Nothing was changed. Go back, reload the page, and send the form again.")
    if e.code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return error_response(
            413, message=f"Nothing was changed: uploads may be at most {limit / 2**20:g} MiB. "
                         "Go back and choose a smaller file, or split the gallery.")
    # Descriptions the app gives (abort(404, description=…)) are plain words for people;
    # Werkzeug's own defaults are replaced by ours.
    own = e.description if e.description != type(e).description else None
    response = error_response(e.code, message=own)
    for name, value in e.get_headers():  # Allow (405), Retry-After (429), …
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def reader_error(e: ReaderError):
    status = e.status
    if isinstance(e, DiskFull):
        current_app.logger.error("%s %s: %s: %s", request.method, request.path,
                                 type(e).__name__, e)
        return error_response(status, e.title, FULL_TEXT)
    if status >= 500:
        current_app.logger.error("%s %s: %s: %s", request.method, request.path,
                                 type(e).__name__, e)
        message = (ERROR_TEXT[503][1] if isinstance(e, SpeechError) else LIBRARY_TEXT
                   if isinstance(e, LibraryError) else ERROR_TEXT[500][1])
        return error_response(status, e.title, message)
    return error_response(status, e.title, _sentence(str(e)))


def os_error(e: OSError):
    """A full disk met outside the store and media (an upload's temporary file, a key
    file): the same 507 as `DiskFull`. Any other OSError goes on to Flask's 500."""
    if not is_disk_full(e):
        raise e
    return reader_error(DiskFull(f"{e.filename or 'a file'}: {e.strerror}"))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(ReaderError, reader_error)
    app.register_error_handler(OSError, os_error)
