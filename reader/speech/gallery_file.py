"""The whole-gallery MP3, streamed as it is assembled, in bounded memory, for any number of
photos (no Flask here).

The file is an ID3v2.4 tag with a chapter (CHAP) per part, then a Xing/LAME "Info" frame,
then one LAME stream of every part's samples end to end (no encoder delay or padding
*between* parts). Both headers need only the parts' lengths and the silence at their ends,
which `plan` reads from the first bytes of each part's FLAC (its header and comment): so the
first bytes go out before any part is encoded, and then the parts are read, joined and
encoded one at a time (memory: one part, whatever the number of photos). A part is a
`Source`: where its FLAC is (a media store's name, a bucket's object or a local file) is the
caller's business, so the same code streams from the instance folder and from S3.

- Pacing: the silence between one part's last word and the next one's first is made up to
  0.8 s (`pacing.BETWEEN_PHOTOS`); a chapter ends where the next begins, the pause included.
- Loudness: every part is already at −16 LUFS with true peaks under −1 dBTP (the service
  shapes every clip), and the pauses between them are below BS.1770's −70 LUFS gate, so the
  joined file is at −16 LUFS too without a second pass over the whole.
- The chapter table: a CTOC lists at most 255 entries (its count is one byte). Up to 255
  parts, one top-level table lists every chapter; beyond that, the top-level table lists
  sub-tables of `PER_TABLE` chapters each ("Photos 1–100", …), as the ID3v2 Chapter Frame
  Addendum (section 3.2) allows: ordered, nested tables.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reader.speech.audio import Mp3Stream, flac_header, info_frame, predicted_size, read_flac
from reader.speech.pacing import BETWEEN_PHOTOS, edge_silences

#: Bump when the joined file's layout changes, so cached copies are remade.
GALLERY_FILE_VERSION = "3"  # 2: 0.8 s between parts, −16 LUFS; 3: streamed, nested tables
PER_TABLE = 100  # chapters per sub-table when there are more than one table can list
MAX_ENTRIES = 255  # a CTOC's entry count is one byte


def gallery_key(content: object) -> str:
    """The cache key of the joined file: everything its parts are made of (any JSON-able
    value: the gallery's words, the speech settings, the engine's version…), so that a
    cached file is found without working out every part's script."""
    blob = json.dumps(["gallery-mp3", GALLERY_FILE_VERSION, content], ensure_ascii=False,
                      default=repr)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int


HEAD_BYTES = 4096  # a clip's FLAC metadata (STREAMINFO and its comment) fits in these
MEASURE_THREADS = 8  # parts measured at once from a bucket (each read is a round trip)


@dataclass(frozen=True)
class Source:
    """One part's FLAC: ``head(n)`` gives its first ``n`` bytes, ``load()`` all of it."""

    title: str
    name: str  # for messages
    head: Callable[[int], bytes]
    load: Callable[[], bytes]


def file_source(title: str, path: str | Path) -> Source:
    """A part whose FLAC is a file on this machine (the benches and tests)."""
    path = Path(path)

    def head(n: int) -> bytes:
        with open(path, "rb") as f:
            return f.read(n)

    return Source(title, path.name, head, path.read_bytes)


@dataclass(frozen=True)
class PartAudio:
    """What the headers need of one part: its length and the silence at its ends."""

    source: Source
    frames: int
    rate: int
    head: float  # seconds of silence at the start (at most BETWEEN_PHOTOS and a sample)
    tail: float  # … and at the end

    @property
    def title(self) -> str:
        return self.source.title


EDGES = "reader-edges"  # the FLAC comment: samples of silence at the start and the end


def edges_comment(samples: bytes, rate: int) -> str:
    """What `measure` needs to know of a clip without decoding it, for its FLAC's comment
    (written when the clip is made)."""
    head, tail = edge_silences(samples, rate)
    return f"{EDGES} {round(head * rate)} {round(tail * rate)}"


