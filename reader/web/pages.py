"""The reading pages: the library, a gallery, one photo, settings, help, and the 404 page."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from reader.i18n import text_direction
from reader.web import i18n
from reader.web import settings as settings_model
from reader.web.assets import page_scripts, page_stylesheets
from reader.web.context import gallery_or_404, library, photo_or_404
from reader.web.shortcuts import shortcut_keys, shortcuts

bp = Blueprint("pages", __name__)

UI_LANG = "en"


def local_path(value: str | None) -> str | None:
    """``value`` if it is a path on this site (so it is safe to send a reader back to)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(c) < 32 for c in value):
        return None
    return value


def render_page(template: str, page_lang: str | None = None, **context) -> str:
    """Render a page whose main text is in ``page_lang`` (default: the UI's language); its
    own words are in that language where a catalog has them (`reader.web.i18n`), else in
    English, marked so."""
    lang = page_lang or UI_LANG
    i18n.use(lang)
    # `ui`: for words still only in English; `ui_t`: for words from the catalogs.
    return render_template(template, page_lang=lang, page_dir=text_direction(lang),
                           ui=i18n.english_attrs(lang), ui_t=i18n.ui_attrs(lang), **context)


@bp.app_context_processor
def page_context():
    current = request.full_path.rstrip("?") if request else "/"
    return {
        "settings": settings_model.current_settings(),
        "page_lang": UI_LANG,
        "page_dir": "ltr",
        "ui": Markup(""),
        "ui_t": Markup(""),
        "text_direction": text_direction,
        "settings_groups": settings_model.groups,
        "page_scripts": page_scripts,
        "page_stylesheets": page_stylesheets,
        "shortcut_keys": shortcut_keys,
        "settings_url": url_for("pages.settings", next=current)
        if request.endpoint != "pages.settings" else url_for("pages.settings"),
    }


@bp.app_template_filter("long_date")
def long_date(iso: str | None) -> str:
    """"2022-11-09" → "9 November 2022" (in the page's language: `reader.web.i18n`)."""
    return i18n.long_date(iso)


@bp.app_template_filter("gist")
def gist(text: str | None, limit: int = 40) -> str:
    """The start of a caption, for a heading that tells photos apart: at most ``limit``
    characters, cut at a word, with "…" when cut ("A fisherman mends his nets on the…")."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text.rstrip(".")
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(",;:–—-. ") + "…"


@bp.after_app_request
def vary_on_settings(response):
    # Pages look different for each reader's settings cookie: no shared cache may mix them.
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
    return response


LIBRARY_PER_PAGE = 20


@bp.get("/")
def index():
    """The library, newest first, a page at a time, optionally one section's or year's."""
    lib = library()
    section = request.args.get("section") or None
    year = request.args.get("year", type=int)
    listing = lib.list_page(request.args.get("page", 1, type=int), LIBRARY_PER_PAGE,
                            section=section, year=year)
    if not listing.pager.exists:
        abort(404, description=f"The library has {listing.pager.pages} pages.")
    return render_page("library.html", listing=listing, galleries=listing.galleries,
                           sections=lib.sections(), years=lib.years())


@bp.get("/g/<slug>/")
def gallery(slug: str):
    g = gallery_or_404(slug)
    return render_page("gallery.html", g.lang, gallery=g)


@bp.get("/g/<slug>/<int:n>")
def photo(slug: str, n: int):
    # Only this photo and the count are read (`Store.get_photo`): the page costs the same
    # in a gallery of 10 or 2,000 photos. Its `gallery.items` holds this one photo only.
    g, total = photo_or_404(slug, n)
    return render_page("photo.html", g.lang, gallery=g, item=g.items[0], n=n, total=total)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    back = local_path(request.values.get("next"))
    if request.method == "GET":
        return render_page("settings.html", values=settings_model.current_settings(),
                           problems={}, saved=request.args.get("saved") == "1", back=back)
    # Another site's page must not change a reader's settings (a cross-site form post).
    origin = request.headers.get("Origin")
    if origin not in (None, "null") and urlsplit(origin).netloc != request.host:
        abort(403, description="Settings can only be changed from this site's own form.")
    if request.form.get("action") == "reset":
        values, problems = settings_model.defaults(), {}
    else:
        values, problems = settings_model.from_form(request.form,
                                                    settings_model.current_settings())
    if problems:
        page = render_page("settings.html", values={**values, **{
            k: request.form.get(k, "") for k in problems}}, problems=problems, saved=False,
            back=back)
        return page, 400
    query = {"saved": "1", **({"next": back} if back else {})}
    response = redirect(url_for("pages.settings") + "?" + urlencode(query), code=303)
    encoded = settings_model.encode_cookie(values)
    if encoded:
        response.set_cookie(**settings_model.cookie_args(encoded))
    else:
        response.delete_cookie(settings_model.COOKIE, path="/")
    return response


@bp.get("/help")
def help_page():
    return render_page("help.html", shortcuts=shortcuts())
