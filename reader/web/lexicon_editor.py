"""The pronunciation lexicon page, for editors: how the reader should say a name or a word.

The lexicon itself belongs to the speech feature. This page works against a small interface,
registered as ``app.extensions["lexicon"]`` by whatever owns the table:

    entries() -> list[tuple[str, str]]   # (written, spoken), in the order to show them
    set(written: str, spoken: str) -> None  # add or replace; InputError(field="written"|"spoken")
    remove(written: str) -> None         # InputError(field="written") if there is no such entry
    preview(text: str) -> tuple[bytes, str]  # the text spoken with the lexicon applied:
                                             # (audio bytes, MIME type)

Until something registers it the page says pronunciation editing is not available, and its
forms answer 404 (after the same sign-in and CSRF checks as every other write route).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from reader.errors import InputError
from reader.web.auth import no_store, require_editor

bp = Blueprint("lexicon_editor", __name__)
bp.before_request(require_editor)
bp.after_request(no_store)

# Outer bounds only (what a form field may carry); the lexicon's own `set` decides what an
# entry may be and says which field is wrong.
MAX_WORD = 200
MAX_PREVIEW = 300


def lexicon():
    return current_app.extensions.get("lexicon")


def _check(written: str, spoken: str) -> dict[str, str]:
    errors = {}
    if not written:
        errors["written"] = "Enter the word as it is written"
    elif len(written) > MAX_WORD:
        errors["written"] = f"A word or name has at most {MAX_WORD} characters"
    if not spoken:
        errors["spoken"] = "Enter how the word should be said"
    elif len(spoken) > MAX_WORD:
        errors["spoken"] = f"How to say it has at most {MAX_WORD} characters"
    return errors


def _page(errors=None, written="", spoken="", listen=None, status=200):
    lex = lexicon()
    return render_template("editor/lexicon.html", available=lex is not None,
                           entries=lex.entries() if lex else [], errors=errors or {},
                           written=written, spoken=spoken, listen=listen), status


@bp.get("/")
def index():
    # "Listen first" on the form comes back here as a GET with the typed values.
    written = request.args.get("written", "").strip()
    spoken = request.args.get("spoken", "").strip()
    if request.args.get("listen") and lexicon() is not None:
        errors = _check(written or "x", spoken)
        if errors:
            return _page(errors, written, spoken, status=400)
        return _page(written=written, spoken=spoken, listen=spoken)
    return _page(written=written, spoken=spoken)


@bp.post("/")
def save():
    lex = lexicon() or abort(404)
    written = request.form.get("written", "").strip()
    spoken = request.form.get("spoken", "").strip()
    errors = _check(written, spoken)
    if not errors:
        try:
            lex.set(written, spoken)
        except InputError as e:
            field = "spoken" if e.field == "spoken" else "written"  # "word" is "written" here
            errors = {field: e.message[:1].upper() + e.message[1:]}
    if errors:
        return _page(errors, written, spoken, status=400)
    flash(f"Saved: “{written}” is said “{spoken}”.")
    return redirect(url_for("lexicon_editor.index"), 303)


@bp.post("/remove")
def remove():
    lex = lexicon() or abort(404)
    written = request.form.get("written", "")
    if not written.strip() or len(written) > MAX_WORD:
        abort(400, description="Choose an entry of the lexicon to remove. Nothing was changed.")
    try:
        lex.remove(written)
    except InputError as e:
        message = e.message[:1].upper() + e.message[1:300]  # the session cookie carries it
        flash(f"{message}. Nothing was changed.", "error")
        return redirect(url_for("lexicon_editor.index"), 303)
    flash(f"Removed “{written}” from the lexicon.")
    return redirect(url_for("lexicon_editor.index"), 303)


@bp.get("/listen")
def listen():
    lex = lexicon() or abort(404)
    text = request.args.get("text", "").strip()
    if not text or len(text) > MAX_PREVIEW:
        abort(400, description=f"Give 1 to {MAX_PREVIEW} characters to listen to.")
    data, mimetype = lex.preview(text)
    return Response(data, mimetype=mimetype)
