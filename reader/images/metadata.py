"""The words a photo file carries: alt text, caption and credit from XMP, IPTC IIM and EXIF.

Order of preference, per field (the first source that has a non-empty value wins):

| field           | 1. XMP                             | 2. IPTC IIM            | 3. EXIF          |
|-----------------|------------------------------------|------------------------|------------------|
| alt text        | Iptc4xmpCore:AltTextAccessibility  | –                      | –                |
| extended descr. | Iptc4xmpCore:ExtDescrAccessibility | –                      | –                |
| caption         | dc:description                     | 2:120 Caption-Abstract | ImageDescription |
| creator         | dc:creator (list, joined ", ")     | 2:80 By-line           | Artist           |
| credit line     | photoshop:Credit                   | 2:110 Credit           | –                |
| copyright       | dc:rights                          | 2:116 Copyright Notice | Copyright        |

XMP comes first because it is the current standard and always Unicode; IIM is its older
twin (its text may be in a legacy character set); EXIF's text fields are ASCII and are often
filled by cameras with placeholders ("OLYMPUS DIGITAL CAMERA"), which are ignored.

The credit shown with a photo is built from these, in the gallery texts' style
`Creator/Credit line` (`Maren Holt/Reader Sample`): the creator and the credit line when both
exist (just the credit line when it already names the creator), else whichever exists, else
the copyright notice without its leading "©" or "Copyright".

XMP is parsed with defusedxml (no entity expansion, no external entities). Nothing here
knows Flask or the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.validate import clean_control

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_XMP_BYTES = 2 * 1024 * 1024  # real packets are a few KB; Photoshop's largest ~100 KB
MAX_FIELD_CHARS = 10_000

# IPTC IIM datasets (record 2) and the record-1 character set marker for UTF-8.
IIM_CAPTION, IIM_BYLINE, IIM_CREDIT, IIM_COPYRIGHT = (2, 120), (2, 80), (2, 110), (2, 116)
IIM_CHARSET, IIM_UTF8 = (1, 90), b"\x1b%G"
# EXIF (IFD0) tags.
EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT = 0x010E, 0x013B, 0x8298

# What cameras and phones write into ImageDescription when nobody wrote a caption.
CAMERA_PLACEHOLDERS = {
    "olympus digital camera", "sony dsc", "digital camera", "default", "dcim", "image",
    "picture", "photo", "untitled", "samsung", "kodak digital still camera", "exif_jpeg_picture",
    "minolta digital camera", "konica minolta digital camera", "ricoh digital camera",
    "hp digital camera", "lg digital camera", "camera",
}
_SPACE = re.compile(r"[ \t\r\n]+")
_COPYRIGHT_PREFIX = re.compile(r"^\s*(?:©|\(c\)|copyright)\s*(?:©|\(c\))?\s*(?:\d{4}\s*)?",
                               re.IGNORECASE)


@dataclass
class PhotoText:
    """What one photo file says about itself, and where each value came from."""

    alt: str | None = None
    ext_description: str | None = None
    caption: str | None = None
    creator: str | None = None
    credit_line: str | None = None
    copyright: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field -> e.g. "XMP dc:description"
    problems: list[str] = field(default_factory=list)  # unreadable blocks, for the import notes

    @property
    def credit(self) -> str | None:
        """The credit as the gallery shows it: `Creator/Credit line` (see the module doc)."""
        creator, line = self.creator, self.credit_line
        if creator and line:
            return line if creator.casefold() in line.casefold() else f"{creator}/{line}"
        if creator or line:
            return creator or line
        if self.copyright:
            return _COPYRIGHT_PREFIX.sub("", self.copyright).strip() or None
        return None

    def offer(self, name: str, value: str | None, source: str) -> None:
        """Set ``name`` from ``source`` unless a preferred source already gave it."""
        value = clean(value)
        if value and getattr(self, name) is None:
            setattr(self, name, value)
            self.sources[name] = source


def clean(value: str | None) -> str | None:
    """Trim, fold runs of white space, drop control characters and over-long text."""
    if value is None:
        return None
    value = _SPACE.sub(" ", clean_control(value)).strip()  # the validator's own set
    return value[:MAX_FIELD_CHARS] or None


# -- XMP -----------------------------------------------------------------------------------
def _lang_alt(prop, prefer_lang: str | None) -> str | None:
    """Text of an rdf:Alt (language alternatives): the preferred language, x-default, first."""
    items = prop.findall("rdf:Alt/rdf:li", NS) or prop.findall("rdf:Seq/rdf:li", NS)
    if not items:
        return prop.text
    by_lang = {(li.get(XML_LANG) or "").lower(): li.text for li in items}
    for lang in (prefer_lang, "x-default"):
        if lang and by_lang.get(lang.lower()):
            return by_lang[lang.lower()]
    return next((li.text for li in items if li.text and li.text.strip()), None)


def _list(prop) -> str | None:
    items = prop.findall("rdf:Seq/rdf:li", NS) or prop.findall("rdf:Bag/rdf:li", NS)
    if not items:
        return prop.text
    names = [clean(li.text) for li in items]
    return ", ".join(n for n in names if n) or None


def xmp_fields(packet: bytes | str, prefer_lang: str | None = None) -> dict[str, str]:
    """The fields of one XMP packet this reader uses (keys as in :class:`PhotoText`).

    Raises ValueError with a short reason if the packet is not readable XML.
    """
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if len(packet) > MAX_XMP_BYTES:
        raise ValueError(f"XMP packet is {len(packet):,} bytes (limit {MAX_XMP_BYTES:,})")
    packet = packet.strip(b"\x00 \t\r\n")
    try:
        root = ElementTree.fromstring(packet)
    except DefusedXmlException as e:
        raise ValueError(f"XMP refused: {type(e).__name__} (entity or DTD tricks)") from None
    except Exception as e:  # ParseError and friends
        raise ValueError(f"XMP is not well-formed XML ({e})") from None

    wanted = {
        "alt": ("Iptc4xmpCore", "AltTextAccessibility", _lang_alt),
        "ext_description": ("Iptc4xmpCore", "ExtDescrAccessibility", _lang_alt),
        "caption": ("dc", "description", _lang_alt),
        "creator": ("dc", "creator", _list),
        "credit_line": ("photoshop", "Credit", None),
        "copyright": ("dc", "rights", _lang_alt),
    }
    found: dict[str, str] = {}
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        for key, (prefix, local, reader) in wanted.items():
            if key in found:
                continue
            tag = f"{{{NS[prefix]}}}{local}"
            value = desc.get(tag)  # simple properties may be written as attributes
            if value is None and (prop := desc.find(tag)) is not None:
                value = reader(prop, prefer_lang) if reader is _lang_alt else (
                    reader(prop) if reader else prop.text)
            if value := clean(value):
                found[key] = value
    return found


# -- IPTC IIM ------------------------------------------------------------------------------
def _iim_text(value: bytes | list[bytes], utf8: bool) -> str:
    parts = value if isinstance(value, list) else [value]
    out = []
    for raw in parts:
        if utf8:
            out.append(raw.decode("utf-8", "replace"))
            continue
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(raw.decode("cp1252", "replace"))
    return ", ".join(p for p in (clean(x) for x in out) if p)


def iim_fields(iptc: dict | None) -> dict[str, str]:
    """The fields of an IPTC IIM block (as `IptcImagePlugin.getiptcinfo` gives it)."""
    if not iptc:
        return {}
    utf8 = iptc.get(IIM_CHARSET) == IIM_UTF8
    found = {}
    for key, dataset in (("caption", IIM_CAPTION), ("creator", IIM_BYLINE),
                         ("credit_line", IIM_CREDIT), ("copyright", IIM_COPYRIGHT)):
        if dataset in iptc and (text := _iim_text(iptc[dataset], utf8)):
            found[key] = text
    return found


# -- EXIF ----------------------------------------------------------------------------------
def _exif_text(value) -> str | None:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return clean(value) if isinstance(value, str) else None


def exif_fields(exif) -> dict[str, str]:
    """The fields of an EXIF block (a Pillow `Image.Exif`); camera placeholders ignored."""
    found = {}
    for key, tag in (("caption", EXIF_DESCRIPTION), ("creator", EXIF_ARTIST),
                     ("copyright", EXIF_COPYRIGHT)):
        text = _exif_text(exif.get(tag))
        if key == "caption" and text and text.casefold() in CAMERA_PLACEHOLDERS:
            continue
        if text:
            found[key] = text
    return found


SOURCE_NAMES = {
    "xmp": {"alt": "XMP Iptc4xmpCore:AltTextAccessibility",
            "ext_description": "XMP Iptc4xmpCore:ExtDescrAccessibility",
            "caption": "XMP dc:description", "creator": "XMP dc:creator",
            "credit_line": "XMP photoshop:Credit", "copyright": "XMP dc:rights"},
    "iim": {"caption": "IPTC Caption-Abstract", "creator": "IPTC By-line",
            "credit_line": "IPTC Credit", "copyright": "IPTC Copyright Notice"},
    "exif": {"caption": "EXIF ImageDescription", "creator": "EXIF Artist",
             "copyright": "EXIF Copyright"},
}


def read_photo_text(im, prefer_lang: str | None = None) -> PhotoText:
    """Everything :class:`PhotoText` holds, from an open Pillow image (JPEG, PNG or WebP).

    A block that cannot be read is noted in ``problems``; the other blocks still count.
    """
    from PIL import IptcImagePlugin

    text = PhotoText()
    blocks: list[tuple[str, dict[str, str]]] = []
    packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if packet:
        try:
            blocks.append(("xmp", xmp_fields(packet, prefer_lang)))
        except ValueError as e:
            text.problems.append(str(e))
    try:
        blocks.append(("iim", iim_fields(IptcImagePlugin.getiptcinfo(im))))
    except Exception as e:  # a malformed APP13 block: Pillow raises assorted errors
        text.problems.append(f"IPTC block could not be read ({type(e).__name__})")
    try:
        blocks.append(("exif", exif_fields(im.getexif())))
    except Exception as e:
        text.problems.append(f"EXIF block could not be read ({type(e).__name__})")
    for block, fields in blocks:  # already in order of preference
        for key, value in fields.items():
            text.offer(key, value, SOURCE_NAMES[block][key])
    return text
