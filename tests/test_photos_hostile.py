"""Hostile and broken photo files: each gets its own clear message naming it, the rest of the
gallery still imports, and nothing outside the instance is written."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from reader.importers.photos import ZipLimits, load_photo_gallery
from reader.store import Library
from tests import photofiles as pf

GOOD = pf.jpeg(xmp=pf.xmp_packet(alt="A good photo", description="The good one",
                                 creators=["Ana Ruiz"]))


def messages(result) -> dict[str, str]:
    return {Path(e.source).name.rsplit(":", 1)[-1]: e.message for e in result.errors}


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    d = tmp_path / "hostile"
    d.mkdir()
    (d / "01-good.jpg").write_bytes(GOOD)
    (d / "02-bomb.png").write_bytes(pf.png_header_only(30_000, 30_000))
    (d / "03-bomb-grey-zone.png").write_bytes(pf.png_header_only(10_000, 10_000))
    (d / "04-huge.png").write_bytes(pf.png(Image.new("L", (16_384, 8))))
    (d / "05-truncated.jpg").write_bytes(pf.jpeg(pf.scene((800, 600)))[:4000])
    (d / "06-corrupt.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(3000))
    (d / "07-text.jpg").write_text("<html>not a photo</html>")
    gif = io.BytesIO()
    Image.new("P", (10, 10)).save(gif, "GIF")
    (d / "08-gif.png").write_bytes(gif.getvalue())
    (d / "09-png-named-jpg.jpg").write_bytes(pf.png(pf.scene((600, 400))))
    (d / "10-cmyk.jpg").write_bytes(pf.jpeg(Image.new("CMYK", (600, 400), (255, 0, 0, 0))))
    grey16 = Image.new("I;16", (600, 400), 32_768)  # mid-grey in 16 bits
    (d / "11-grey16.png").write_bytes(pf.png(grey16))
    (d / "12-empty.webp").write_bytes(b"")
    (d / "notes.md").write_text("an editor's note")
    (d / ".DS_Store").write_bytes(b"\x00\x01")
    (d / "13-link.jpg").symlink_to(d / "01-good.jpg")
    (d / "raw").mkdir()
    return d


def test_each_hostile_file_gets_its_own_message_and_the_rest_imports(hostile_folder, instance):
    result = load_photo_gallery(hostile_folder, instance=instance, jobs=2)
    got = messages(result)
    assert set(got) == {"02-bomb.png", "03-bomb-grey-zone.png", "04-huge.png",
                        "05-truncated.jpg", "06-corrupt.jpg", "07-text.jpg", "08-gif.png",
                        "12-empty.webp", "13-link.jpg"}
    assert "decompression bomb" in got["02-bomb.png"]
    assert "900,000,000 pixels" in got["02-bomb.png"]
    assert "decompression bomb" in got["03-bomb-grey-zone.png"]
    assert "huge dimensions (16,384 × 8 pixels)" in got["04-huge.png"]
    assert got["05-truncated.jpg"].startswith("is truncated")
    assert got["06-corrupt.jpg"].startswith("is damaged")
    assert "is an HTML or XML document, not a JPEG, PNG or WebP photo" in got["07-text.jpg"]
    assert "is a GIF image" in got["08-gif.png"]
    assert "is an empty file" in got["12-empty.webp"]
    assert "symbolic link" in got["13-link.jpg"]
    for e in result.errors:  # every message names its file in full
        assert str(e).startswith(str(hostile_folder))

    g = result.gallery
    assert [Path(i.name).name for i in result.images] == [
        "01-good.jpg", "09-png-named-jpg.jpg", "10-cmyk.jpg", "11-grey16.png"]
    assert [it.position for it in g.items] == [1, 2, 3, 4]
    warnings = [w.message for w in g.warnings]
    assert "notes.md: not a photo (JPEG, PNG or WebP); skipped" in warnings
    assert "raw/: a subfolder; skipped (photos are read from the folder itself)" in warnings
    assert any(w.startswith("09-png-named-jpg.jpg: its name says JPEG but it is a PNG")
               for w in warnings)
    assert not any("DS_Store" in w for w in warnings)


def test_cmyk_and_16_bit_photos_come_out_as_right_8_bit_srgb(hostile_folder, instance):
    from reader.images.storage import ImageStore

    result = load_photo_gallery(hostile_folder, instance=instance, jobs=1)
    by_name = {i.name: i for i in result.images}
    store = ImageStore(instance)
    cyan = Image.open(store.derived_dir(by_name["10-cmyk.jpg"].key) / "480.jpg")
    assert cyan.mode == "RGB"
    r, g, b = cyan.getpixel((300, 200))
    assert r < 60 and g > 200 and b > 200  # full cyan ink is cyan on screen
    grey = Image.open(store.derived_dir(by_name["11-grey16.png"].key) / "480.jpg")
    assert grey.mode == "RGB"
    assert all(120 <= v <= 136 for v in grey.getpixel((100, 100)))  # scaled, not clipped


def test_cli_reports_each_file_stores_the_rest_and_exits_1(hostile_folder, reader, instance):
    res = reader("import", hostile_folder, "--jobs", "1", "--json")
    assert res.exit_code == 1
    err_lines = [ln for ln in res.stderr.splitlines() if ln.startswith("reader: ")
                 and not ln.startswith("reader: warning:")
                 and not ln.endswith("could not be imported:")]  # the summary line
    assert len(err_lines) == 9
    assert all(str(hostile_folder) in ln for ln in err_lines)
    assert "Traceback" not in res.output + res.stderr
    doc = json.loads(res.stdout.strip().splitlines()[-1])
    assert len(doc["items"]) == 4
    assert Library.in_instance(instance).get(doc["slug"]).items[0].caption == "The good one"


def make_zip(path: Path, members: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (0o120777 << 16)
            zf.writestr(info, data)
    return path


def test_zip_slip_absolute_paths_and_symlinks_are_refused(tmp_path, instance):
    z = make_zip(tmp_path / "photos.zip", {
        "trip/01.jpg": GOOD,
        "trip/../../escape.jpg": GOOD,
        "/etc/abs.jpg": GOOD,
        "trip/02-link.jpg": b"/etc/passwd",
        "trip/readme.txt": b"hello",
    }, symlinks=("trip/02-link.jpg",))
    result = load_photo_gallery(z, instance=instance, jobs=1)
    got = {e.source: e.message for e in result.errors}
    assert got == {
        f"{z}:trip/../../escape.jpg": "has '..' in its path (it would land outside the "
                                      "folder); refused",
        f"{z}:/etc/abs.jpg": "has an absolute path; refused",
        f"{z}:trip/02-link.jpg": "is a symbolic link; refused",
    }
    assert [i.name for i in result.images] == ["01.jpg"]
    assert "readme.txt: not a photo (JPEG, PNG or WebP); skipped" in [
        w.message for w in result.gallery.warnings]
    assert not (tmp_path.parent / "escape.jpg").exists()
    assert not (tmp_path / "escape.jpg").exists()
    assert not list((instance / "images" / "tmp").glob("spool-*"))  # spool removed


def test_zip_bombs_are_refused(tmp_path, instance):
    # One member that inflates 200 MiB of zeros from a few hundred KB.
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("01.jpg", GOOD)
        with zf.open("02-bomb.jpg", "w", force_zip64=True) as f:
            block = bytes(1024 * 1024)
            for _ in range(200):
                f.write(block)
    result = load_photo_gallery(z, instance=instance, jobs=1)
    [err] = result.errors
    assert err.source == f"{z}:02-bomb.jpg"
    assert "unpacks to 209,715,200 bytes" in err.message
    assert result.gallery is not None and len(result.gallery.items) == 1

    # The same file under a limit it passes on size: the compression ratio gives it away.
    result = load_photo_gallery(z, instance=instance, jobs=1,
                                limits=ZipLimits(max_member_bytes=300 * 1024 * 1024))
    assert "refused as a zip bomb" in result.errors[0].message

    # Too much in all, or too many files: the whole zip is refused before anything is read.
    result = load_photo_gallery(z, instance=instance, limits=ZipLimits(max_total_bytes=10**6))
    assert result.gallery is None
    assert "the zip unpacks to 209,7" in result.errors[0].message and "zip bomb" in str(
        result.errors[0])
    many = make_zip(tmp_path / "many.zip", {f"{n}.jpg": GOOD for n in range(5)})
    result = load_photo_gallery(many, instance=instance, limits=ZipLimits(max_members=4))
    assert result.gallery is None
    assert result.errors[0].message == "the zip holds 5 files; the limit is 4 (a zip bomb?)"


def test_a_file_that_is_not_a_zip_gets_a_clear_message(tmp_path, reader):
    fake = tmp_path / "photos.zip"
    fake.write_text("not a zip at all")
    res = reader("import", fake)
    assert res.exit_code == 1
    assert res.stderr.strip().endswith(f"{fake}: not a readable zip archive "
                                       "(File is not a zip file)")


def test_a_zip_whose_declared_sizes_lie_is_caught_as_it_is_read(tmp_path, instance):
    z = make_zip(tmp_path / "liar.zip", {"01.jpg": GOOD, "02.jpg": GOOD})
    data = bytearray(z.read_bytes())
    # Declare 02.jpg as 100 bytes long in its local header and in the central directory.
    local = data.index(b"PK\x03\x04", data.index(b"PK\x03\x04") + 4)
    data[local + 22:local + 26] = (100).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    z.write_bytes(bytes(data))
    result = load_photo_gallery(z, instance=instance, jobs=1)
    [err] = result.errors
    assert err.source == f"{z}:02.jpg"
    # zipfile stops at the declared size, so the CRC no longer matches: refused, not truncated
    assert err.message.startswith("is damaged inside the zip (Bad CRC-32")
    assert [i.name for i in result.images] == ["01.jpg"]
