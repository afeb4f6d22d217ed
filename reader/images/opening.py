"""Opening untrusted photo files safely, with one clear message per thing that is wrong.

- The type is read from the file's first bytes, never from its name. The reader takes JPEG, PNG
  and WebP; a photo of one of those kinds under another's name is read as what it is (with a
  note); anything else (text, HTML, a zip, a GIF named `.jpg`) is refused.
- Pillow's decompression-bomb limit (`Image.MAX_IMAGE_PIXELS`, 89.5 megapixels) stays on, and
  its warning zone is treated as an error: such a file is refused, naming its size.
- A side longer than :data:`MAX_SIDE` pixels is refused (the WebP format's own limit).
- A truncated or damaged file is refused when it is decoded (``ImageFile.LOAD_TRUNCATED_IMAGES``
  stays off).
- CMYK, 16-bit grey, palette and transparent images are converted to 8-bit sRGB
  (:func:`to_srgb`), through the file's ICC profile when it has one.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

from reader.errors import InputError

MAX_SIDE = 16_383  # WebP cannot hold more; no gallery photo needs more
MAX_FILE_BYTES = 100 * 1024 * 1024  # a 16-bit 12 MP PNG is ~72 MB
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}  # Pillow's name -> people's name
EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".webp": "WEBP"}


class PhotoError(InputError):
    """One photo file that cannot be used; the message says why, the source names the file."""


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is: a Pillow format name or a description."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    known = [
        (b"GIF8", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
        (b"BM", "a BMP image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive"),
        (b"\x1f\x8b", "a gzip archive"), (b"8BPS", "a Photoshop document"),
        (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"), (b"\xff\x0a", "a JPEG XL image"),
    ]
    for magic, what in known:
        if head.startswith(magic):
            return what
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "a HEIC image"
        if brand in (b"avif", b"avis"):
            return "an AVIF image"
        return "a video or MP4-family file"
    sample = head.lstrip()
    if sample[:1] == b"<":
        return "an HTML or XML document" if sample[:5].lower() != b"<?xml" else "an XML document"
    if not head:
        return "an empty file"
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return "an unknown kind of file"


def check_type(head: bytes, name: str) -> tuple[str, str | None]:
    """(Pillow format, note) for an acceptable photo; PhotoError naming what it really is."""
    kind = sniff(head)
    if kind not in FORMATS:
        said = EXTENSIONS.get(Path(name).suffix.lower())
        named = f"is named as a {FORMATS[said]} photo but " if said else ""
        raise PhotoError(f"{named}is {kind}, not a JPEG, PNG or WebP photo; skipped",
                         source=name)
    said = EXTENSIONS.get(Path(name).suffix.lower())
    note = None
    if said and said != kind:
        note = (f"its name says {FORMATS[said]} but it is a {FORMATS[kind]} photo; "
                f"read as {FORMATS[kind]}")
    return kind, note


_PIXELS = re.compile(r"\((\d+) pixels\)")


def open_photo(data: bytes | Path, name: str, notes: list[str] | None = None):
    """Open (not yet decode) a photo: a Pillow image whose size and type were checked.

    Raises :class:`PhotoError` for anything in the module's list; a photo of one accepted
    type under another's name is opened, with a line added to ``notes``.
    """
    from PIL import Image

    if isinstance(data, Path):
        with open(data, "rb") as f:
            head = f.read(64)
    else:
        head = data[:64]
    kind, note = check_type(head, name)
    if note and notes is not None:
        notes.append(note)
    fp = io.BytesIO(data) if isinstance(data, bytes) else data
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(fp, formats=[kind])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
            m = _PIXELS.search(str(e))
            size = f"{int(m.group(1)):,} pixels" if m else "too many pixels"
            raise PhotoError(
                f"refused as a possible decompression bomb: it declares {size}, over the "
                f"limit of {Image.MAX_IMAGE_PIXELS:,}", source=name) from None
        except Image.UnidentifiedImageError:
            raise PhotoError(f"is damaged: it starts like a {FORMATS[kind]} image but its "
                             "header cannot be read", source=name) from None
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise PhotoError(f"is damaged: its {FORMATS[kind]} header cannot be read ({e})",
                             source=name) from None
    w, h = im.size
    if max(w, h) > MAX_SIDE or min(w, h) < 1:
        im.close()
        raise PhotoError(f"has huge dimensions ({w:,} × {h:,} pixels); the reader takes photos "
                         f"up to {MAX_SIDE:,} pixels on a side", source=name)
    return im


def decode(im, name: str) -> None:
    """Decode the pixels, turning every way a damaged file fails into one PhotoError."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise PhotoError("refused as a possible decompression bomb while decoding",
                             source=name) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError) as e:
            reason = str(e) or type(e).__name__
            what = ("is truncated" if "truncated" in reason else "is damaged")
            raise PhotoError(f"{what}: its pixels cannot be decoded ({reason})",
                             source=name) from None


_SRGB = None


def _srgb_profile():
    global _SRGB
    if _SRGB is None:
        from PIL import ImageCms

        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def to_srgb(im, icc: bytes | None, notes: list[str]):
    """An 8-bit RGB image in sRGB from any mode Pillow opens JPEG, PNG and WebP in.

    16-bit grey is scaled (not clipped) to 8 bits; transparency is laid on white; an ICC
    profile, when present and readable, is used to convert to sRGB (CMYK included).
    """
    from PIL import Image, ImageCms

    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        im = im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
        icc = None  # a 16-bit grey profile does not fit the 8-bit image any more
    elif im.mode == "F":
        im = im.point(lambda v: v * 255).convert("L")
    if im.mode in ("P", "PA", "LA", "La", "RGBA", "RGBa", "1"):
        has_alpha = im.mode in ("PA", "LA", "La", "RGBA", "RGBa") or (
            im.mode == "P" and "transparency" in im.info)
        if has_alpha:
            rgba = im.convert("RGBA")
            base = Image.new("RGB", im.size, (255, 255, 255))
            base.paste(rgba, mask=rgba.getchannel("A"))
            im = base
        else:
            im = im.convert("RGB")
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            description = (ImageCms.getProfileDescription(src) or "").strip()
            if not (im.mode == "RGB" and description.lower().startswith("srgb")):
                out = ImageCms.profileToProfile(
                    im, src, _srgb_profile(), outputMode="RGB",
                    renderingIntent=ImageCms.Intent.PERCEPTUAL)
                if out is not None:
                    im = out
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as e:
            notes.append(f"its colour profile could not be used ({e}); colours taken as sRGB")
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im
