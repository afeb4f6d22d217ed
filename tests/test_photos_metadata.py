"""Alt text, caption and credit from XMP, IPTC IIM and EXIF: each field lands in the right
place, and the documented order of preference (XMP > IPTC > EXIF) holds field by field."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from reader.images.metadata import PhotoText, read_photo_text, xmp_fields
from tests import photofiles as pf


def text_of(data: bytes, lang: str | None = None) -> PhotoText:
    return read_photo_text(Image.open(io.BytesIO(data)), lang)


def all_three() -> bytes:
    return pf.jpeg(
        xmp=pf.xmp_packet(alt="XMP alt: a lamp on a wall", ext="XMP long description",
                          description="XMP caption", creators=["Ana Ruiz", "Bo Li"],
                          credit="XMP Agency", rights="© 2026 XMP Rights"),
        iim=pf.iim_block(caption="IIM caption", byline="IIM Byline", credit="IIM Credit",
                         copyright="IIM Copyright"),
        exif=pf.exif_bytes(description="EXIF caption", artist="EXIF Artist",
                           copyright="EXIF Copyright"),
    )


def test_xmp_wins_every_field_it_has():
    t = text_of(all_three())
    assert t.alt == "XMP alt: a lamp on a wall"
    assert t.ext_description == "XMP long description"
    assert t.caption == "XMP caption"
    assert t.creator == "Ana Ruiz, Bo Li"
    assert t.credit_line == "XMP Agency"
    assert t.credit == "Ana Ruiz, Bo Li/XMP Agency"
    assert t.sources == {
        "alt": "XMP Iptc4xmpCore:AltTextAccessibility",
        "ext_description": "XMP Iptc4xmpCore:ExtDescrAccessibility",
        "caption": "XMP dc:description", "creator": "XMP dc:creator",
        "credit_line": "XMP photoshop:Credit", "copyright": "XMP dc:rights",
    }


def test_iptc_fills_what_xmp_lacks_and_beats_exif():
    data = pf.jpeg(
        xmp=pf.xmp_packet(alt="Only the alt text is in XMP"),
        iim=pf.iim_block(caption="Fishing boats at the quay, Saint-Malo", byline="Zoë Marsh",
                         credit="Coastal Desk"),
        exif=pf.exif_bytes(description="EXIF caption", artist="EXIF Artist"),
    )
    t = text_of(data)
    assert t.alt == "Only the alt text is in XMP"
    assert t.caption == "Fishing boats at the quay, Saint-Malo"
    assert t.creator == "Zoë Marsh"  # UTF-8 declared by IIM 1:90
    assert t.credit == "Zoë Marsh/Coastal Desk"
    assert t.sources["caption"] == "IPTC Caption-Abstract"
    assert t.sources["creator"] == "IPTC By-line"


def test_iptc_in_a_legacy_character_set_is_read():
    data = pf.jpeg(iim=pf.iim_block(caption="Café at night", byline="José", encoding="cp1252"))
    t = text_of(data)
    assert (t.caption, t.creator) == ("Café at night", "José")


def test_exif_is_the_last_resort_and_camera_placeholders_are_ignored():
    t = text_of(pf.jpeg(exif=pf.exif_bytes(description="Tide coming in over the slipway",
                                           artist="Ines Okafor",
                                           copyright="Copyright © 2025 Harbour Camera Club")))
    assert t.caption == "Tide coming in over the slipway"
    assert t.sources["caption"] == "EXIF ImageDescription"
    assert t.creator == "Ines Okafor"
    assert t.credit == "Ines Okafor"  # a creator beats a copyright notice
    t = text_of(pf.jpeg(exif=pf.exif_bytes(description="OLYMPUS DIGITAL CAMERA",
                                           copyright="(c) 2025 Harbour Camera Club")))
    assert t.caption is None
    assert t.credit == "Harbour Camera Club"  # "(c)" and the year dropped


def test_credit_is_built_in_the_gallery_style():
    assert PhotoText(creator="Maren Holt", credit_line="Reader Sample").credit == \
        "Maren Holt/Reader Sample"
    # a credit line that already names the creator is used as it is
    assert PhotoText(creator="Maren Holt", credit_line="Maren Holt/AFP").credit == \
        "Maren Holt/AFP"
    assert PhotoText(credit_line="Reuters").credit == "Reuters"
    assert PhotoText().credit is None


def test_xmp_language_alternatives_and_attribute_properties():
    packet = pf.xmp_packet(alt={"x-default": "A red boat", "fr": "Un bateau rouge"},
                           credit="Agence Mer", credit_as_attribute=True)
    assert xmp_fields(packet) == {"alt": "A red boat", "credit_line": "Agence Mer"}
    assert xmp_fields(packet, prefer_lang="fr")["alt"] == "Un bateau rouge"


def test_png_and_webp_carry_xmp_too():
    packet = pf.xmp_packet(alt="Gulls on the breakwater", description="Gulls wait for the boats")
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet.decode())
    for data in (pf.png(pnginfo=info), pf.webp(xmp=packet)):
        t = text_of(data)
        assert (t.alt, t.caption) == ("Gulls on the breakwater", "Gulls wait for the boats")


@pytest.mark.parametrize("evil", [
    # billion laughs: entity expansion
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>',
    # an external entity: a file on the importing machine
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&e;</x:xmpmeta>',
    b"<x:xmpmeta not closed",
])
def test_hostile_or_broken_xmp_is_noted_and_the_other_blocks_still_count(evil):
    data = pf.jpeg(xmp=evil, iim=pf.iim_block(caption="From IPTC", credit="Desk"))
    t = text_of(data)
    assert t.caption == "From IPTC" and t.credit == "Desk"
    assert len(t.problems) == 1 and "XMP" in t.problems[0]
    assert "root:" not in repr(t)  # nothing of /etc/passwd was read


def test_control_characters_and_runs_of_space_are_cleaned():
    t = text_of(pf.jpeg(iim=pf.iim_block(caption="  Two\n\tlines\x07 here\x00  ")))
    assert t.caption == "Two lines here"
