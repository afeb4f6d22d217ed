"""The pronunciation lexicon page, for editors: how the reader should say a name or a word.

The lexicon itself belongs to the speech feature. This page works against a small interface,
registered as ``app.extensions["lexicon"]`` by whatever owns the table:

    kinds: tuple[tuple[str, str], ...]    # (kind, its label) of the entries it can hold
    entries() -> list[tuple[str, str, str]]   # (written, spoken, kind), in the order to show
    set(written, spoken, kind) -> None   # add or replace; InputError(field="written"|"spoken"
                                         # |"kind")
    remove(written: str) -> None         # InputError(field="written") if there is no such entry
    preview(text, entry=None) -> tuple[bytes, str]  # the text spoken with the lexicon applied
                                         # (and the unsaved ``entry`` (written, spoken, kind)
                                         # as if saved): (audio bytes, MIME type)

"Listen first" plays the typed word through the typed entry, by the same road as the saved
entry's own "Listen" button, so both give the same audio.

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


def _kinds() -> list[str]:
    lex = lexicon()
    return [k for k, _ in getattr(lex, "kinds", ())] or ["substitute"]


def _check(written: str, spoken: str, kind: str = "substitute") -> dict[str, str]:
    errors = {}
    if not written:
        errors["written"] = "Enter the word as it is written"
    elif len(written) > MAX_WORD:
        errors["written"] = f"A word or name has at most {MAX_WORD} characters"
    if kind not in _kinds():
        errors["kind"] = "Choose how the word is said from the list"
    elif not spoken and kind != "spell":
        errors["spoken"] = "Enter how the word should be said"
    elif len(spoken) > MAX_WORD:
        errors["spoken"] = f"How to say it has at most {MAX_WORD} characters"
    return errors


def _page(errors=None, written="", spoken="", kind="substitute", listen=None, status=200):
    lex = lexicon()
    return render_template("editor/lexicon.html", available=lex is not None,
                           entries=lex.entries() if lex else [], errors=errors or {},
                           kinds=getattr(lex, "kinds", ()), kind=kind,
                           written=written, spoken=spoken, listen=listen), status


def _field(e: InputError) -> str:
    return e.field if e.field in ("spoken", "kind") else "written"  # "word" is "written" here


@bp.get("/")
def index():
    # "Listen first" on the form comes back here as a GET with the typed values.
    written = request.args.get("written", "").strip()
    spoken = request.args.get("spoken", "").strip()
    kind = request.args.get("kind", "substitute").strip()
    if request.args.get("listen") and lexicon() is not None:
        errors = _check(written, spoken, kind)
        if errors:
            return _page(errors, written, spoken, kind, status=400)
        listen = url_for("lexicon_editor.listen", text=written, spoken=spoken, kind=kind)
        return _page(written=written, spoken=spoken, kind=kind, listen=listen)
    return _page(written=written, spoken=spoken, kind=kind)


@bp.post("/")
def save():
    lex = lexicon() or abort(404)
    written = request.form.get("written", "").strip()
    spoken = request.form.get("spoken", "").strip()
    kind = request.form.get("kind", "substitute").strip()
    errors = _check(written, spoken, kind)
    if not errors:
        try:
            lex.set(written, spoken, kind)
        except InputError as e:
            errors = {_field(e): e.message[:1].upper() + e.message[1:]}
    if errors:
        return _page(errors, written, spoken, kind, status=400)
    if kind != "substitute":
        spoken = dict(getattr(lex, "kinds", ())).get(kind, kind) + (f": {spoken}" if spoken
                                                                    else "")
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
    entry = None
    if "kind" in request.args:  # "Listen first": the typed entry, as if saved
        spoken = request.args.get("spoken", "").strip()
        kind = request.args.get("kind", "").strip()
        errors = _check(text, spoken, kind)
        if errors:
            abort(400, description=next(iter(errors.values())) + ". Nothing was played.")
        entry = (text, spoken, kind)
    try:
        data, mimetype = lex.preview(text, entry) if entry else lex.preview(text)
    except InputError as e:
        abort(400, description=e.message[:1].upper() + e.message[1:300])
    return Response(data, mimetype=mimetype)