def measure(source: Source) -> PartAudio:
    """A part's length and edges: from its FLAC's metadata (its first few hundred bytes)
    when the comment is there, else from its samples."""
    rate, frames, comments = flac_header(source.head(HEAD_BYTES))
    for c in comments:
        words = c.partition("=")[2].split()
        if len(words) == 3 and words[0] == EDGES:
            return PartAudio(source, frames, rate, int(words[1]) / rate, int(words[2]) / rate)
    samples, rate = _decode(source)
    head, tail = edge_silences(samples, rate)
    return PartAudio(source, len(samples) // 2, rate, head, tail)


def _decode(source: Source) -> tuple[bytes, int]:
    try:
        return read_flac(io.BytesIO(source.load()))
    except ValueError as e:
        raise ValueError(f"{source.name}: {e}") from None


def gap(before: PartAudio, after: PartAudio) -> int:
    """Samples of silence to put between two parts (as `pacing.gap_to_add`)."""
    have = before.tail + after.head
    return max(0, int(round((BETWEEN_PHOTOS - have) * before.rate)))


@dataclass(frozen=True)
class Plan:
    parts: list[PartAudio]
    gaps: list[int]  # samples of silence before each part (0 before the first)
    chapters: list[Chapter]
    rate: int
    samples: int  # in the whole file

    def stream_bytes(self) -> int:
        return predicted_size(self.samples, self.rate)[1]


def plan(parts: Sequence[PartAudio]) -> Plan:
    """Where every part starts and ends in the joined file."""
    if not parts:
        raise ValueError("a gallery file needs at least one part")
    rate = parts[0].rate
    gaps, chapters, at = [], [], 0
    for i, p in enumerate(parts):
        if p.rate != rate:
            raise ValueError(f"{p.source.name}: sample rate {p.rate} Hz, not {rate} Hz")
        g = gap(parts[i - 1], p) if i else 0
        if i:
            at += g
            last = chapters[-1]
            chapters[-1] = Chapter(last.title, last.start_ms, round(at * 1000 / rate))
        gaps.append(g)
        chapters.append(Chapter(p.title, round(at * 1000 / rate),
                                round((at + p.frames) * 1000 / rate)))
        at += p.frames
    return Plan(list(parts), gaps, chapters, rate, at)


def _groups(n: int) -> list[range]:
    if n <= MAX_ENTRIES:
        return [range(n)]
    return [range(i, min(i + PER_TABLE, n)) for i in range(0, n, PER_TABLE)]


def chapter_tag(title: str, artist: str | None, chapters: Sequence[Chapter]) -> bytes:
    """The ID3v2.4 tag: title, album, artist, the chapters and their table(s). A sub-table
    is named by its first and last chapters ("Photo 100 of 2000 – Photo 199 of 2000").

    Written here, frame by frame, as the ID3v2.4 structure and the Chapter Frame Addendum
    lay it out (a few microseconds a chapter, against mutagen's sixty: it is on the way to
    the first byte); read back by mutagen and ffprobe in the tests."""
    ids = [f"ch{i}".encode("ascii") for i in range(len(chapters))]
    groups = _groups(len(chapters))
    if len(groups) > MAX_ENTRIES:
        raise ValueError(f"{len(chapters)} chapters: more than {MAX_ENTRIES * PER_TABLE}")
    frames = [_text_frame(b"TIT2", title), _text_frame(b"TALB", title)]
    if artist:
        frames.append(_text_frame(b"TPE1", artist))
    if len(groups) == 1:
        top = ids
    else:
        top = [f"toc{k}".encode("ascii") for k in range(len(groups))]
        for tid, g in zip(top, groups, strict=True):
            name = f"{chapters[g[0]].title} – {chapters[g[-1]].title}"
            frames.append(_ctoc(tid, _ORDERED, [ids[i] for i in g], name))
    frames.append(_ctoc(b"toc", _TOP_LEVEL | _ORDERED, top, title))
    for cid, ch in zip(ids, chapters, strict=True):
        frames.append(_frame(b"CHAP", cid + b"\0" + struct.pack(
            ">IIII", ch.start_ms, ch.end_ms, 0xFFFFFFFF, 0xFFFFFFFF)
            + _text_frame(b"TIT2", ch.title)))
    body = b"".join(frames)
    return b"ID3\x04\x00\x00" + _syncsafe(len(body)) + body


_TOP_LEVEL, _ORDERED = 0x02, 0x01  # CTOC flags


def _syncsafe(n: int) -> bytes:
    if n >= 1 << 28:
        raise ValueError("an ID3v2 tag holds at most 256 MB")
    return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))


