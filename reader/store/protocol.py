"""The one door to the data: what every store implementation offers (a typed `Protocol`).

Everything above the store (importers' callers, editing, accounts, the throttle, search, the
web layer and the CLI) talks to a `Store` and never to a database driver. `reader.store.sqlite`
is the embedded implementation (one SQLite file); another database implements the same methods
and passes the same conformance suite (`tests/store/`).

Transactions: every method is atomic on its own. ``with store.transaction():`` makes every
call the same thread makes inside the block one transaction, committed when the block ends and
rolled back if it raises; a block inside a block joins it. Transactions are serialised
against each other: a read inside the block sees no other transaction's change before the
block ends, and no other transaction commits a change in between (this is what makes the
editors' compare-and-set saves safe, `reader.editing`). SQLite gets this from
``BEGIN IMMEDIATE``; a server database must take an equivalent lock when the block starts
(e.g. PostgreSQL: ``pg_advisory_xact_lock`` on one key, or SERIALIZABLE with a retry), and
hold one connection per thread for the block's length.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

from reader.errors import InputError
from reader.media.quota import MediaIndex
from reader.model import Gallery, StoredImage
from reader.paging import Pager


@dataclass(frozen=True)
class Summary:
    """A gallery as the library page lists it."""

    slug: str
    title: str
    date: str | None
    item_count: int
    lang: str
    section: str | None


@dataclass(frozen=True)
class LibraryPage:
    """One page of the library listing, newest first, with the filters that made it."""

    galleries: list[Summary]
    pager: Pager
    section: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class User:
    """An editor's account (the password hash is never part of it)."""

    id: int
    name: str
    session_stamp: str
    created_at: str


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without diacritics, as `unicode61 remove_diacritics 2` compares words."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class SearchTerm:
    """One query word, folded (lower case, no diacritics); ``prefix`` if it also matches
    longer words."""

    folded: str
    prefix: bool

    def matches(self, folded_word: str) -> bool:
        return folded_word.startswith(self.folded) if self.prefix else folded_word == self.folded


@dataclass(frozen=True)
class SearchRow:
    """One photo that matched a search: its texts and its gallery's."""

    slug: str
    position: int
    total: int  # photos in its gallery
    gallery_title: str
    standfirst: str | None  # only on a gallery's first photo
    caption: str
    alt: str | None
    credit: str | None
    lang: str
    date: str | None


@dataclass(frozen=True)
class SearchPage:
    total: int  # the photos that match, counted up to the window (never more)
    rows: list[SearchRow]  # best first
    more: bool = False  # more than the window match (they were not all counted)


