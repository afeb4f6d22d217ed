"""Photos on the web: derivative files, each item's `image`, and the low-vision full-size view.

- `GET /media/<key>/<width>.<jpg|webp>`: a derivative. Its URL changes whenever its bytes
  could (content key + recipe version), so it is sent with a one-year `immutable` cache header.
  A derivative missing from disk (a wiped cache) is made again from the kept original (by a
  `reader worker` when a job queue is configured: `reader.image_jobs`).
- `GET /media/<key>/full.jpg`, `/media/<key>/contrast.jpg`: the low-vision view's large image
  and its enhanced-contrast rendering, made on first request and kept.
- `GET /g/<slug>/<n>/view[?contrast=1]`: the full-size view, zoomed and panned with `+`, `-`
  and the arrow keys (`static/photo-view.js`); it works without JavaScript as a plain page.
- `image_media(gallery, item)`: the media provider giving each item's `image` (INTERFACE.md).
  Originals are never served: they may carry GPS positions.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, g, request, url_for

from reader.errors import InputError
from reader.images.derivatives import EXTRAS, FULL_MAX, derivative_widths, scaled_height
from reader.images.storage import DERIVED_VERSION, KEY_RE, ImageStore
from reader.model import Gallery, GalleryWarning, Item, StoredImage
from reader.web import media_files
from reader.web.context import library, photo_or_404

bp = Blueprint("photos", __name__)

ONE_YEAR = 365 * 24 * 3600
_RENDITION = re.compile(r"^(?P<width>[1-9][0-9]{0,4})\.(?P<ext>jpg|webp)$")
SIZES = "(min-width: 47rem) 45rem, 100vw"  # the reading column is at most 45rem wide
SRC_WIDTH = 960


def image_store() -> ImageStore:
    return ImageStore(media_files.media())


def _images_for(gallery: Gallery) -> dict[str, StoredImage]:
    """The gallery's image records, read once per request."""
    cache = g.setdefault("reader_images", {})
    if gallery.slug not in cache:
        cache[gallery.slug] = library().images(it.image for it in gallery.items if it.image)
    return cache[gallery.slug]


def media_url(key: str, name: str) -> str:
    return url_for("photos.media", key=key, name=name, v=DERIVED_VERSION)


def image_document(record: StoredImage, gallery: Gallery, item: Item) -> dict:
    widths = derivative_widths(record.width)
    src_w = max([w for w in widths if w <= SRC_WIDTH] or widths[:1])

    def srcset(ext: str) -> str:
        return ", ".join(f"{media_url(record.key, f'{w}.{ext}')} {w}w" for w in widths)

    return {
        "width": src_w,
        "height": scaled_height(record.width, record.height, src_w),
        "src": media_url(record.key, f"{src_w}.jpg"),
        "srcset": srcset("jpg"),
        "webp_srcset": srcset("webp"),
        "sizes": SIZES,
        "view": url_for("photos.view", slug=gallery.slug, n=item.position),
    }


def image_media(gallery: Gallery, item: Item) -> dict:
    if not item.image:
        return {}
    record = _images_for(gallery).get(item.image)
    return {"image": image_document(record, gallery, item) if record else None}


def _known(key: str) -> StoredImage:
    if not KEY_RE.match(key):
        abort(404)
    record = library().images([key]).get(key)
    if record is None:
        abort(404)
    return record


@bp.get("/media/<key>/<name>")
def media(key: str, name: str):
    record = _known(key)
    store = image_store()
    kind = name.removesuffix(".jpg")
    if kind in EXTRAS and name.endswith(".jpg"):
        from reader.images.derivatives import build_extra

        try:
            stored = build_extra(store, key, kind)
        except (FileNotFoundError, ValueError):
            abort(404)
        return _send(stored, key, name, "image/jpeg")
    m = _RENDITION.match(name)
    if not m or int(m.group("width")) not in derivative_widths(record.width):
        abort(404)
    if not store.has_derived(key, name):  # never made, or evicted by the cache quota
        _remake(store, record, name)
        if not store.has_derived(key, name):
            abort(404)
    mimetype = "image/webp" if m.group("ext") == "webp" else "image/jpeg"
    return _send(store.derived_name(key, name), key, name, mimetype)


def _remake(store: ImageStore, record: StoredImage, name: str) -> None:
    """Make the photo's sizes again from its original: by a worker when a queue is configured
    (waiting at most ``jobs.wait`` seconds for it), else, or when none made it, here."""
    from reader.web.jobs import queue

    q = queue()
    if q is not None:
        from reader.image_jobs import wait_for

        if wait_for(q, store, record.key, record.width, name,
                    float(current_app.config["JOBS_WAIT"])):
            return
    from reader.images.pipeline import rebuild

    rebuild(store, record.key)


def _send(stored: str, key: str, name: str, mimetype: str):
    return media_files.send_media(stored, mimetype, etag=f"{key}-{DERIVED_VERSION}-{name}",
                                  max_age=ONE_YEAR, immutable=True)


@bp.get("/g/<slug>/<int:n>/view")
def view(slug: str, n: int):
    gallery, total = photo_or_404(slug, n)  # this photo only: the same cost at any size
    item = gallery.items[0]
    record = _images_for(gallery).get(item.image or "")
    if record is None:
        abort(404, description="This photo has no image file.")
    contrast = request.args.get("contrast") == "1"
    from reader.web.pages import render_page  # the page's lang, dir and UI-word marking

    return render_page(
        "photo_view.html", gallery.lang, gallery=gallery, item=item, n=n, total=total,
        record=record, contrast=contrast,
        full_src=media_url(record.key, "contrast.jpg" if contrast else "full.jpg"),
        full_width=min(record.width, FULL_MAX),
        full_height=scaled_height(record.width, record.height, min(record.width, FULL_MAX)),
    )


def import_zip_upload(data: bytes, filename: str) -> tuple[Gallery, dict]:
    """The editors' zip upload (reader/web/editor.py's ``zip_importer`` hook): the bytes are
    spooled into the instance folder and imported like `reader import photos.zip`."""
    from reader.images.spool import spool_file
    from reader.importers.photos import load_photo_gallery

    instance = Path(current_app.instance_path)
    with spool_file(instance, data, ".zip") as tmp:  # locked while used; swept after a crash
        result = load_photo_gallery(tmp, instance=instance, jobs=1, name=filename)

    def named(text: str) -> str:  # the editor's file name, never the temporary one's path
        return text.replace(str(tmp.resolve()), filename).replace(str(tmp), filename)

    if result.gallery is None:
        first = result.errors[0] if result.errors else InputError("no photos in the zip")
        raise InputError(named(first.message), source=filename, field="file")
    warnings = [GalleryWarning(w.line, named(w.message)) for w in result.gallery.warnings]
    # refused files: the rest of the gallery still imports
    warnings += [GalleryWarning(None, named(str(e))) for e in result.errors]
    result.gallery.warnings = warnings
    return result.gallery, {"images": result.images}
