"""The sign-in throttle: wrong passwords in a row slow further tries, without ever letting a
stranger lock the owner out.

Above the store (no Flask, no SQL). Counts live in the store, so they hold across the
server's threads, across processes and across restarts.

The policy (anchored on OWASP's Authentication and Credential Stuffing Prevention cheat
sheets: throttle rather than lock accounts, since a lockout anyone can trigger is itself a
denial of service; limit per source; exponential back-off; a generic error message):

- **Per account and address** (``pair_key``): after ``LIMIT`` wrong passwords in a row for
  one account from one client address, that pair is blocked for ``BASE_DELAY`` seconds, and
  every further wrong one doubles the wait up to ``MAX_DELAY``. Guessing one account from
  one address is slowed; the same account from any other address is not, so the owner signing
  in from elsewhere is never refused because of someone else's guesses.
- **Per address** (``address_key``): after ``ADDRESS_LIMIT`` wrong passwords in a row from one
  address, whatever accounts they named (password spraying, credential stuffing), the address
  is blocked the same way.
- No per-account block: it is exactly what lets anyone lock an editor out. Guessing one
  account from many addresses is bounded by each address's limits and by the password
  policy (`reader.users`: at least 10 characters, scrypt).
- **Atomic**: each attempt is admitted or refused, and counted, in one transaction
  (`Store.count_sign_in_attempt`) *before* its password is checked, so of any number of
  simultaneous guesses at most the allowed number have their password checked. A right
  password then clears its pair and takes its own count back from the address.
- While blocked the password is not checked (the web layer answers 429 with Retry-After).
  A count with no new failure for ``FORGET_AFTER`` seconds is forgotten.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from reader.store import Store

LIMIT = 5  # wrong passwords in a row for one account from one address
ADDRESS_LIMIT = 20  # wrong passwords in a row from one address, any accounts
BASE_DELAY = 30.0
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 60 * 60.0


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


def pair_key(name: str, address: str | None) -> str:
    return f"account:{name.strip().lower()} {address_key(address)}"


def delay_after(failures: int, limit: int = LIMIT) -> float:
    """Seconds a key is blocked after ``failures`` wrong passwords in a row (0 below limit)."""
    if failures < limit:
        return 0.0
    return min(BASE_DELAY * 2 ** (failures - limit), MAX_DELAY)


def key_delay(key: str, failures: int) -> float:
    """The policy for one key: pairs block after LIMIT, addresses after ADDRESS_LIMIT."""
    limit = ADDRESS_LIMIT if key.startswith("address:") else LIMIT
    return delay_after(failures, limit)


class Throttle:
    def __init__(self, library: Store, clock: Callable[[], float] = time.time):
        self.library = library
        self.clock = clock

    @staticmethod
    def keys(name: str, address: str | None) -> list[str]:
        return [pair_key(name, address), address_key(address)]

    def admit(self, name: str, address: str | None) -> int:
        """Admit one attempt (counting it as a failure until it proves right), or refuse it:
        returns 0 when its password may be checked, else the whole seconds to wait."""
        now = self.clock()
        until = self.library.count_sign_in_attempt(self.keys(name, address), now,
                                                   now - FORGET_AFTER, key_delay)
        return self._seconds(until - now)

    def retry_after(self, name: str, address: str | None) -> int:
        """Whole seconds until this account may be tried from this address; 0 if now."""
        until = self.library.blocked_until(self.keys(name, address))
        return self._seconds(until - self.clock())

    def success(self, name: str, address: str | None) -> None:
        """A right password: its pair starts afresh, and the address gets back the count its
        admission took (its other wrong passwords still count)."""
        pair, addr = self.keys(name, address)
        now = self.clock()
        with self.library.transaction() as store:
            store.clear_sign_in_failures([pair])
            left = store.sign_in_failures(addr) - 1
            if left > 0:
                store.record_sign_in_failure(addr, left, now, 0.0)
            else:
                store.clear_sign_in_failures([addr])

    def failures(self, key: str) -> int:
        return self.library.sign_in_failures(key)

    @staticmethod
    def _seconds(wait: float) -> int:
        return math.ceil(wait) if wait > 0 else 0
