"""An EPUB 3 talking book of one gallery, with Media Overlays (no Flask here).

What is in it:

- ``EPUB/title.xhtml``: the title, date, standfirst and body; then one XHTML document per
  photo (``photo-NNN.xhtml``) with the photo (the reader's own 960 px JPEG derivative, no
  metadata), its alt text, and its caption and credit as text;
- ``EPUB/nav.xhtml``: the table of contents, one entry per photo (after the title page);
- per photo with speech: ``audio/photo-NNN.mp3`` (the speech service's own MP3, from its
  cache) and ``photo-NNN.smil``, a Media Overlay pairing each spoken piece with its text:
  the caption sentence by sentence when its sentences match the spoken ones (else the whole
  caption), then the credit (and the description when it is spoken). Times come from the
  sentence cues the speech service timed from the engine's own word positions, the last one
  ending at the audio's exact length (its WAV's frame count);
- ``media:duration`` for each overlay and their sum, ``media:active-class`` with a CSS rule
  that highlights the text being read;
- schema.org accessibility metadata, worked out from what this book really holds.

Built with the standard library's zipfile (``mimetype`` first and stored): the package
document's metadata (refinements, accessibility, overlays) is written exactly as EPUB 3.3
asks, which general EPUB libraries do not offer for Media Overlays.
"""

from __future__ import annotations

import os
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reader.errors import EpubError
from reader.export.epub_a11y import accessibility
from reader.export.epub_timing import (  # noqa: F401  (read_cues: part of this module's face)
    Clip,
    _ms,
    clock,
    display_sentences,
    overlay_clips,
    read_cues,
)
from reader.i18n import gettext, text_direction, ui_lang
from reader.images.derivatives import derivative_widths, scaled_height
from reader.images.storage import ImageStore
from reader.model import Gallery, Item, StoredImage
from reader.speech.script import SpeechSettings, script_parts

ACTIVE_CLASS = "-epub-media-overlay-active"
IMAGE_WIDTH = 960  # the derivative used: sharp on a tablet, small enough for a phone
NAMESPACE = uuid.UUID("0f6b5a52-3c1e-4f0e-9a55-6a7f0e2f4d11")  # for stable identifiers
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # the same bytes for the same book

CSS = f"""\
body {{ font-family: serif; line-height: 1.5; margin: 0 4%; }}
h1 {{ font-size: 1.4em; line-height: 1.25; }}
figure {{ margin: 1em 0; }}
img {{ display: block; max-width: 100%; height: auto; }}
.caption {{ margin: 0.75em 0 0.25em; }}
.credit {{ font-size: 0.9em; margin: 0; }}
.meta {{ font-style: italic; }}
.no-image {{ border: 2px solid currentColor; padding: 0.5em 1em; }}
.no-image-label {{ font-weight: bold; margin: 0; }}
/* The text being read aloud (Media Overlays): a reading system puts this class on it. */
.{ACTIVE_CLASS} {{ background-color: #ffeb3b; color: #000000; }}
"""


@dataclass
class Chapter:
    item: Item
    name: str  # "photo-001"
    image: StoredImage | None = None
    image_data: bytes | None = None
    image_size: tuple[int, int] | None = None
    audio_data: bytes | None = None
    clips: list[Clip] = field(default_factory=list)

    @property
    def duration_ms(self) -> int:
        return sum(_ms(c.end) - _ms(c.begin) for c in self.clips)


@dataclass
class EpubResult:
    path: Path
    photos: int
    overlays: int
    duration: float  # seconds of audio in all overlays
    audio_note: str | None = None  # why there is no audio, when there is none


# -- markup -------------------------------------------------------------------------------
def x(text: str | None) -> str:
    """Text escaped for XML content and double-quoted attributes."""
    return escape(text or "", {'"': "&quot;"})


def _primary(lang: str) -> str:
    return lang.split("-")[0].lower()


