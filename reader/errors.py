"""The reader's one error family: everything it reports to people is a `ReaderError`.

The CLI catches `ReaderError` once (reader/cli/__init__.py: one line, exit status 1, never a
traceback); the web maps it once (reader/web/errors.py) to the reader's own error page, or to
JSON under /api/, with the class's ``status``. Each subclass says what kind of trouble it is;
modules raise these (or their own subclasses of them) and never invent a parallel family.

    ReaderError
    ├── InputError        bad input: names the file and line, or the field (400)
    │   └── PhotoError    (reader.images.opening) a photo that cannot be used
    ├── NotFound          no such gallery (404; also a KeyError)
    ├── EditConflict      the gallery changed since the form was made (409)
    ├── ConfigError       a configuration value that cannot be used; names the key
    ├── LibraryError      the library file is empty, damaged or unreadable; names it (503)
    │   └── LibraryFull   (also a DiskFull) no room to write the library (507)
    ├── SpeechError       the speech engine could not do it (503)
    │   ├── EngineUnavailable   no engine on this machine, or it would not start
    │   ├── RenderError         a rendering failed (after its retry)
    │   ├── WorkerDied          the engine's process died or hung mid-job (retried)
    │   └── TextError           nothing that can be spoken (404: there is no audio here)
    ├── ExportError       an export could not be made
    │   └── EpubError
    └── DiskFull          no room on the disk (507): readers are unaffected
        ├── MediaFull     no room to store a media file
        └── LibraryFull   no room to write the library (also a LibraryError)

A full disk is one family wherever it shows: SQLite's SQLITE_FULL ("database or disk is
full"), an `OSError` with errno ENOSPC or EDQUOT (`is_disk_full`), a PostgreSQL server's
``disk_full``. The web maps them once to the reader's own 507 page; the CLI to one line.
"""

from __future__ import annotations

import errno


class ReaderError(Exception):
    """Something the reader tells a person about, in plain words (never a traceback)."""

    status = 500  # the HTTP status the web answers with
    title = "Sorry, something went wrong"  # the error page's heading

    def __init__(self, message: str = ""):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class InputError(ReaderError):
    """Bad input: the message names the source and the line or field at fault.

    Raised by importers and the store; the CLI prints it as one line and exits 1,
    the web layer shows it as a form error. Never a traceback.
    """

    status = 400
    title = "That could not be used"

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 field: str | None = None):
        self.source = source
        self.line = line
        self.field = field
        super().__init__(message)

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.field:
            where = f"{where}: field {self.field!r}" if where else f"field {self.field!r}"
        return f"{where}: {self.message}" if where else self.message


class NotFound(ReaderError, KeyError):
    """No gallery with that slug in the library."""

    status = 404
    title = "Page not found"

    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(f"no gallery {slug!r} in the library")

    def __str__(self) -> str:
        return self.message


class EditConflict(ReaderError):
    """The gallery changed since the form was made; nothing was changed."""

    status = 409
    title = "Someone else changed this gallery"

    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(f"gallery {slug!r} changed since this page was made; nothing was "
                         "changed")


class ConfigError(ReaderError):
    """A configuration value that cannot be used; the message names the key."""

    def __init__(self, message: str, *, key: str | None = None, origin: str | None = None):
        self.key = key
        self.origin = origin
        where = f"{origin}: " if origin else ""
        super().__init__(f"configuration {where}{key}: {message}" if key else message)


class LibraryError(ReaderError):
    """The library (its file) cannot be used: empty, damaged, unreadable or read-only.
    The message names the file and says what to do; it is never silently replaced."""

    status = 503
    title = "The library cannot be read"

    def __init__(self, message: str, path=None):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class StoreUnavailable(ReaderError):
    """The library's database server cannot be reached (PostgreSQL down, wrong URL)."""

    status = 503
    title = "The library is unavailable"


class SpeechError(ReaderError, RuntimeError):
    """The speech engine could not do what was asked."""

    status = 503
    title = "Audio is unavailable"


class EngineUnavailable(SpeechError):
    """No speech engine on this machine, or it would not start."""


class RenderError(SpeechError):
    """The engine failed to render (after its retry)."""


class WorkerDied(SpeechError):
    """The engine's process died or hung mid-job (the pool retries once)."""


class TextError(SpeechError, ValueError):
    """The text cannot be spoken (nothing to say, or too long)."""

    status = 404
    title = "There is no audio here"


class ExportError(ReaderError):
    """An export could not be made."""


class EpubError(ExportError):
    """The EPUB could not be made."""


class DiskFull(ReaderError):
    """No room on the disk for a write: nothing half-written is left, and everything already
    stored is still read and served."""

    status = 507
    title = "No room to save this now"


class MediaFull(DiskFull):
    """No room to store a file: the disk is (nearly) full. Nothing half-written is left;
    everything already stored is still served."""

    title = "No room to make this now"


FULL_ADVICE = "the disk is full: free some space (nothing was written; reading still works)"


class LibraryFull(DiskFull, LibraryError):
    """No room to write the library (its file, journal or log): the write was refused or
    rolled back whole; the library still reads."""

    status = 507
    title = "No room to save this now"


FULL_ERRNOS = frozenset(filter(None, (errno.ENOSPC, getattr(errno, "EDQUOT", None))))


def is_disk_full(e: BaseException) -> bool:
    """An `OSError` saying the disk (or the user's quota) has no room left."""
    return isinstance(e, OSError) and e.errno in FULL_ERRNOS
