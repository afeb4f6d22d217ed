"""Derivatives: the small, clean copies of a photo that readers are actually sent.

Recipe (one decode per photo):
1. JPEG draft mode: libjpeg decodes straight at 1/2, 1/4 or 1/8 scale when the largest
   derivative needs no more, which is most of the time and most of the speed.
2. Orientation applied (`ImageOps.exif_transpose`); colour converted to 8-bit sRGB through the
   file's ICC profile (see `opening.to_srgb`).
3. Widths :data:`WIDTHS` that are smaller than the photo, plus the photo's own width when it is
   smaller than the largest: never upscaled. Each is made from the next larger one.
4. Each width saved as WebP and as progressive JPEG, with **no metadata at all**: no EXIF (so
   no GPS, no camera serial), no XMP, no IPTC, no ICC profile (the pixels are sRGB, which
   browsers assume), no comment.

Two more, made on demand for the low-vision view: `full.jpg` (up to :data:`FULL_MAX` px wide)
and `contrast.jpg` (the same, with Pillow's autocontrast and an unsharp mask).
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass

from reader.images.storage import ImageStore

WIDTHS = (480, 960, 1600)
FULL_MAX = 4096
FORMATS = {"jpg": "JPEG", "webp": "WEBP"}
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}
EXTRAS = ("full", "contrast")


def derivative_widths(width: int) -> list[int]:
    """The widths made for a photo ``width`` pixels wide (ascending; never wider than it)."""
    widths = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        widths.append(width)
    return widths


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    ext: str  # "jpg" or "webp"

    @property
    def name(self) -> str:
        return f"{self.width}.{self.ext}"


def encode(im, ext: str) -> bytes:
    """The image's pixels in one format, with nothing else in the file."""
    im.info = {}  # Pillow's JPEG writer would otherwise copy a COM comment across
    out = io.BytesIO()
    im.save(out, FORMATS[ext], **(JPEG_OPTIONS if ext == "jpg" else WEBP_OPTIONS))
    return out.getvalue()


def draft_size(size: tuple[int, int], orientation: int | None, target_width: int):
    """The smallest stored size the decoder may stop at and still give ``target_width``."""
    raw_w, raw_h = size
    turned = orientation in (5, 6, 7, 8)
    oriented_w = raw_h if turned else raw_w
    scale = target_width / oriented_w
    return (math.ceil(raw_w * scale), math.ceil(raw_h * scale))


def render_all(im, width: int, height: int, store: ImageStore, key: str) -> list[Rendition]:
    """Write every width in both formats for an RGB image already oriented and in sRGB.

    ``width``/``height`` are the full photo's (the image may be a draft, larger than needed).
    The manifest is written last: its presence means the set is whole.
    """
    from PIL import Image

    made: list[Rendition] = []
    current = im
    for w in sorted(derivative_widths(width), reverse=True):
        h = scaled_height(width, height, w)
        if current.size != (w, h):
            current = current.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for ext in FORMATS:
            store.put_derived(key, f"{w}.{ext}", encode(current, ext))
            made.append(Rendition(w, h, ext))
    manifest = {"width": width, "height": height,
                "renditions": [{"width": r.width, "height": r.height, "file": r.name}
                               for r in sorted(made, key=lambda r: (r.width, r.ext))]}
    store.put_derived(key, "manifest.json", json.dumps(manifest).encode())
    return made


def read_manifest(store: ImageStore, key: str) -> dict | None:
    try:
        return json.loads(store.media.get(store.manifest_name(key)))
    except (OSError, ValueError):
        return None


def build_extra(store: ImageStore, key: str, kind: str) -> str:
    """Make (once) and return the media name of ``full.jpg`` or ``contrast.jpg`` for a stored
    photo.

    Raises FileNotFoundError when the original is not in the store.
    """
    from PIL import ImageFilter, ImageOps

    from reader.images.opening import decode, open_photo, to_srgb

    if kind not in EXTRAS:
        raise ValueError(kind)
    if store.has_derived(key, f"{kind}.jpg"):
        return store.derived_name(key, f"{kind}.jpg")
    data = store.original(key)
    if data is None:
        raise FileNotFoundError(store.original_name(key))
    im = open_photo(data, key)
    orientation = im.getexif().get(0x0112)
    w, h = im.size
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    target = min(w, FULL_MAX)
    if im.format == "JPEG" and target < w:
        im.draft(None, draft_size(im.size, orientation, target))
    decode(im, key)
    icc = im.info.get("icc_profile")
    im = ImageOps.exif_transpose(im)
    im = to_srgb(im, icc, [])
    size = (target, scaled_height(w, h, target))
    if im.size != size:
        im = im.resize(size, reducing_gap=3.0)
    if kind == "contrast":
        im = ImageOps.autocontrast(im, cutoff=1)
        im = im.filter(ImageFilter.UnsharpMask(radius=2, percent=120, threshold=2))
    return store.put_derived(key, f"{kind}.jpg", encode(im, "jpg"))