def _frame(frame_id: bytes, data: bytes) -> bytes:
    return frame_id + _syncsafe(len(data)) + b"\0\0" + data


def _text_frame(frame_id: bytes, text: str) -> bytes:
    return _frame(frame_id, b"\x03" + text.encode("utf-8"))  # 3: UTF-8


def _ctoc(element: bytes, flags: int, children: Sequence[bytes], title: str) -> bytes:
    if len(children) > MAX_ENTRIES:
        raise ValueError(f"a chapter table lists at most {MAX_ENTRIES} entries")
    return _frame(b"CTOC", element + b"\0" + bytes((flags, len(children)))
                  + b"".join(c + b"\0" for c in children) + _text_frame(b"TIT2", title))


def header(p: Plan, title: str, artist: str | None) -> bytes:
    """Everything before the audio: the tag, then the Info frame."""
    return chapter_tag(title, artist, p.chapters) + info_frame(p.rate, p.samples)


def audio(p: Plan) -> Iterator[bytes]:
    """The parts' samples joined and encoded, one part at a time."""
    enc = Mp3Stream(p.rate)
    for part, g in zip(p.parts, p.gaps, strict=True):
        samples, rate = _decode(part.source)
        if len(samples) // 2 != part.frames or rate != p.rate:
            raise ValueError(f"{part.source.name} changed while the gallery file was made")
        chunk = enc.encode(b"\x00\x00" * g + samples)
        del samples
        if chunk:
            yield chunk
    yield enc.flush()


def size(p: Plan, head: bytes) -> int:
    """The whole file's size in bytes, known before it is encoded."""
    return len(head) + p.stream_bytes()


def measure_all(sources: Sequence[Source], threads: int = 1) -> list[PartAudio]:
    """Every part measured; ``threads`` at once (a bucket's reads wait on the network)."""
    if threads <= 1 or len(sources) < 2 * threads:
        return [measure(s) for s in sources]
    with ThreadPoolExecutor(threads, thread_name_prefix="gallery-measure") as ex:
        return list(ex.map(measure, sources))


def assemble(sources: Callable[[], Sequence[Source]], title: str, artist: str | None,
             started: Callable[[int], None] = lambda size: None,
             threads: int = 1) -> Iterator[bytes]:
    """The whole file, header first: ``sources()`` gives each part's chapter title and FLAC
    (rendering what is missing); ``started(size)`` is told the file's size before the
    first byte; ``threads``: parts measured at once (`measure_all`)."""
    p = plan(measure_all(sources(), threads))
    head = header(p, title, artist)
    started(size(p, head))
    yield head
    yield from audio(p)


def gallery_mp3(title: str, artist: str | None, sources: Sequence[Source | tuple[str, Path]],
                ) -> tuple[bytes, list[Chapter]]:
    """The whole file in memory, and its chapters (the benches and tests; the web streams
    `assemble`). A part may be given as (chapter title, FLAC file)."""
    p = plan(measure_all([s if isinstance(s, Source) else file_source(*s) for s in sources]))
    head = header(p, title, artist)
    return head + b"".join(audio(p)), p.chapters
