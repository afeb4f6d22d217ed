"""The sign-in throttle: wrong passwords in a row slow further tries.

Above the store (no Flask, no SQL). Counts live in the store, so they hold across
the server's threads, across processes and across restarts. Each attempt is counted under two
keys, the account name and the client's address: guessing one account from many addresses is
slowed by the first, guessing many accounts from one address by the second.

After ``LIMIT`` wrong passwords in a row under a key, that key is blocked for ``BASE_DELAY``
seconds; every further wrong password doubles the wait, up to ``MAX_DELAY``. A right password
clears both keys. A count with no new failure for ``FORGET_AFTER`` seconds is forgotten.
While a key is blocked the password is not even checked (the web layer answers 429 with
Retry-After), so a guess made while blocked tells nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

from reader.store import Store

LIMIT = 5
BASE_DELAY = 30.0
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 60 * 60.0


def account_key(name: str) -> str:
    return f"account:{name.strip().lower()}"


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


def delay_after(failures: int) -> float:
    """Seconds a key is blocked after ``failures`` wrong passwords in a row (0 below LIMIT)."""
    if failures < LIMIT:
        return 0.0
    return min(BASE_DELAY * 2 ** (failures - LIMIT), MAX_DELAY)


class Throttle:
    def __init__(self, library: Store, clock: Callable[[], float] = time.time):
        self.library = library
        self.clock = clock

    def retry_after(self, keys: Iterable[str]) -> int:
        """Whole seconds until every key may try again; 0 if none is blocked."""
        wait = self.library.blocked_until(list(keys)) - self.clock()
        return math.ceil(wait) if wait > 0 else 0

    def failure(self, keys: Iterable[str]) -> int:
        """Count a wrong password under each key; returns the new wait in whole seconds."""
        now = self.clock()
        wait = 0.0
        with self.library.transaction() as store:  # read and count under one write lock
            store.forget_sign_in_failures(now - FORGET_AFTER)
            for key in keys:
                failures = store.sign_in_failures(key) + 1
                delay = delay_after(failures)
                wait = max(wait, delay)
                store.record_sign_in_failure(key, failures, now, now + delay)
        return math.ceil(wait)

    def success(self, keys: Iterable[str]) -> None:
        self.library.clear_sign_in_failures(list(keys))

    def failures(self, key: str) -> int:
        return self.library.sign_in_failures(key)
