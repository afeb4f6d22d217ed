"""A second implementation of the store interface, in memory: test-only.

It exists to show that `reader.store.Store` is an interface one can implement without
SQLite: the conformance suite (test_conformance.py) runs on it by changing one fixture. It
keeps every rule the interface documents (whole-or-nothing writes, serialised transactions,
slugs, the search's words) with plain Python data and one re-entrant lock.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from reader.errors import InputError, NotFound
from reader.model import Gallery, StoredImage
from reader.paging import Pager
from reader.search import _WORD, fold
from reader.store import (
    LibraryPage,
    SearchPage,
    SearchRow,
    SearchTerm,
    Summary,
    User,
    check_gallery,
    make_slug,
)

WEIGHTS = {"title": 6.0, "standfirst": 2.0, "caption": 3.0, "alt": 1.0, "credit": 4.0}


def _newest(record: dict) -> tuple:
    return (record["gallery"].date or "", record["id"])


class MemoryStore:
    def __init__(self):
        self._lock = threading.RLock()
        self._depth = 0
        self._s = {"galleries": {}, "next_gallery": 1, "next_item": 1, "images": {},
                   "lexicon": {}, "users": {}, "next_user": 1, "failures": {}}

    def migrate(self) -> int:
        return 1

    def where(self) -> str:
        return "memory"

    def check(self, full: bool = False) -> list[str]:
        return []

    def secret_key(self) -> None:
        return None

    def media_index(self) -> MemoryMediaIndex:
        with self._lock:
            if not hasattr(self, "_media_index"):
                self._media_index = MemoryMediaIndex()
            return self._media_index

    @contextmanager
    def transaction(self) -> Iterator[MemoryStore]:
        with self._lock:
            self._depth += 1
            saved = copy.deepcopy(self._s) if self._depth == 1 else None
            try:
                yield self
            except BaseException:
                if saved is not None:
                    self._s = saved
                raise
            finally:
                self._depth -= 1

    # -- galleries -------------------------------------------------------------------------
    def _records(self) -> list[dict]:
        return sorted(self._s["galleries"].values(), key=_newest, reverse=True)

    def _find(self, slug: str) -> dict:
        for r in self._s["galleries"].values():
            if r["gallery"].slug == slug:
                return r
        raise NotFound(slug)

    @staticmethod
    def _summary(r: dict) -> Summary:
        g = r["gallery"]
        return Summary(g.slug, g.title, g.date, len(g.items), g.lang, g.section)

    def is_empty(self) -> bool:
        return not self._s["galleries"]

    def list(self) -> list[Summary]:
        with self.transaction():
            return [self._summary(r) for r in self._records()]

    def list_page(self, page: int = 1, per_page: int = 20, *, section: str | None = None,
                  year: int | None = None) -> LibraryPage:
        with self.transaction():
            rows = [r for r in self._records()
                    if (section is None or r["gallery"].section == section)
                    and (year is None or (r["gallery"].date or "").startswith(f"{year:04d}"))]
        pager = Pager(page, per_page, len(rows))
        shown = rows[pager.offset:pager.offset + per_page] if pager.exists else []
        return LibraryPage([self._summary(r) for r in shown], pager, section, year)

    def sections(self) -> list[str]:
        return sorted({r["gallery"].section for r in self._records() if r["gallery"].section})

    def years(self) -> list[int]:
        return sorted({int(r["gallery"].date[:4]) for r in self._records()
                       if r["gallery"].date and r["gallery"].date[:4].isdigit()}, reverse=True)

    def get(self, slug: str) -> Gallery:
        with self.transaction():
            return copy.deepcopy(self._find(slug)["gallery"])

    def get_photo(self, slug: str, position: int) -> tuple[Gallery, int]:
        with self.transaction():
            g = copy.deepcopy(self._find(slug)["gallery"])
        total = len(g.items)
        g.items = [it for it in g.items if it.position == position]
        return g, total

    def save(self, gallery: Gallery, images: Sequence[StoredImage] = ()) -> Gallery:
        check_gallery(gallery)
        with self.transaction():
            gallery.renumber()
            records = self._s["galleries"]
            existing = next((r for r in records.values() if gallery.source is not None
                             and r["gallery"].source == gallery.source), None)
            if existing is None and gallery.slug is not None:
                existing = next((r for r in records.values()
                                 if r["gallery"].slug == gallery.slug), None)
            if existing is None:
                base = gallery.slug or make_slug(gallery.title)
                taken = {r["gallery"].slug for r in records.values()}
                suffixes = [int(s[len(base) + 1:]) for s in taken
                            if s.startswith(base + "-") and s[len(base) + 1:].isdigit()]
                gallery.slug = (base if base not in taken
                                else f"{base}-{max([1, *suffixes]) + 1}")
                existing = {"id": self._s["next_gallery"]}
                self._s["next_gallery"] += 1
                records[existing["id"]] = existing
            gallery.slug = existing.get("gallery", gallery).slug
            stored = copy.deepcopy(gallery)
            stored.lang = stored.lang or "en"
            existing["gallery"] = stored
            existing["item_ids"] = []
            for _ in stored.items:
                existing["item_ids"].append(self._s["next_item"])
                self._s["next_item"] += 1
            for im in images:
                self._s["images"][im.key] = im
            missing = [it.image for it in stored.items
                       if it.image and it.image not in self._s["images"]]
            if missing:
                raise InputError(f"no stored image {missing[0]!r} for a photo of this gallery",
                                 source=gallery.source, field="image")
        return gallery

    def save_many(self, galleries: Iterable[Gallery], batch_size: int = 200
                  ) -> Iterator[tuple[Gallery, InputError | None]]:
        for gallery in galleries:
            try:
                self.save(gallery)
            except InputError as e:
                yield gallery, e
            else:
                yield gallery, None

    def delete(self, slug: str) -> None:
        with self.transaction():
            del self._s["galleries"][self._find(slug)["id"]]

    def images(self, keys: Iterable[str]) -> dict[str, StoredImage]:
        return {k: self._s["images"][k] for k in keys if k in self._s["images"]}

    # -- lexicon ---------------------------------------------------------------------------
    def lexicon(self) -> dict[str, str]:
        return {w: e[0] for w, e in sorted(self._s["lexicon"].items())}

    def lexicon_entries(self) -> dict[str, tuple[str, str]]:
        return dict(sorted(self._s["lexicon"].items()))

    def set_pronunciation(self, word: str, spoken: str, kind: str = "substitute") -> None:
        if kind not in ("substitute", "spell", "phonemes", "language"):
            raise ValueError(f"no lexicon kind {kind!r}")  # SQLite's CHECK does the same
        with self.transaction():
            self._s["lexicon"][word] = (spoken, kind)

    def remove_pronunciation(self, word: str) -> bool:
        with self.transaction():
            return self._s["lexicon"].pop(word, None) is not None

    # -- whether descriptions are spoken ---------------------------------------------------
    def describe_choices(self, slug: str) -> dict[str, bool]:
        return dict(self._find(slug).setdefault("describe", {}))

    def set_describe(self, slug: str, alt_key: str, speak: bool | None) -> None:
        with self.transaction():
            choices = self._find(slug).setdefault("describe", {})
            if speak is None:
                choices.pop(alt_key, None)
            else:
                choices[alt_key] = speak

    # -- accounts --------------------------------------------------------------------------
    def _by_name(self, name: str) -> dict | None:
        return next((u for u in self._s["users"].values()
                     if u["user"].name.casefold() == name.casefold()), None)

    def add_user(self, name: str, password_hash: str, session_stamp: str,
                 created_at: str) -> User | None:
        with self.transaction():
            if self._by_name(name):
                return None
            user = User(self._s["next_user"], name, session_stamp, created_at)
            self._s["next_user"] += 1
            self._s["users"][user.id] = {"user": user, "hash": password_hash}
            return user

    def user(self, user_id: int) -> User | None:
        row = self._s["users"].get(user_id)
        return row["user"] if row else None

    def user_by_name(self, name: str) -> tuple[User, str] | None:
        row = self._by_name(name)
        return (row["user"], row["hash"]) if row else None

    def users(self) -> list[User]:
        return sorted((r["user"] for r in self._s["users"].values()),
                      key=lambda u: u.name.casefold())

    def set_password_hash(self, name: str, password_hash: str, session_stamp: str) -> bool:
        with self.transaction():
            row = self._by_name(name)
            if row is None:
                return False
            row["hash"] = password_hash
            row["user"] = User(row["user"].id, row["user"].name, session_stamp,
                               row["user"].created_at)
            return True

    def set_session_stamp(self, user_id: int, session_stamp: str) -> None:
        with self.transaction():
            row = self._s["users"].get(user_id)
            if row:
                u = row["user"]
                row["user"] = User(u.id, u.name, session_stamp, u.created_at)

    def remove_user(self, name: str) -> bool:
        with self.transaction():
            row = self._by_name(name)
            if row is None:
                return False
            del self._s["users"][row["user"].id]
            return True

    # -- throttle --------------------------------------------------------------------------
    def sign_in_failures(self, key: str) -> int:
        return self._s["failures"].get(key, (0, 0.0, 0.0))[0]

    def blocked_until(self, keys: Sequence[str]) -> float:
        return max((self._s["failures"][k][2] for k in keys if k in self._s["failures"]),
                   default=0.0)

    def record_sign_in_failure(self, key: str, failures: int, at: float,
                               blocked_until: float) -> None:
        with self.transaction():
            self._s["failures"][key] = (failures, at, blocked_until)

    def forget_sign_in_failures(self, before: float) -> None:
        with self.transaction():
            self._s["failures"] = {k: v for k, v in self._s["failures"].items()
                                   if v[1] >= before}

    def clear_sign_in_failures(self, keys: Sequence[str]) -> None:
        with self.transaction():
            for k in keys:
                self._s["failures"].pop(k, None)

    def count_sign_in_attempt(self, keys, now, forget_before, delay) -> float:
        with self.transaction():
            self.forget_sign_in_failures(forget_before)
            until = self.blocked_until(keys)
            if until > now:
                return until
            for k in keys:
                n = self.sign_in_failures(k) + 1
                wait = delay(k, n)
                self._s["failures"][k] = (n, now, now + wait if wait > 0 else 0.0)
            return 0.0

    # -- search ----------------------------------------------------------------------------
    def search(self, terms: Sequence[SearchTerm], limit: int, offset: int,
               window: int) -> SearchPage:
        if not terms:
            return SearchPage(0, [])
        with self.transaction():
            found = []
            for r in self._s["galleries"].values():
                g = r["gallery"]
                for item, item_id in zip(g.items, r["item_ids"], strict=True):
                    first = item.position == 1
                    fields = {"title": g.title if first else None,
                              "standfirst": g.standfirst if first else None,
                              "caption": item.caption, "alt": item.alt, "credit": item.credit}
                    words = {name: [fold(w) for w in _WORD.findall(text or "")]
                             for name, text in fields.items()}
                    if all(any(t.matches(w) for ws in words.values() for w in ws)
                           for t in terms):
                        score = sum(WEIGHTS[name] for name, ws in words.items() for w in ws
                                    for t in terms if t.matches(w))
                        found.append((score, item_id, g, item))
        more = len(found) > window
        if more:
            found = sorted(found, key=lambda f: f[1], reverse=True)[:window]
        found.sort(key=lambda f: (-f[0], f[1]))
        return SearchPage(len(found), [
            SearchRow(slug=g.slug, position=it.position, total=len(g.items),
                      gallery_title=g.title, standfirst=g.standfirst if it.position == 1
                      else None, caption=it.caption, alt=it.alt, credit=it.credit,
                      lang=g.lang, date=g.date)
            for _, _, g, it in found[offset:offset + limit]], more=more)


class MemoryMediaIndex:
    """`reader.media.MediaIndex` in a dict: name → [size, last_access, pinned]."""

    def __init__(self):
        self._rows: dict[str, list] = {}
        self._lock = threading.Lock()

    def count(self) -> int:
        return len(self._rows)

    def add_unknown(self, rows) -> None:
        with self._lock:
            for name, size in rows:
                self._rows.setdefault(name, [size, 0.0, False])

    def used(self) -> int:
        return sum(size for size, _at, pinned in list(self._rows.values()) if not pinned)

    def record(self, name: str, size: int, pinned: bool, at: float) -> None:
        with self._lock:
            old = self._rows.get(name)
            self._rows[name] = [size, at, pinned or bool(old and old[2])]

    def touch(self, name: str, at: float) -> None:
        with self._lock:
            if name in self._rows:
                self._rows[name][1] = at

    def oldest(self, limit: int) -> list[tuple[str, int]]:
        with self._lock:
            rows = sorted((at, name, size) for name, (size, at, pinned) in self._rows.items()
                          if not pinned)
        return [(name, size) for _at, name, size in rows[:limit]]

    def claim(self, name: str) -> int | None:
        with self._lock:
            row = self._rows.pop(name, None)
        return None if row is None else row[0]
