"""Derivatives: the right widths in WebP and JPEG, orientation applied, never upscaled, and no
metadata at all (no EXIF, no GPS, no XMP, no IPTC, no ICC); originals kept byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from PIL import Image, ImageCms

from reader.images.derivatives import EXTRAS, build_extra, derivative_widths, draft_size
from reader.images.pipeline import PhotoTask, process_many, process_photo
from reader.images.storage import ImageStore
from tests import photofiles as pf


def everything_in(tmp_path: Path, im: Image.Image | None = None, **meta) -> Path:
    path = tmp_path / "full-of-metadata.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path.write_bytes(pf.jpeg(
        im or pf.scene((4000, 3000)),
        xmp=pf.xmp_packet(alt="Alt", description="Caption", creators=["Ana Ruiz"],
                          credit="Desk"),
        iim=pf.iim_block(caption="IIM caption", byline="Ana Ruiz"),
        exif=pf.exif_bytes(description="EXIF caption", artist="Ana Ruiz", **meta),
        icc_profile=srgb, comment=b"shot at 51.4773N 0.0005W"))
    return path


def test_widths_and_formats_for_a_12_megapixel_photo(tmp_path, instance):
    src = everything_in(tmp_path)
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    assert out.ok, out.error
    assert (out.width, out.height) == (4000, 3000)
    store = ImageStore(instance)
    folder = store.derived_dir(out.key)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["1600.jpg", "1600.webp", "480.jpg", "480.webp", "960.jpg", "960.webp",
                     "manifest.json"]
    for w in (480, 960, 1600):
        for ext, fmt in (("jpg", "JPEG"), ("webp", "WEBP")):
            im = Image.open(folder / f"{w}.{ext}")
            assert (im.format, im.size, im.mode) == (fmt, (w, w * 3 // 4), "RGB")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["width"] == 4000 and len(manifest["renditions"]) == 6


def test_no_derivative_carries_exif_gps_xmp_iptc_icc_or_comment(tmp_path, instance):
    src = everything_in(tmp_path)
    assert all(m in src.read_bytes() for m in (b"GPS", b"Exif", b"8BIM", b"ICC_PROFILE"))
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    store = ImageStore(instance)
    folder = store.derived_dir(out.key)
    files = [*folder.glob("*.jpg"), *folder.glob("*.webp")]
    files += [store.media.local_path(build_extra(store, out.key, k)) for k in EXTRAS]
    assert len(files) == 8
    for f in files:
        data = f.read_bytes()
        found = [m for m in pf.METADATA_MARKERS if m in data]
        assert found == [], f"{f.name} carries {found}"
        assert b"51.4773" not in data
        im = Image.open(io.BytesIO(data))
        assert not im.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(im.info)


def test_original_is_kept_untouched_and_content_addressed(tmp_path, instance):
    src = everything_in(tmp_path)
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    kept = ImageStore(instance).original_path(out.key)
    assert kept.read_bytes() == src.read_bytes()
    assert out.key == hashlib.sha256(src.read_bytes()).hexdigest()


def test_orientation_is_applied(tmp_path, instance):
    # Stored landscape with the white marker top-left; EXIF says "turn 90° clockwise" (6).
    src = everything_in(tmp_path, pf.scene((2000, 1000)), orientation=6)
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    assert (out.width, out.height) == (1000, 2000)
    im = Image.open(ImageStore(instance).derived_dir(out.key) / "960.jpg")
    assert im.size == (960, 1920)
    # after turning clockwise the marker is at the top-right
    assert min(im.getpixel((900, 60))) > 230 and max(im.getpixel((60, 60))[1:]) < 80


def test_small_photos_are_never_upscaled(tmp_path, instance):
    assert derivative_widths(700) == [480, 700]
    assert derivative_widths(300) == [300]
    assert derivative_widths(1600) == [480, 960, 1600]
    assert derivative_widths(5000) == [480, 960, 1600]
    src = tmp_path / "small.png"
    src.write_bytes(pf.png(pf.scene((700, 500))))
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    sizes = sorted(Image.open(p).size for p in
                   ImageStore(instance).derived_dir(out.key).glob("*.webp"))
    assert sizes == [(480, 343), (700, 500)]


def test_draft_size_lets_libjpeg_decode_just_big_enough():
    assert draft_size((4000, 3000), None, 1600) == (1600, 1200)
    assert draft_size((4000, 3000), 6, 1600) == (2134, 1600)  # turned: 3000 wide → 1600


def test_transparency_is_laid_on_white(tmp_path, instance):
    im = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    src = tmp_path / "clear.png"
    src.write_bytes(pf.png(im))
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    px = Image.open(ImageStore(instance).derived_dir(out.key) / "480.jpg").getpixel((10, 10))
    assert min(px) > 245


def test_pool_gives_outcomes_in_order_with_progress(tmp_path, instance):
    tasks = []
    for n in range(4):
        p = tmp_path / f"{n}.jpg"
        p.write_bytes(pf.jpeg(pf.scene((800, 600), colour=(n * 60, 0, 0)),
                              xmp=pf.xmp_packet(description=f"photo {n}")))
        tasks.append(PhotoTask(str(p), p.name, str(instance)))
    ticks = []
    outs = process_many(tasks, jobs=2, progress=ticks.append)
    assert [o.text.caption for o in outs] == [f"photo {n}" for n in range(4)]
    assert sum(ticks) == 4


def test_enhanced_contrast_rendering_has_more_contrast(tmp_path, instance):
    flat = Image.new("RGB", (800, 600), (110, 110, 110))
    flat.paste((140, 140, 140), (0, 0, 400, 600))  # a dull, low-contrast picture
    src = tmp_path / "flat.png"
    src.write_bytes(pf.png(flat))
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    store = ImageStore(instance)
    def made(kind):
        return Image.open(io.BytesIO(store.media.get(build_extra(store, out.key, kind))))

    plain, strong = made("full").convert("L"), made("contrast").convert("L")
    assert plain.getextrema()[1] - plain.getextrema()[0] < 40
    assert strong.getextrema()[1] - strong.getextrema()[0] > 200


def test_colour_is_converted_to_srgb_through_the_embedded_profile(tmp_path, instance):
    p3 = pf.rgb_icc_profile("Display P3 (test)", pf.DISPLAY_P3)
    red = Image.new("RGB", (600, 400), (200, 0, 0))  # a P3 red: beyond sRGB's reddest red
    tagged, untagged = tmp_path / "p3.png", tmp_path / "plain.png"
    tagged.write_bytes(pf.png(red, icc_profile=p3))
    untagged.write_bytes(pf.png(red))
    store = ImageStore(instance)
    reds = []
    for src in (tagged, untagged):
        out = process_photo(PhotoTask(str(src), src.name, str(instance)))
        assert out.ok and out.notes == []
        reds.append(Image.open(store.derived_dir(out.key) / "480.jpg")
                    .getpixel((240, 160)))
    converted, as_is = reds
    assert abs(as_is[0] - 200) <= 3  # no profile: taken as sRGB, left alone
    assert converted[0] >= 215  # P3 red is more saturated: a stronger sRGB red


def test_an_unreadable_colour_profile_is_noted_and_the_photo_kept(tmp_path, instance):
    src = tmp_path / "bad-icc.jpg"
    src.write_bytes(pf.jpeg(pf.scene((600, 400)), icc_profile=b"not a profile at all" * 10))
    out = process_photo(PhotoTask(str(src), src.name, str(instance)))
    assert out.ok
    assert len(out.notes) == 1 and out.notes[0].startswith("its colour profile could not be used")
