"""Photo files made for the tests with Pillow, with XMP, IPTC IIM and EXIF (GPS too) written in.

Pillow writes XMP and EXIF itself; it cannot write IPTC IIM, so `with_iim` inserts the
Photoshop APP13 segment (8BIM resource 0x0404 holding IIM datasets) into a JPEG by hand, the
way Photoshop and newsroom tools store it.
"""

from __future__ import annotations

import io
import struct
import zlib
from xml.sax.saxutils import escape

from PIL import Image

GPS_LAT = (51.0, 28.0, 38.5)  # a photographer's position: must never reach a reader


def xmp_packet(*, alt: str | dict[str, str] | None = None, ext: str | None = None,
               description: str | None = None, creators: list[str] | None = None,
               credit: str | None = None, credit_as_attribute: bool = False,
               rights: str | None = None, extra: str = "") -> bytes:
    def lang_alt(value: str | dict[str, str]) -> str:
        langs = value if isinstance(value, dict) else {"x-default": value}
        lis = "".join(f'<rdf:li xml:lang="{k}">{escape(v)}</rdf:li>' for k, v in langs.items())
        return f"<rdf:Alt>{lis}</rdf:Alt>"

    props = ""
    if alt is not None:
        props += f"<Iptc4xmpCore:AltTextAccessibility>{lang_alt(alt)}" \
                 "</Iptc4xmpCore:AltTextAccessibility>"
    if ext is not None:
        props += f"<Iptc4xmpCore:ExtDescrAccessibility>{lang_alt(ext)}" \
                 "</Iptc4xmpCore:ExtDescrAccessibility>"
    if description is not None:
        props += f"<dc:description>{lang_alt(description)}</dc:description>"
    if creators:
        lis = "".join(f"<rdf:li>{escape(c)}</rdf:li>" for c in creators)
        props += f"<dc:creator><rdf:Seq>{lis}</rdf:Seq></dc:creator>"
    if rights is not None:
        props += f"<dc:rights>{lang_alt(rights)}</dc:rights>"
    attrs = ""
    if credit is not None:
        if credit_as_attribute:
            attrs = f' photoshop:Credit="{escape(credit, {chr(34): "&quot;"})}"'
        else:
            props += f"<photoshop:Credit>{escape(credit)}</photoshop:Credit>"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
        f'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,28.6417N"{attrs}>'
        f"{props}{extra}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def exif_bytes(*, description: str | None = None, artist: str | None = None,
               copyright: str | None = None, orientation: int | None = None,
               gps: bool = True) -> bytes:
    exif = Image.Exif()
    if description is not None:
        exif[0x010E] = description
    if artist is not None:
        exif[0x013B] = artist
    if copyright is not None:
        exif[0x8298] = copyright
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F] = "TestCam"  # Make
    exif[0xA431] = "SERIAL-0042"  # BodySerialNumber (in the Exif IFD below)
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd.update({1: "N", 2: GPS_LAT, 3: "W", 4: (0.0, 7.0, 39.0)})
    return exif.tobytes()


def iim_block(*, caption: str | None = None, byline: list[str] | str | None = None,
              credit: str | None = None, copyright: str | None = None,
              encoding: str = "utf-8") -> bytes:
    def dataset(record: int, number: int, value: bytes) -> bytes:
        return struct.pack(">BBBH", 0x1C, record, number, len(value)) + value

    data = b""
    if encoding == "utf-8":
        data += dataset(1, 90, b"\x1b%G")
    data += dataset(2, 0, b"\x00\x04")  # record version
    if caption is not None:
        data += dataset(2, 120, caption.encode(encoding))
    for name in [byline] if isinstance(byline, str) else (byline or []):
        data += dataset(2, 80, name.encode(encoding))
    if credit is not None:
        data += dataset(2, 110, credit.encode(encoding))
    if copyright is not None:
        data += dataset(2, 116, copyright.encode(encoding))
    return data


def with_iim(jpeg: bytes, iim: bytes) -> bytes:
    """The JPEG with a Photoshop APP13 segment holding ``iim`` inserted after SOI."""
    if len(iim) % 2:
        iim += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim))
    payload = b"Photoshop 3.0\x00" + resource + iim
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + segment + jpeg[2:]


def scene(size=(1200, 800), colour=(200, 40, 40), mode="RGB") -> Image.Image:
    """A picture with a marker: a white top-left quarter, so turns can be checked."""
    im = Image.new("RGB", size, colour)
    im.paste((255, 255, 255), (0, 0, size[0] // 4, size[1] // 4))
    return im.convert(mode) if mode != "RGB" else im


def jpeg(im: Image.Image | None = None, *, xmp: bytes | None = None, exif: bytes | None = None,
         iim: bytes | None = None, quality: int = 90, **kw) -> bytes:
    im = im or scene()
    out = io.BytesIO()
    params = {"quality": quality, **kw}
    if xmp:
        params["xmp"] = xmp
    if exif:
        params["exif"] = exif
    im.save(out, "JPEG", **params)
    data = out.getvalue()
    return with_iim(data, iim) if iim else data


def png(im: Image.Image | None = None, **kw) -> bytes:
    out = io.BytesIO()
    (im or scene()).save(out, "PNG", **kw)
    return out.getvalue()


def webp(im: Image.Image | None = None, **kw) -> bytes:
    out = io.BytesIO()
    (im or scene()).save(out, "WEBP", **kw)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size and holds almost nothing: how a decompression bomb starts."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024, 9)) + chunk(b"IEND", b""))


METADATA_MARKERS = [b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"adobe:ns:meta",
                    b"Photoshop 3.0", b"8BIM", b"ICC_PROFILE", b"SERIAL-0042", b"TestCam",
                    b"Iptc4xmpCore"]


def rgb_icc_profile(description: str, primaries: list[tuple[float, float, float]],
                    gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 matrix/TRC RGB display profile, written by hand (Pillow makes only
    sRGB): enough for lcms to convert from another colour space, e.g. Display P3."""
    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \x00\x00\x00\x00" + s15(x) + s15(y) + s15(z)

    text = description.encode("ascii") + b"\x00"
    desc = (b"desc\x00\x00\x00\x00" + struct.pack(">I", len(text)) + text
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67))
    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(gamma * 256)) + b"\x00\x00"
    d50 = (0.9642, 1.0, 0.8249)
    tags = [(b"desc", desc), (b"wtpt", xyz(*d50)), (b"rXYZ", xyz(*primaries[0])),
            (b"gXYZ", xyz(*primaries[1])), (b"bXYZ", xyz(*primaries[2])),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += bytes(-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + bytes(4) + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + bytes(12) + b"acsp" + bytes(24) + struct.pack(">I", 0)
              + s15(d50[0]) + s15(d50[1]) + s15(d50[2]) + bytes(48))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


# Display P3's primaries, adapted to D50 (as in Apple's Display P3 profile).
DISPLAY_P3 = [(0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841)]