class Book:
    def __init__(self, gallery: Gallery, lang: str):
        self.gallery = gallery
        self.lang = lang
        # The book's own words: "Photo 3 of 13" and "Credit:" from the message catalogs, in
        # the gallery's language where it has one (`ui_t` marks them English otherwise); the
        # rest are English (`ui`).
        english = ' lang="en" xml:lang="en" dir="ltr"'
        self.ui = "" if _primary(lang) == "en" else english
        self.ui_t = "" if ui_lang(lang) == _primary(lang) else english

        self.dir = text_direction(lang)

    def t(self, message: str, **values) -> str:
        return x(gettext(self.lang, message, **values))

    def page(self, title: str, body: str, epub_ns: bool = False) -> bytes:
        ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if epub_ns else ""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml"{ns} lang="{x(self.lang)}" '
            f'xml:lang="{x(self.lang)}" dir="{self.dir}">\n<head>\n<meta charset="utf-8"/>\n'
            f"<title>{x(title)}</title>\n"
            '<link rel="stylesheet" type="text/css" href="book.css"/>\n</head>\n'
            f"<body>\n{body}\n</body>\n</html>\n").encode()

    def title_page(self, total: int, has_audio: bool) -> bytes:
        g = self.gallery
        lines = [f"<h1>{x(g.title)}</h1>"]
        meta = []
        if g.date:
            meta.append(f'Published <time datetime="{x(g.date)}">{x(g.published or g.date)}'
                        "</time>.")
        meta.append(f"{total} {'photo' if total == 1 else 'photos'}.")
        lines.append(f'<p class="meta"{self.ui}>{" ".join(meta)}</p>')
        if g.standfirst:
            lines.append(f'<p class="standfirst">{x(g.standfirst)}</p>')
        lines += [f"<p>{x(p)}</p>" for p in g.body]
        about = ("Each photo follows on its own page: the photo with its description as "
                 "alternative text, then its caption and the photographer’s credit.")
        if has_audio:
            about += (" The caption and credit are also spoken, and reading apps that "
                      "support read-aloud (Media Overlays) highlight the words as they play.")
        lines.append(f'<p class="about"{self.ui}>{about}</p>')
        return self.page(g.title, "\n".join(lines))

    def photo_page(self, ch: Chapter, total: int) -> tuple[bytes, dict[str, str]]:
        """The photo's document and the element ids the overlay may point at."""
        item, n = ch.item, ch.item.position
        ids = {"all": f"photo-{n}", "caption": f"p{n}-caption", "credit": f"p{n}-credit"}
        out = [f'<section id="photo-{n}" aria-labelledby="p{n}-heading">',
               f'<h1 id="p{n}-heading"{self.ui_t}>'
               f'{self.t("Photo %(n)s of %(total)s", n=n, total=total)}</h1>',
               "<figure>"]
        if ch.image_data is not None:
            alt = item.alt if item.alt and item.alt != item.caption else ""
            w, h = ch.image_size
            ids["description"] = f"p{n}-image"
            out.append(f'<img id="p{n}-image" src="images/{ch.name}.jpg" width="{w}" '
                       f'height="{h}" alt="{x(alt)}"/>')
        else:
            label = "Photo description" if item.alt else "No description"
            out.append('<div class="no-image">')
            out.append(f'<p class="no-image-label"{self.ui}>{label} (no image available)</p>')
            if item.alt:
                ids["description"] = f"p{n}-description"
                out.append(f'<p id="p{n}-description">{x(item.alt)}</p>')
            else:
                out.append(f"<p{self.ui}>The source gives no description of this photo; "
                           "its caption follows.</p>")
            out.append("</div>")
        shown = display_sentences(item.caption)
        if len(shown) > 1:
            ids["caption-count"] = str(len(shown))
            spans = []
            for k, s in enumerate(shown, start=1):
                ids[f"caption-{k}"] = f"p{n}-caption-{k}"
                spans.append(f'<span id="p{n}-caption-{k}">{x(s)}</span>')
            caption = " ".join(spans)
        else:
            caption = x(item.caption)
        out.append(f'<figcaption>\n<p class="caption" id="p{n}-caption">{caption}</p>')
        if item.credit:
            out.append(f'<p class="credit" id="p{n}-credit"><span{self.ui_t}>'
                       f'{self.t("Credit:")}</span> {x(item.credit)}</p>')
        out += ["</figcaption>", "</figure>", "</section>"]
        heading = gettext(self.lang, "Photo %(n)s of %(total)s", n=n, total=total)
        return self.page(f"{heading} – {self.gallery.title}", "\n".join(out)), ids

    def nav(self, chapters: list[Chapter], total: int) -> bytes:
        entries = [f'<li><a href="title.xhtml">{x(self.gallery.title)}</a></li>']
        for ch in chapters:
            n = ch.item.position
            entries.append(f'<li><a href="{ch.name}.xhtml"><span{self.ui_t}>'
                           f'{self.t("Photo %(n)s of %(total)s", n=n, total=total)}:</span> '
                           f"{x(_short(ch.item.caption))}</a></li>")
        body = ('<nav epub:type="toc" id="toc" role="doc-toc">\n'
                f'<h1{self.ui}>Contents</h1>\n<ol>\n' + "\n".join(entries) + "\n</ol>\n</nav>\n"
                '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n'
                f'<h2{self.ui}>Landmarks</h2>\n<ol>\n'
                '<li><a epub:type="bodymatter" href="title.xhtml">'
                f"{x(self.gallery.title)}</a></li>\n</ol>\n</nav>")
        return self.page(f"Contents – {self.gallery.title}", body, epub_ns=True)