@runtime_checkable
class Store(Protocol):
    """Galleries, items, images, the lexicon, accounts, the sign-in throttle and search."""

    # -- the store itself ------------------------------------------------------------------
    def migrate(self) -> int:
        """Bring the schema up to date; returns its version."""

    def where(self) -> str:
        """Where the library lives, for people (a file, a database)."""

    def transaction(self) -> AbstractContextManager[Store]:
        """Every call of this thread inside the block is one transaction (see module doc)."""

    def check(self, full: bool = False) -> list[str]:
        """What is damaged in the stored library, in words (empty when whole): a quick check
        at server start, a full one (``full``) for `reader check`. A database that checks
        itself may return []. Opening a damaged or empty library raises
        `reader.errors.LibraryError` naming it; it is never replaced."""

    # -- galleries and their items ---------------------------------------------------------
    def is_empty(self) -> bool: ...
    def list(self) -> list[Summary]: ...
    def list_page(self, page: int = 1, per_page: int = 20, *, section: str | None = None,
                  year: int | None = None) -> LibraryPage: ...
    def sections(self) -> list[str]: ...
    def years(self) -> list[int]: ...
    def get(self, slug: str) -> Gallery:
        """The gallery; raises `reader.errors.NotFound`."""

    def get_photo(self, slug: str, position: int) -> tuple[Gallery, int]:
        """The gallery with only photo ``position`` in its ``items`` (empty when there is no
        such photo) and how many photos it has: what a single-photo page needs, at a cost
        that does not grow with the gallery. Raises `reader.errors.NotFound`."""

    def save(self, gallery: Gallery, images: Sequence[StoredImage] = ()) -> Gallery:
        """Store a gallery whole, replacing the one with the same source (or slug); sets
        ``gallery.slug``: a new gallery's is its title's slug, or, when that is taken,
        ``slug-N`` one past the highest N taken (found in one query). Raises `InputError` for
        a gallery that cannot be stored (`check_gallery`: e.g. over `MAX_PHOTOS` photos)."""

    def save_many(self, galleries: Iterable[Gallery], batch_size: int = 200
                  ) -> Iterator[tuple[Gallery, InputError | None]]:
        """Store many galleries, each visible whole or not at all, in transactions short
        enough that an editor's save never waits for long (SQLite: a big gallery is
        written in chunks, `reader.store.sqlite_bulk`); a bad one is reported (with its
        error) and the rest stored."""

    def delete(self, slug: str) -> None:
        """Raises `reader.errors.NotFound`."""

    # -- images ----------------------------------------------------------------------------
    def images(self, keys: Iterable[str]) -> dict[str, StoredImage]: ...

    # -- the pronunciation lexicon ---------------------------------------------------------
    # Each entry has a kind: "substitute", "spell", "phonemes" or "language" (schema 7).
    def lexicon(self) -> dict[str, str]: ...  # word → spoken, every kind
    def lexicon_entries(self) -> dict[str, tuple[str, str]]: ...  # word → (spoken, kind)
    def set_pronunciation(self, word: str, spoken: str, kind: str = "substitute") -> None: ...
    def remove_pronunciation(self, word: str) -> bool: ...

    # -- whether descriptions are spoken: '' → the gallery's choice, else a description's key
    def describe_choices(self, slug: str) -> dict[str, bool]: ...
    def set_describe(self, slug: str, alt_key: str, speak: bool | None) -> None: ...

    # -- accounts --------------------------------------------------------------------------
    def add_user(self, name: str, password_hash: str, session_stamp: str,
                 created_at: str) -> User | None:
        """The new user, or None if the name (compared without case) is taken."""

    def user(self, user_id: int) -> User | None: ...
    def user_by_name(self, name: str) -> tuple[User, str] | None:
        """The user and their password hash."""

    def users(self) -> list[User]: ...
    def set_password_hash(self, name: str, password_hash: str, session_stamp: str) -> bool: ...
    def set_session_stamp(self, user_id: int, session_stamp: str) -> None: ...
    def remove_user(self, name: str) -> bool: ...

    # -- the sign-in throttle --------------------------------------------------------------
    def sign_in_failures(self, key: str) -> int: ...
    def blocked_until(self, keys: Sequence[str]) -> float:
        """The latest time any of ``keys`` is blocked until (0.0 when none is known)."""

    def record_sign_in_failure(self, key: str, failures: int, at: float,
                               blocked_until: float) -> None: ...
    def forget_sign_in_failures(self, before: float) -> None: ...
    def clear_sign_in_failures(self, keys: Sequence[str]) -> None: ...
    def count_sign_in_attempt(self, keys: Sequence[str], now: float, forget_before: float,
                              delay: Callable[[str, int], float]) -> float:
        """Admit or refuse one sign-in attempt, in ONE transaction (the throttle's check and
        count must not be separable, or simultaneous guesses all pass the check):

        1. forget every count whose last failure is before ``forget_before``;
        2. if any of ``keys`` is blocked past ``now``, count nothing and return the latest
           ``blocked_until`` (the attempt is refused);
        3. else count the attempt as a failure under every key: ``failures + 1``,
           ``last_failure = now``, ``blocked_until = now + delay(key, failures + 1)`` (0.0
           when that delay is 0: not blocked, whatever clock a later attempt read);
           return 0.0 (admitted: the caller checks the password, and clears on success)."""

    # -- what several app servers on one store share -------------------------------------
    def secret_key(self) -> bytes | None:
        """The key every app server on this store signs sessions and CSRF tokens with, made
        on first use, the same for all; None for a store on this machine's disk (its instance
        folder keeps the key, `reader.web.security`)."""

    def media_index(self) -> MediaIndex:
        """The media cache's index of sizes and last accesses (`reader.media.quota`), in this
        store's database: one quota and LRU order for every process and server using it."""

    # -- full-text search ------------------------------------------------------------------
    def search(self, terms: Sequence[SearchTerm], limit: int, offset: int,
               window: int) -> SearchPage:
        """Photos matching every term, best first. Counts no further than ``window + 1``: when
        more than ``window`` match, ``total`` is ``window``, ``more`` is true, and only the
        ``window`` most recently stored matches are ranked and paged through."""
