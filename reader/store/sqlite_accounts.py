"""The SQLite store's accounts part: editors (`users`) and the sign-in throttle's counts
(`sign_in_failures`). Mixed into `SqliteStore`; the rules (hashing, delays) are
`reader.users` and `reader.throttle`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.store.protocol import User


def _user(row) -> User:
    return User(row["id"], row["name"], row["session_stamp"], row["created_at"])


def _marks(n: int) -> str:
    return ",".join("?" * n)


class AccountsPart:
    # -- accounts --------------------------------------------------------------------------
    def add_user(self, name: str, password_hash: str, session_stamp: str,
                 created_at: str) -> User | None:
        with self._write() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                return None
            cur = con.execute(
                "INSERT INTO users (name, password_hash, session_stamp, created_at) "
                "VALUES (?,?,?,?)", (name, password_hash, session_stamp, created_at))
            row = con.execute("SELECT * FROM users WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _user(row)

    def user(self, user_id: int) -> User | None:
        with self._read() as con:
            row = con.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return _user(row) if row else None

    def user_by_name(self, name: str) -> tuple[User, str] | None:
        with self._read() as con:
            row = con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return (_user(row), row["password_hash"]) if row else None

    def users(self) -> list[User]:
        with self._read() as con:
            return [_user(r) for r in con.execute("SELECT * FROM users ORDER BY name")]

    def set_password_hash(self, name: str, password_hash: str, session_stamp: str) -> bool:
        with self._write() as con:
            return con.execute("UPDATE users SET password_hash = ?, session_stamp = ? "
                               "WHERE name = ?", (password_hash, session_stamp, name)
                               ).rowcount > 0

    def set_session_stamp(self, user_id: int, session_stamp: str) -> None:
        with self._write() as con:
            con.execute("UPDATE users SET session_stamp = ? WHERE id = ?",
                        (session_stamp, user_id))

    def remove_user(self, name: str) -> bool:
        with self._write() as con:
            return con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    # -- the sign-in throttle --------------------------------------------------------------
    def sign_in_failures(self, key: str) -> int:
        with self._read() as con:
            row = con.execute("SELECT failures FROM sign_in_failures WHERE key = ?",
                              (key,)).fetchone()
        return row["failures"] if row else 0

    def blocked_until(self, keys: Sequence[str]) -> float:
        keys = list(keys)
        with self._read() as con:
            row = con.execute(f"SELECT max(blocked_until) FROM sign_in_failures "
                              f"WHERE key IN ({_marks(len(keys))})", keys).fetchone()
        return float(row[0] or 0.0)

    def record_sign_in_failure(self, key: str, failures: int, at: float,
                               blocked_until: float) -> None:
        with self._write() as con:
            con.execute(
                "INSERT INTO sign_in_failures (key, failures, last_failure, blocked_until) "
                "VALUES (?,?,?,?) ON CONFLICT (key) DO UPDATE SET failures = excluded."
                "failures, last_failure = excluded.last_failure, "
                "blocked_until = excluded.blocked_until",
                (key, failures, at, blocked_until))

    def forget_sign_in_failures(self, before: float) -> None:
        with self._write() as con:
            con.execute("DELETE FROM sign_in_failures WHERE last_failure < ?", (before,))

    def clear_sign_in_failures(self, keys: Sequence[str]) -> None:
        keys = list(keys)
        with self._write() as con:
            con.execute(f"DELETE FROM sign_in_failures WHERE key IN ({_marks(len(keys))})",
                        keys)

    def count_sign_in_attempt(self, keys: Sequence[str], now: float, forget_before: float,
                              delay: Callable[[str, int], float]) -> float:
        keys = list(keys)
        with self._write() as con:  # BEGIN IMMEDIATE: one attempt at a time, check and count
            con.execute("DELETE FROM sign_in_failures WHERE last_failure < ?",
                        (forget_before,))
            rows = {r["key"]: r for r in con.execute(
                f"SELECT key, failures, blocked_until FROM sign_in_failures "
                f"WHERE key IN ({_marks(len(keys))})", keys)}
            until = max((r["blocked_until"] for r in rows.values()), default=0.0)
            if until > now:
                return float(until)
            for key in keys:
                failures = (rows[key]["failures"] if key in rows else 0) + 1
                wait = delay(key, failures)
                con.execute(
                    "INSERT INTO sign_in_failures (key, failures, last_failure, blocked_until) "
                    "VALUES (?,?,?,?) ON CONFLICT (key) DO UPDATE SET failures = excluded."
                    "failures, last_failure = excluded.last_failure, "
                    "blocked_until = excluded.blocked_until",
                    (key, failures, now, now + wait if wait > 0 else 0.0))
        return 0.0