def _short(caption: str, limit: int = 80) -> str:
    if len(caption) <= limit:
        return caption
    cut = caption[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


def smil(ch: Chapter) -> bytes:
    pars = []
    for k, c in enumerate(ch.clips, start=1):
        pars.append(f'<par id="{ch.name}-par{k}"><text src="{ch.name}.xhtml#{c.fragment}"/>'
                    f'<audio src="audio/{ch.name}.mp3" clipBegin="{clock(_ms(c.begin))}" '
                    f'clipEnd="{clock(_ms(c.end))}"/></par>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<smil xmlns="http://www.w3.org/ns/SMIL" '
            'xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n<body>\n'
            f'<seq id="{ch.name}-seq" epub:textref="{ch.name}.xhtml">\n'
            + "\n".join(pars) + "\n</seq>\n</body>\n</smil>\n").encode("utf-8")


def package(book: Book, chapters: list[Chapter], has_audio: bool, modified: str) -> bytes:
    g = book.gallery
    ident = uuid.uuid5(NAMESPACE, f"{g.slug}|{g.source or ''}|{g.title}")
    meta = [f'<dc:identifier id="pub-id">urn:uuid:{ident}</dc:identifier>',
            f"<dc:title>{x(g.title)}</dc:title>",
            f"<dc:language>{x(book.lang)}</dc:language>",
            f'<meta property="dcterms:modified">{modified}</meta>']
    if g.date:
        meta.append(f"<dc:date>{x(g.date)}</dc:date>")
    if g.standfirst:
        meta.append(f"<dc:description>{x(g.standfirst)}</dc:description>")
    meta.append("<dc:publisher>Gallery reader</dc:publisher>")
    meta += [f'<meta property="{p}">{x(v)}</meta>' for p, v in accessibility(chapters,
                                                                            has_audio)]
    manifest = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
                'properties="nav"/>',
                '<item id="css" href="book.css" media-type="text/css"/>',
                '<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>']
    spine = ['<itemref idref="title"/>']
    total_ms = 0
    for ch in chapters:
        overlay = f' media-overlay="{ch.name}-mo"' if ch.clips else ""
        manifest.append(f'<item id="{ch.name}" href="{ch.name}.xhtml" '
                        f'media-type="application/xhtml+xml"{overlay}/>')
        if ch.image_data is not None:
            manifest.append(f'<item id="{ch.name}-img" href="images/{ch.name}.jpg" '
                            'media-type="image/jpeg"/>')
        if ch.clips:
            manifest.append(f'<item id="{ch.name}-mo" href="{ch.name}.smil" '
                            'media-type="application/smil+xml"/>')
            manifest.append(f'<item id="{ch.name}-audio" href="audio/{ch.name}.mp3" '
                            'media-type="audio/mpeg"/>')
            meta.append(f'<meta property="media:duration" refines="#{ch.name}-mo">'
                        f"{clock(ch.duration_ms)}</meta>")
            total_ms += ch.duration_ms
        spine.append(f'<itemref idref="{ch.name}"/>')
    if has_audio:
        meta.append(f'<meta property="media:duration">{clock(total_ms)}</meta>')
        meta.append(f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            f'unique-identifier="pub-id" xml:lang="{x(book.lang)}">\n'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' + "\n".join(meta)
            + "\n</metadata>\n<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n"
            f'<spine page-progression-direction="{book.dir}">\n' + "\n".join(spine)
            + "\n</spine>\n</package>\n").encode("utf-8")


CONTAINER = b"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""


