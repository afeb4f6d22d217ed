"""Photos on the web: each item's `image` in the document, the <picture> markup, derivatives with
immutable cache headers, no way to the originals, the full-size view, and the sample's photos."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader.images.storage import ImageStore
from reader.importers.photos import load_photo_gallery
from reader.store import Library
from reader.web import create_app
from tests import photofiles as pf


@pytest.fixture
def stored(tmp_path: Path, instance: Path):
    d = tmp_path / "lamps"
    d.mkdir()
    (d / "1.jpg").write_bytes(pf.jpeg(pf.scene((2000, 1500)), exif=pf.exif_bytes(),
                                      xmp=pf.xmp_packet(alt="A lamp lit on the sea wall",
                                                        ext="A long description of the wall.",
                                                        description="The first lamp.",
                                                        creators=["Maren Holt"])))
    (d / "2.jpg").write_bytes(pf.jpeg(pf.scene((600, 800)),
                                      xmp=pf.xmp_packet(alt="Same words", description="Same "
                                                        "words")))
    result = load_photo_gallery(d, instance=instance, jobs=1)
    return Library.in_instance(instance).save(result.gallery, images=result.images)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict]:
    p = Tags()
    p.feed(html)
    return [a for t, a in p.tags if t == name]


def test_document_gives_each_item_its_image(client, stored):
    doc = client.get(f"/api/galleries/{stored.slug}").get_json()
    image = doc["items"][0]["image"]
    key = stored.items[0].image
    assert (image["width"], image["height"]) == (960, 720)
    assert image["src"] == f"/media/{key}/960.jpg?v=v1"
    assert image["srcset"] == ", ".join(f"/media/{key}/{w}.jpg?v=v1 {w}w"
                                        for w in (480, 960, 1600))
    assert image["webp_srcset"].count(".webp") == 3
    small = doc["items"][1]["image"]
    assert (small["width"], small["height"]) == (600, 800)
    assert small["srcset"].endswith("600.jpg?v=v1 600w")  # its own width; never upscaled


def test_gallery_page_has_picture_with_sizes_and_alt_said_once(client, stored):
    html = client.get(f"/g/{stored.slug}/").get_data(as_text=True)
    imgs = tags(html, "img")
    assert len(imgs) == 2
    first, second = imgs
    assert first["alt"] == "A lamp lit on the sea wall"
    assert (first["width"], first["height"]) == ("960", "720")
    assert first["sizes"] and "1600w" in first["srcset"]
    image_sources = [s["type"] for s in tags(html, "source") if s["type"].startswith("image/")]
    assert image_sources == ["image/webp", "image/webp"]
    # the alt text is not also printed as text beside the image
    assert html.count("A lamp lit on the sea wall") == 1
    # an alt text that only repeats the caption is left empty: the figcaption says it
    assert second["alt"] == ""
    assert f'href="/g/{stored.slug}/1/view"' in html


def test_derivatives_are_served_immutable_and_originals_never(client, stored, instance):
    key = stored.items[0].image
    for name, mime in (("960.webp", "image/webp"), ("480.jpg", "image/jpeg")):
        r = client.get(f"/media/{key}/{name}")
        assert r.status_code == 200 and r.mimetype == mime
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert b"GPS" not in r.data
    original = ImageStore(instance).original_path(key)
    assert b"GPS" in original.read_bytes()  # the original keeps its GPS; it is never served
    for bad in (f"/media/{key}/original", f"/media/{key}/{key}", f"/media/{key}/700.jpg",
                f"/media/{key}/960.png", f"/media/{'0' * 64}/960.jpg", "/media/..%2F/960.jpg",
                f"/media/{key}/..%2F..%2Foriginals"):
        assert client.get(bad, follow_redirects=True).status_code == 404, bad
    assert not any(hashlib.sha256(r.data).hexdigest() == key for r in
                   (client.get(f"/media/{key}/{n}") for n in ("full.jpg", "1600.jpg")))


def test_a_wiped_derivative_is_made_again_from_the_original(client, stored, instance):
    key = stored.items[0].image
    path = ImageStore(instance).derived_dir(key) / "960.webp"
    path.unlink()
    r = client.get(f"/media/{key}/960.webp")
    assert r.status_code == 200 and path.exists()


def test_full_size_view_with_contrast_switch_and_extended_description(client, stored):
    html = client.get(f"/g/{stored.slug}/1/view").get_data(as_text=True)
    [img] = tags(html, "img")
    assert re.search(r"/media/[0-9a-f]{64}/full\.jpg", img["src"])
    assert (img["width"], img["height"]) == ("2000", "1500")
    assert img["alt"] == "A lamp lit on the sea wall"
    assert "A long description of the wall." in html
    assert 'aria-keyshortcuts="+"' in html and "photo-view.js" in html
    assert f'href="/g/{stored.slug}/1/view?contrast=1"' in html
    on = client.get(f"/g/{stored.slug}/1/view?contrast=1").get_data(as_text=True)
    assert "/contrast.jpg" in tags(on, "img")[0]["src"]
    assert "Enhanced contrast is on." in on
    assert client.get(tags(on, "img")[0]["src"]).status_code == 200
    assert client.get(f"/g/{stored.slug}/3/view").status_code == 404


def test_a_gallery_without_photo_files_still_shows_descriptions(client, library):
    from reader.importers import parse_source

    g = library.save(parse_source(
        b"Photos: Words only\n\nA lamp on the wall\nThe lamp is lit. [Reader Sample]\n",
        "words.txt"))
    doc = client.get(f"/api/galleries/{g.slug}").get_json()
    assert doc["items"][0]["image"] is None
    html = client.get(f"/g/{g.slug}/").get_data(as_text=True)
    assert "<img" not in html and "A lamp on the wall" in html


def test_sample_gallery_shows_its_own_drawn_photos(tmp_path):
    from reader.sample.pictures import draw_all

    app = create_app({"TESTING": True}, instance=tmp_path / "inst")
    client = app.test_client()
    [summary] = client.get("/api/galleries").get_json()
    doc = client.get(f"/api/galleries/{summary['slug']}").get_json()
    assert len(doc["items"]) == 6
    assert all(i["image"] and i["image"]["width"] == 960 for i in doc["items"])
    r = client.get(doc["items"][0]["image"]["src"])
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    # drawn the same way every time: the same files, the same keys
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert [p.read_bytes() for p in draw_all(a)] == [p.read_bytes() for p in draw_all(b)]


def test_images_layer_knows_no_flask():
    import subprocess
    import sys

    code = ("import sys, reader.images.pipeline, reader.importers.photos, reader.sample.pictures\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')"
            " or m.startswith(('reader.web', 'reader.cli'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
