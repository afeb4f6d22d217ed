"""Errors the reader reports to people: always a file (or field) and, where known, a line."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: the message names the source and the line or field at fault.

    Raised by importers and the store; the CLI prints it as one line and exits 1,
    the web layer shows it as a form error. Never a traceback.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 field: str | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.field:
            where = f"{where}: field {self.field!r}" if where else f"field {self.field!r}"
        return f"{where}: {self.message}" if where else self.message


class NotFound(KeyError):
    """No gallery with that slug in the library."""

    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(slug)

    def __str__(self) -> str:
        return f"no gallery {self.slug!r} in the library"