# -- building -----------------------------------------------------------------------------
def _image(store: ImageStore, record: StoredImage) -> tuple[bytes, tuple[int, int]]:
    """The photo's JPEG derivative (made again from the original if it went missing)."""
    from reader.images.pipeline import rebuild

    widths = derivative_widths(record.width)
    w = max([v for v in widths if v <= IMAGE_WIDTH] or widths[:1])
    name = store.derived_name(record.key, f"{w}.jpg")
    for _attempt in range(3):  # a busy cache's quota may evict it again before it is read
        try:
            return store.media.get(name), (w, scaled_height(record.width, record.height, w))
        except FileNotFoundError:
            if not rebuild(store, record.key):
                break
    raise EpubError(f"photo {record.name or record.key}: its image file is missing and "
                    "its original is not in the library")


def build_epub(gallery: Gallery, images: dict[str, StoredImage], instance: str | Path,
               out: str | Path, speech=None, settings: SpeechSettings | None = None,
               modified: datetime | None = None, progress=None) -> EpubResult:
    """Write ``gallery`` as an EPUB 3 to ``out`` (written whole, then renamed into place).

    ``images``: the library's records of the gallery's photos; ``speech``: a
    `reader.speech.service.Speech` (None or one without an engine: a book without audio);
    ``progress(done, total)``: called after each photo.
    """
    settings = settings or SpeechSettings()
    lang = gallery.lang or "en"
    book = Book(gallery, lang)
    store = ImageStore(instance)
    total = len(gallery.items)
    audio_note = None
    if speech is not None and not speech.available():
        audio_note = f"no speech engine ({speech.unavailable_reason or 'unavailable'})"
        speech = None
    elif speech is None:
        audio_note = "no speech service given"
    chapters = []
    for item in gallery.items:
        ch = Chapter(item, f"photo-{item.position:03d}")
        record = images.get(item.image) if item.image else None
        if record is not None:
            ch.image = record
            ch.image_data, ch.image_size = _image(store, record)
        chapters.append(ch)
    documents = {}
    for ch in chapters:
        documents[ch.name], ids = book.photo_page(ch, total)
        parts = speech and script_parts(ch.item, settings, speech.lexicon(), gallery.lang,
                                        speech.describes(gallery, ch.item, settings))
        if not parts:
            if progress is not None:
                progress(len(documents), total)
            continue
        u = speech.utterance(gallery, ch.item, settings)
        ch.audio_data = speech.read(u, "mp3")
        length = speech.seconds(u)
        cues = read_cues(speech.read(u, "vtt").decode("utf-8"))
        ids.setdefault("description", ids["all"])
        ch.clips = overlay_clips(ch.item, parts, cues, length, ids)
        if progress is not None:
            progress(len(documents), total)
    has_audio = any(ch.clips for ch in chapters)
    stamp = (modified or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as z:
            def put(name: str, data: bytes, compress: bool = True) -> None:
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)

            put("mimetype", b"application/epub+zip", compress=False)  # first, stored
            put("META-INF/container.xml", CONTAINER)
            put("EPUB/package.opf", package(book, chapters, has_audio, stamp))
            put("EPUB/nav.xhtml", book.nav(chapters, total))
            put("EPUB/book.css", CSS.encode("utf-8"))
            put("EPUB/title.xhtml", book.title_page(total, has_audio))
            for ch in chapters:
                put(f"EPUB/{ch.name}.xhtml", documents[ch.name])
                if ch.image_data is not None:
                    put(f"EPUB/images/{ch.name}.jpg", ch.image_data, False)
                if ch.clips:
                    put(f"EPUB/{ch.name}.smil", smil(ch))
                    put(f"EPUB/audio/{ch.name}.mp3", ch.audio_data, False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return EpubResult(out, total, sum(1 for ch in chapters if ch.clips),
                      sum(ch.duration_ms for ch in chapters) / 1000, audio_note)


def export_epub(library, instance: str | Path, slug: str, out: str | Path, speech=None,
                settings: SpeechSettings | None = None, progress=None) -> EpubResult:
    """The book of the gallery ``slug`` in ``library`` (a `reader.store.Store`); raises
    `reader.errors.NotFound` for an unknown slug."""
    gallery = library.get(slug)
    images = library.images(it.image for it in gallery.items if it.image)
    return build_epub(gallery, images, instance, out, speech, settings, progress=progress)
