"""Signing in and out: editors only (readers need no account).

The session cookie (see `reader.web.security`) carries the user's id and session stamp; both
are checked against the library on every request, so removing a user, changing a password or
signing out ends the session even if a copy of the cookie survives somewhere.

Sign-in is throttled per (account, client address) and per address (`reader.throttle`, counts
kept in the library; the policy is documented there): each attempt is admitted and counted in
one transaction before its password is checked; a refused one answers 429 with ``Retry-After``.
The client address is ``request.remote_addr``, the proxy's forwarded one when `reader serve`
is told it runs behind proxies (``proxy.count``, `reader.web.proxy`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from reader.throttle import Throttle
from reader.users import PASSWORD_MAX, User, Users

bp = Blueprint("auth", __name__)


def users() -> Users:
    return current_app.extensions["users"]


def throttle() -> Throttle:
    return current_app.extensions["sign_in_throttle"]


def current_user() -> User | None:
    return g.get("user")


def load_user() -> None:
    """Before every request: who is signed in, if anyone (and if the session still holds)."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    user = users().get(uid) if isinstance(uid, int) else None
    if user is None or session.get("stamp") != user.session_stamp:
        session.pop("uid", None)
        session.pop("stamp", None)
        return
    g.user = user


def require_editor():
    """A `before_request` for blueprints that change the library: signed-in editors only.

    A reader who follows a link to an editor page is sent to sign in (and back); any other
    request (a form post) is refused with 403 and changes nothing.
    """
    if current_user() is not None:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    abort(403, description="Sign in as an editor to make changes. Nothing was changed.")


def no_store(response):
    """An `after_request` for pages only an editor sees: never kept in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    default = url_for("editor.index")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in target):  # CR/LF: no header splitting
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_url = request.values.get("next", "")
    if request.method == "GET":
        if current_user() is not None:
            return redirect(safe_next(next_url))
        return render_template("editor/sign_in.html", errors={}, name="", next=next_url)

    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter your user name"
    if not password:
        errors["password"] = "Enter your password"
    elif len(password) > PASSWORD_MAX:
        errors["password"] = f"A password has at most {PASSWORD_MAX} characters"
    if errors:
        return render_template("editor/sign_in.html", errors=errors, name=name,
                               next=next_url), 400

    address = request.remote_addr
    wait = throttle().admit(name, address)
    if wait:  # refused before its password is looked at
        return _throttled(name, next_url, wait)
    user = users().authenticate(name, password)
    if user is None:
        wait = throttle().retry_after(name, address)
        if wait:
            return _throttled(name, next_url, wait)
        errors["password"] = "The user name or password is wrong"
        return render_template("editor/sign_in.html", errors=errors, name=name,
                               next=next_url), 401

    throttle().success(name, address)
    session.clear()  # a fresh session (and CSRF token) for the signed-in editor
    session.permanent = True
    session["uid"] = user.id
    session["stamp"] = user.session_stamp
    flash(f"Signed in as {user.name}.")
    return redirect(safe_next(next_url))


def _throttled(name: str, next_url: str, wait: int):
    minutes, seconds = divmod(wait, 60)
    when = f"{minutes} min {seconds} s" if minutes else f"{seconds} seconds"
    errors = {"password": f"Too many wrong passwords in a row. Wait {when}, then try again"}
    body = render_template("editor/sign_in.html", errors=errors, name=name, next=next_url)
    return body, 429, {"Retry-After": str(wait)}


@bp.post("/sign-out")
def sign_out():
    user = current_user()
    if user is not None:
        # Ends this editor's sessions everywhere: a copied cookie is worth nothing after this.
        users().end_sessions(user.id)
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


def init_app(app: Flask) -> None:
    lib = app.extensions["library"]
    app.extensions["users"] = Users(lib)
    app.extensions["sign_in_throttle"] = Throttle(lib)
    app.before_request(load_user)
    app.context_processor(lambda: {"current_user": current_user()})
    app.register_blueprint(bp)
