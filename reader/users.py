"""Editors: the people who may sign in and change the library. Readers need no account.

Above the store (no Flask, no SQL). Passwords are kept only as scrypt hashes (hashlib,
RFC 7914) in the store's accounts, in the self-describing form ``scrypt$N$r$p$salt$hash``
so the cost can be raised later without breaking stored hashes.

Each user has a *session stamp*, a random value the web layer puts in the signed session cookie
and checks on every request: rotating it (on sign-out, on a password change) ends every
session of that user at once, although the sessions themselves live in cookies.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

from reader.errors import InputError
from reader.store import Store, User

__all__ = ["User", "Users", "check_name", "check_password", "hash_password",
           "verify_password"]

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # scrypt's cost does not grow with length, but no one types more

# scrypt cost: N=2**15, r=8 uses 32 MiB and about 0.1 s a hash on this machine's cores,
# within what OWASP's password storage guide recommends for scrypt (N >= 2**17 with r=8
# is its first choice; 2**15 keeps several sign-ins at once within a small server's memory).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_MAXMEM = 128 * SCRYPT_R * SCRYPT_N * 2


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(stored: str, password: str) -> bool:
    """True if ``password`` matches ``stored``; compares in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=n_,
                             r=r_, p=p_, maxmem=128 * r_ * n_ * 2, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so an unknown name costs the same time as a
    wrong password and sign-in does not tell which names exist."""
    return hash_password(secrets.token_urlsafe(16))


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise InputError("a user name is 1 to 64 letters, digits, dots, hyphens or "
                         "underscores, starting with a letter or digit", field="name")
    return name


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InputError(f"a password needs at least {PASSWORD_MIN} characters",
                         field="password")
    if len(password) > PASSWORD_MAX:
        raise InputError(f"a password may have at most {PASSWORD_MAX} characters",
                         field="password")
    return password


def _stamp() -> str:
    return secrets.token_urlsafe(16)


class Users:
    """The editors of one library."""

    def __init__(self, library: Store):
        self.library = library

    def add(self, name: str, password: str) -> User:
        check_name(name)
        check_password(password)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        user = self.library.add_user(name, hash_password(password), _stamp(), now)
        if user is None:
            raise InputError(f"there is already a user called {name!r}", field="name")
        return user

    def set_password(self, name: str, password: str) -> None:
        """Change a password; ends every session of that user."""
        check_password(password)
        if not self.library.set_password_hash(name, hash_password(password), _stamp()):
            raise InputError(f"no user called {name!r}", field="name")

    def remove(self, name: str) -> None:
        if not self.library.remove_user(name):
            raise InputError(f"no user called {name!r}", field="name")

    def list(self) -> list[User]:
        return self.library.users()

    def get(self, user_id: int) -> User | None:
        return self.library.user(user_id)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the name and password match, else None (same cost either way)."""
        found = self.library.user_by_name(name)
        if found is None or len(password) > PASSWORD_MAX:
            verify_password(_dummy_hash(), password[:PASSWORD_MAX])
            return None
        user, stored = found
        return user if verify_password(stored, password) else None

    def end_sessions(self, user_id: int) -> None:
        """Rotate the user's session stamp: every cookie carrying the old one stops working."""
        self.library.set_session_stamp(user_id, _stamp())
