"""The editor: signed-in editors change the library in the browser.

Import a gallery (pasted text, an uploaded text or JSON file, a zip of photos through the
photos feature's hook), edit any photo's description, caption and credit, reorder and delete
photos, delete a gallery after a confirmation step. Every route here needs a signed-in editor
(`reader.web.auth.require_editor`) and every form a CSRF token (`reader.web.security`).

Hooks other features fill in at app creation (``app.extensions``):

- ``"zip_importer"``: ``(data: bytes, filename: str) -> (Gallery, dict)``, raising
  `InputError`: the photos feature's zip importer gives the gallery and the keyword arguments
  its store needs for `Store.save` (e.g. ``{"images": [...]}``). Until it is registered a zip
  upload is refused with a clear message.
- ``"gallery_changed"``: a list of ``(slug: str) -> None`` called after every change the editor
  makes (import, edit, reorder, delete), e.g. for the speech feature to re-render the changed
  photos' audio through its cache. A failing listener is logged; the change stays made.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from reader.editing import (
    EditConflict,
    check_item_fields,
    delete_gallery,
    delete_item,
    edit_item,
    gallery_version,
    move_item,
)
from reader.errors import InputError, NotFound
from reader.importers.registry import accept_list
from reader.model import Gallery
from reader.web.auth import no_store, require_editor
from reader.web.context import gallery_or_404, library

bp = Blueprint("editor", __name__)
bp.before_request(require_editor)
bp.after_request(no_store)

log = logging.getLogger(__name__)

CONFLICT = ("Someone else changed this gallery after you opened this page, so nothing was "
            "changed. Check the gallery as it is now and try again.")


def gallery_changed(slug: str) -> None:
    for listener in current_app.extensions.get("gallery_changed", []):
        try:
            listener(slug)
        except Exception:  # the edit is stored; a stale cache must not turn it into an error
            log.exception("gallery_changed listener failed for %s", slug)


@bp.get("/")
def index():
    return render_template("editor/index.html", galleries=library().list(),
                           has_lexicon="lexicon" in current_app.extensions)


# -- import ----------------------------------------------------------------------------------

def _import_upload(upload) -> tuple[Gallery, dict]:
    from reader.importers import describe, importer_for, parse_source

    name = PurePath(upload.filename or "upload").name
    data = upload.read()
    importer = importer_for(name, data[:64].decode("utf-8", "replace"))
    if importer is not None and importer.photos:
        zip_importer = current_app.extensions.get("zip_importer")
        if zip_importer is None:
            raise InputError("importing a zip of photos is not available in this reader yet; "
                             "upload the gallery's text (.txt) instead", source=name,
                             field="file")
        return zip_importer(data, name)
    if importer is None:
        raise InputError(f"choose one of: {describe()}", source=name, field="file")
    return parse_source(data, name, kind=importer.name), {}


@bp.route("/import", methods=["GET", "POST"])
def import_gallery():
    from reader.importers import parse_source

    if request.method == "GET":
        return render_template("editor/import.html", errors={}, text="",
                               accept=accept_list())
    text = request.form.get("text", "")
    upload = request.files.get("file")
    has_file = upload is not None and bool(upload.filename)
    errors: dict[str, str] = {}
    if not text.strip() and not has_file:
        errors["text"] = "Paste a gallery text, or choose a file to upload"
    elif text.strip() and has_file:
        errors["file"] = "Paste a text or choose a file, not both"
    else:
        field = "file" if has_file else "text"
        try:
            save_args: dict = {}
            if has_file:
                gallery, save_args = _import_upload(upload)
            else:
                gallery = parse_source(text.encode("utf-8"), "the pasted text")
            # An import in the browser always makes a new gallery: a file's name (or a pasted
            # text) is no identity, and replacing a gallery is done by editing or deleting it.
            gallery.source = None
            _refuse_taken_slug(gallery, field)
            library().save(gallery, **save_args)
        except InputError as e:
            errors[field] = _sentence(str(e))
    if errors:
        return render_template("editor/import.html", errors=errors, text=text,
                               accept=accept_list()), 400
    gallery_changed(gallery.slug)
    n = len(gallery.items)
    flash(f"Imported “{_short(gallery.title)}”: {n} photo{'' if n == 1 else 's'}.")
    # An upload never replaces a gallery (a file's name is no identity: two newsrooms' files
    # are both called gallery.txt), but the same gallery imported twice, from the command
    # line and here, is said so at once, naming the other one.
    twins = [s.slug for s in library().list()
             if s.title == gallery.title and s.slug != gallery.slug]
    if twins:
        flash(f"The library already had a gallery with this title ({_short(', '.join(twins))}); "
              "this import is a separate gallery. If they are the same, delete one.", "warning")
    for w in gallery.warnings[:MAX_WARNINGS_SHOWN]:
        flash(f"Warning: {_short(str(w), 200)}", "warning")
    if len(gallery.warnings) > MAX_WARNINGS_SHOWN:
        flash(f"… and {len(gallery.warnings) - MAX_WARNINGS_SHOWN} more warnings "
              f"(`reader show {gallery.slug}` lists them all).", "warning")
    return redirect(url_for("editor.gallery", slug=gallery.slug), 303)


def _refuse_taken_slug(gallery: Gallery, field: str) -> None:
    if gallery.slug is None:
        return
    try:
        library().get(gallery.slug)
    except NotFound:
        return
    raise InputError(f"the library already has a gallery at “{gallery.slug}”; edit or delete "
                     "that one, or remove the slug from the document", field=field)


# Messages ride in the session cookie until shown, and a cookie holds about 4 KB: keep them
# short whatever the gallery's text (a cookie over the limit would be dropped, signing the
# editor out).
MAX_WARNINGS_SHOWN = 5


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


# -- one gallery -----------------------------------------------------------------------------

@bp.get("/g/<slug>/")
def gallery(slug: str):
    g = gallery_or_404(slug)
    return render_template("editor/gallery.html", gallery=g, version=gallery_version(g),
                           speak=speak_choice(library().describe_choices(slug), ""))


def _photo_or_404(g: Gallery, n: int):
    if not 1 <= n <= len(g.items):
        abort(404, description=f"This gallery has photos 1 to {len(g.items)}.")
    return g.items[n - 1]


@bp.route("/g/<slug>/<int:n>", methods=["GET", "POST"])
def item(slug: str, n: int):
    g = gallery_or_404(slug)
    it = _photo_or_404(g, n)
    if request.method == "GET":
        values = {"alt": it.alt or "", "caption": it.caption, "credit": it.credit or ""}
        from reader.speech.script import description_key

        speak = speak_choice(library().describe_choices(slug), description_key(it.alt))
        return render_template("editor/item.html", gallery=g, n=n, values=values, errors={},
                               version=gallery_version(g), speak=speak,
                               has_alt=bool(it.alt and it.alt.strip()))
    values = {k: request.form.get(k, "") for k in ("alt", "caption", "credit")}
    errors = {k: _sentence(m) for k, m in check_item_fields(**values).items()}
    status = 400
    if not errors:
        try:
            edit_item(library(), slug, n, request.form.get("version", ""), **values)
        except EditConflict:
            errors = {"_form": CONFLICT}
            status = 409
        except InputError as e:
            errors = {e.field or "_form": _sentence(e.message)}
        except NotFound:
            return _gone(slug)
    if errors:
        g = gallery_or_404(slug)
        return render_template("editor/item.html", gallery=g, n=n, values=values,
                               errors=errors, version=gallery_version(g)), status
    gallery_changed(slug)
    flash(f"Saved photo {n}.")
    return redirect(url_for("editor.gallery", slug=slug) + f"#photo-{n}", 303)


def _gone(slug: str):
    flash(f"The gallery “{slug}” is no longer in the library; nothing was changed.", "error")
    return redirect(url_for("editor.index"), 303)


def _positional_change(slug: str, action, message: str, anchor: int | None):
    try:
        action()
    except EditConflict:
        flash(CONFLICT, "error")
        return redirect(url_for("editor.gallery", slug=slug), 303)
    except InputError as e:
        flash(_sentence(e.message) + ". Nothing was changed.", "error")
        return redirect(url_for("editor.gallery", slug=slug), 303)
    except NotFound:
        return _gone(slug)
    gallery_changed(slug)
    flash(message)
    target = url_for("editor.gallery", slug=slug)
    return redirect(target + (f"#photo-{anchor}" if anchor else ""), 303)


@bp.post("/g/<slug>/<int:n>/move")
def move(slug: str, n: int):
    version = request.form.get("version", "")
    direction = request.form.get("direction")
    to = {"up": n - 1, "down": n + 1}.get(direction or "")
    if to is None:
        try:
            to = int(request.form.get("to", ""))
        except ValueError:
            to = 0
    return _positional_change(slug, lambda: move_item(library(), slug, n, to, version),
                              f"Moved photo {n} to place {to}.", to)


@bp.route("/g/<slug>/<int:n>/delete", methods=["GET", "POST"])
def remove_item(slug: str, n: int):
    if request.method == "GET":
        g = gallery_or_404(slug)
        return render_template("editor/delete_item.html", gallery=g, n=n,
                               item=_photo_or_404(g, n), version=gallery_version(g))
    version = request.form.get("version", "")
    return _positional_change(slug, lambda: delete_item(library(), slug, n, version),
                              f"Deleted photo {n}.", None)


@bp.route("/g/<slug>/delete", methods=["GET", "POST"])
def remove_gallery(slug: str):
    g = gallery_or_404(slug)
    if request.method == "GET":
        return render_template("editor/delete_gallery.html", gallery=g,
                               version=gallery_version(g))
    try:
        delete_gallery(library(), slug, request.form.get("version", ""))
    except EditConflict:
        flash(CONFLICT, "error")
        return redirect(url_for("editor.gallery", slug=slug), 303)
    except NotFound:
        return _gone(slug)
    gallery_changed(slug)
    flash(f"Deleted the gallery “{_short(g.title)}”.")
    return redirect(url_for("editor.index"), 303)


# -- whether descriptions are spoken (speech, issue 18) ---------------------------------------
SPEAK_CHOICES = {"reader": None, "yes": True, "no": False}


def speak_choice(choices: dict[str, bool], key: str | None) -> str:
    """The form value of a stored choice ("reader" when there is none)."""
    if key is None or key not in choices:
        return "reader"
    return "yes" if choices[key] else "no"


@bp.post("/g/<slug>/describe")
def describe(slug: str):
    """Speak descriptions for the whole gallery, or for one photo (``photo`` = n), as the
    reader chooses (no choice), always, or never."""
    from reader.speech.script import description_key

    g = gallery_or_404(slug)
    choice = request.form.get("speak", "")
    if choice not in SPEAK_CHOICES:
        abort(400, description="Choose how descriptions are spoken. Nothing was changed.")
    photo = request.form.get("photo", "")
    if photo:
        if not photo.isdigit():
            abort(400, description="That is not a photo of this gallery. Nothing was changed.")
        item = _photo_or_404(g, int(photo))
        key = description_key(item.alt)
        if key is None:
            abort(400, description=f"Photo {photo} has no description to speak.")
        anchor = url_for("editor.item", slug=slug, n=int(photo))
        what = f"photo {photo}’s description"
    else:
        key, anchor, what = "", url_for("editor.gallery", slug=slug), "this gallery’s descriptions"
    try:
        library().set_describe(slug, key, SPEAK_CHOICES[choice])
    except NotFound:
        return _gone(slug)
    gallery_changed(slug)
    said = {"reader": "as each reader chooses", "yes": "always", "no": "never"}[choice]
    flash(f"Saved: {what} will be spoken {said}.")
    return redirect(anchor, 303)

