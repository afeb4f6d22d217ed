"""The PostgreSQL store's accounts part: editors (`users`), the sign-in throttle's counts
(`sign_in_failures`) and the shared secret key (`reader_secrets`). Mixed into
`PostgresStore`; the rules (hashing, delays) are `reader.users` and `reader.throttle`, as for
SQLite (`reader.store.sqlite_accounts` is this module's twin: change both together)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from reader.store.protocol import User


def _user(row) -> User:
    return User(row["id"], row["name"], row["session_stamp"], row["created_at"])


class AccountsPart:
    # -- accounts --------------------------------------------------------------------------
    def add_user(self, name: str, password_hash: str, session_stamp: str,
                 created_at: str) -> User | None:
        with self._write() as con:
            row = con.execute(
                "INSERT INTO users (name, password_hash, session_stamp, created_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (lower(name)) DO NOTHING RETURNING *",
                (name, password_hash, session_stamp, created_at)).fetchone()
        return _user(row) if row else None

    def user(self, user_id: int) -> User | None:
        with self._read() as con:
            row = con.execute("SELECT * FROM users WHERE id = %s", (user_id,)).fetchone()
        return _user(row) if row else None

    def user_by_name(self, name: str) -> tuple[User, str] | None:
        with self._read() as con:
            row = con.execute("SELECT * FROM users WHERE lower(name) = lower(%s)",
                              (name,)).fetchone()
        return (_user(row), row["password_hash"]) if row else None

    def users(self) -> list[User]:
        with self._read() as con:
            return [_user(r) for r in con.execute(
                "SELECT * FROM users ORDER BY lower(name), name")]

    def set_password_hash(self, name: str, password_hash: str, session_stamp: str) -> bool:
        with self._write() as con:
            return con.execute("UPDATE users SET password_hash = %s, session_stamp = %s "
                               "WHERE lower(name) = lower(%s)",
                               (password_hash, session_stamp, name)).rowcount > 0

    def set_session_stamp(self, user_id: int, session_stamp: str) -> None:
        with self._write() as con:
            con.execute("UPDATE users SET session_stamp = %s WHERE id = %s",
                        (session_stamp, user_id))

    def remove_user(self, name: str) -> bool:
        with self._write() as con:
            return con.execute("DELETE FROM users WHERE lower(name) = lower(%s)",
                               (name,)).rowcount > 0

    # -- the sign-in throttle --------------------------------------------------------------
    def sign_in_failures(self, key: str) -> int:
        with self._read() as con:
            row = con.execute("SELECT failures FROM sign_in_failures WHERE key = %s",
                              (key,)).fetchone()
        return row["failures"] if row else 0

    def blocked_until(self, keys: Sequence[str]) -> float:
        with self._read() as con:
            row = con.execute("SELECT max(blocked_until) AS b FROM sign_in_failures "
                              "WHERE key = ANY(%s)", (list(keys),)).fetchone()
        return float(row["b"] or 0.0)

    def record_sign_in_failure(self, key: str, failures: int, at: float,
                               blocked_until: float) -> None:
        with self._write() as con:
            con.execute(
                "INSERT INTO sign_in_failures (key, failures, last_failure, blocked_until) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
                "failures = excluded.failures, last_failure = excluded.last_failure, "
                "blocked_until = excluded.blocked_until",
                (key, failures, at, blocked_until))

    def forget_sign_in_failures(self, before: float) -> None:
        with self._write() as con:
            con.execute("DELETE FROM sign_in_failures WHERE last_failure < %s", (before,))

    def clear_sign_in_failures(self, keys: Sequence[str]) -> None:
        with self._write() as con:
            con.execute("DELETE FROM sign_in_failures WHERE key = ANY(%s)", (list(keys),))

    def count_sign_in_attempt(self, keys: Sequence[str], now: float, forget_before: float,
                              delay: Callable[[str, int], float]) -> float:
        """Check and count one attempt atomically (SQLite's twin): the write transaction's
        advisory lock lets one attempt at a time through, on every app server."""
        keys = list(keys)
        with self._write() as con:
            con.execute("DELETE FROM sign_in_failures WHERE last_failure < %s",
                        (forget_before,))
            rows = {r["key"]: r for r in con.execute(
                "SELECT key, failures, blocked_until FROM sign_in_failures "
                "WHERE key = ANY(%s) FOR UPDATE", (keys,))}
            until = max((r["blocked_until"] for r in rows.values()), default=0.0)
            if until > now:
                return float(until)
            for key in keys:
                failures = (rows[key]["failures"] if key in rows else 0) + 1
                wait = delay(key, failures)
                con.execute(
                    "INSERT INTO sign_in_failures (key, failures, last_failure, blocked_until) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
                    "failures = excluded.failures, last_failure = excluded.last_failure, "
                    "blocked_until = excluded.blocked_until",
                    (key, failures, now, now + wait if wait > 0 else 0.0))
        return 0.0

    # -- the key every app server signs sessions and CSRF tokens with ---------------------
    def secret_key(self) -> bytes:
        """Made (32 random bytes) by the first app server that asks; every other one,
        now or later, gets the same."""
        with self._write() as con:
            con.execute("INSERT INTO reader_secrets (name, value) VALUES ('secret_key', %s) "
                        "ON CONFLICT (name) DO NOTHING", (secrets.token_bytes(32),))
            return bytes(con.execute("SELECT value FROM reader_secrets "
                                     "WHERE name = 'secret_key'").fetchone()["value"])
