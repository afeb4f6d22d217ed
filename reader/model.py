"""The plain model of a gallery: what every importer produces and every layer reads.

No Flask, no SQL, no speech here: just data.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GalleryWarning:
    """Something an importer noticed but could work around (e.g. a cut-off last caption)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Item:
    """One photo of a gallery, in reading order (position counts from 1)."""

    position: int
    caption: str
    credit: str | None = None
    alt: str | None = None  # the photo's description, as the source wrote it
    image: str | None = None  # key of the stored original, once photos are imported


# The most photos one gallery may hold (every importer, the editor and every store refuse
# more, naming the file): pages, parts and exports are sized for it (see bench/size.py).
MAX_PHOTOS = 2_000


def too_many_photos(count: int, what: str = "photos") -> str | None:
    """The message refusing ``count`` photos, or None when it is within `MAX_PHOTOS`."""
    if count <= MAX_PHOTOS:
        return None
    return (f"it has {count:,} {what}; a gallery may have at most {MAX_PHOTOS:,} "
            "(split it into several galleries)")


@dataclass
class Gallery:
    title: str
    items: list[Item] = field(default_factory=list)
    slug: str | None = None
    section: str | None = None
    date: str | None = None  # ISO "YYYY-MM-DD"
    published: str | None = None  # as written in the source, e.g. "9 Nov 2022"
    standfirst: str | None = None
    body: list[str] = field(default_factory=list)
    lang: str | None = None  # BCP 47; None until given or detected
    source: str | None = None
    warnings: list[GalleryWarning] = field(default_factory=list)

    def renumber(self) -> None:
        """Make positions 1..N in list order (after reordering or deleting)."""
        for n, item in enumerate(self.items, start=1):
            item.position = n


@dataclass(frozen=True)
class StoredImage:
    """A photo file kept in the instance folder: what `Item.image` refers to by its key."""

    key: str  # SHA-256 of the original's bytes
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int  # as displayed (orientation applied)
    height: int
    size: int  # bytes of the original
    name: str | None = None  # the file name it was imported as
    ext_description: str | None = None  # IPTC Extended Description (Accessibility)
