"""One photo file in, a stored photo out (or one clear error): and many at once, in a pool.

`process_photo` is what each worker runs: read the bytes, check the type and size, open safely,
read the words (metadata), decode once (draft mode), keep the original (content-addressed), and
write the derivatives. It never raises for a bad file: it returns a :class:`PhotoOutcome` with
the message. `process_many` runs it over a list in a process pool, reporting progress.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from reader.images.derivatives import derivative_widths, draft_size, read_manifest, render_all
from reader.images.metadata import PhotoText, read_photo_text
from reader.images.opening import MAX_FILE_BYTES, PhotoError, decode, open_photo, to_srgb
from reader.images.storage import ImageStore, content_key
from reader.media import MediaFull, adopt_media, media_for, opened_media


@dataclass
class PhotoTask:
    path: str  # the file to read (a folder's file, or a zip member spooled to disk)
    name: str  # what people call it in messages: "gallery/03.jpg", "photos.zip:03.jpg"
    instance: str
    lang: str | None = None


@dataclass
class PhotoOutcome:
    name: str
    key: str | None = None
    format: str | None = None
    width: int = 0
    height: int = 0
    size: int = 0
    text: PhotoText = field(default_factory=PhotoText)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    full: bool = False  # refused for want of disk space, not for the file: the import stops

    @property
    def ok(self) -> bool:
        return self.error is None


def process_photo(task: PhotoTask) -> PhotoOutcome:
    """Everything for one file; a bad file gives an outcome with ``error`` set."""
    out = PhotoOutcome(task.name)
    try:
        _process(task, out)
    except PhotoError as e:
        out.error = e.message
    except MediaFull as e:
        out.error, out.full = e.message, True
    except MemoryError:
        out.error = "ran out of memory while decoding it; skipped"
    except Exception as e:  # a Pillow plugin's unforeseen failure must not stop the gallery
        out.error = f"could not be processed ({type(e).__name__}: {e}); skipped"
    return out


def _process(task: PhotoTask, out: PhotoOutcome) -> None:
    path = Path(task.path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PhotoError(f"is {size:,} bytes; a photo may be at most {MAX_FILE_BYTES:,}")
    data = path.read_bytes()
    _process_bytes(data, task.name, ImageStore(task.instance), task.lang, out)


def rebuild(store: ImageStore, key: str) -> bool:
    """Make a stored photo's derivatives again from its kept original (after the cache quota
    evicted some); False when the original is not in the store."""
    data = store.original(key)
    if data is None:
        return False
    store.media.delete(store.manifest_name(key))  # the set is not whole any more
    out = PhotoOutcome(key)
    try:
        _process_bytes(data, key, store, None, out)
    except PhotoError:
        return False
    return True


def _process_bytes(data: bytes, name: str, store: ImageStore, lang: str | None,
                   out: PhotoOutcome) -> None:
    from PIL import ImageOps

    out.size = len(data)
    out.key = content_key(data)
    im = open_photo(data, name, out.notes)
    out.format = im.format
    out.text = read_photo_text(im, lang)
    out.notes.extend(out.text.problems)

    exif = im.getexif()
    orientation = exif.get(0x0112)
    w, h = im.size
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    out.width, out.height = w, h

    manifest = read_manifest(store, out.key)
    if manifest and manifest.get("width") == w and manifest.get("height") == h:
        store.put_original(out.key, data)  # derivatives are there; make sure the original is
        return
    target = derivative_widths(w)[-1]
    if im.format == "JPEG" and target < w:
        im.draft(None, draft_size(im.size, orientation, target))
    decode(im, name)
    icc = im.info.get("icc_profile")
    try:
        im = ImageOps.exif_transpose(im)
    except Exception:  # a malformed EXIF block: keep the pixels as stored
        out.notes.append("its EXIF orientation could not be read; shown as stored")
    im = to_srgb(im, icc, out.notes)
    store.put_original(out.key, data)
    render_all(im, w, h, store, out.key)


Progress = Callable[[int], None]


def process_many(tasks: list[PhotoTask], jobs: int | None = None,
                 progress: Progress | None = None) -> list[PhotoOutcome]:
    """Outcomes in the order of ``tasks``; ``jobs`` worker processes (default: one per core)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    results: list[PhotoOutcome | None] = [None] * len(tasks)
    if jobs == 1:
        for i, task in enumerate(tasks):
            results[i] = process_photo(task)
            if progress:
                progress(1)
    else:
        # spawn, not fork: a clean worker whatever threads the parent (a web server) runs.
        # The workers use the parent's media stores (the same quota index, in its database).
        instances = {t.instance for t in tasks}
        for instance in instances:
            media_for(instance)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"),
                                 initializer=adopt_media,
                                 initargs=(opened_media(instances),)) as pool:
            futures = {pool.submit(process_photo, t): i for i, t in enumerate(tasks)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as e:  # a worker killed (out of memory, a crash in C)
                    results[i] = PhotoOutcome(tasks[i].name,
                                              error=f"its worker process failed ({e}); skipped")
                if progress:
                    progress(1)
    return [r for r in results if r is not None]
