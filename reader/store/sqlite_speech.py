"""The SQLite store's speech part: the pronunciation lexicon and the editors' choices of
whether descriptions are spoken (migration 6). Mixed into `SqliteStore`."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.errors import NotFound


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SpeechPart:
    # -- the pronunciation lexicon (validated by reader.speech.lexicon) ---------------------
    def lexicon(self) -> dict[str, str]:
        """Every entry, word → spoken form, in word order."""
        with self._read() as con:
            rows = con.execute("SELECT word, spoken FROM lexicon ORDER BY word").fetchall()
        return {r["word"]: r["spoken"] for r in rows}

    def set_pronunciation(self, word: str, spoken: str) -> None:
        with self._write() as con:
            con.execute("""INSERT INTO lexicon (word, spoken, updated_at) VALUES (?,?,?)
                           ON CONFLICT(word) DO UPDATE SET spoken=excluded.spoken,
                           updated_at=excluded.updated_at""", (word, spoken, _now()))

    def remove_pronunciation(self, word: str) -> bool:
        """Remove an entry; False if there was none."""
        with self._write() as con:
            return con.execute("DELETE FROM lexicon WHERE word = ?", (word,)).rowcount > 0

    # -- whether descriptions are spoken (speech, migration 6) ------------------------------
    def describe_choices(self, slug: str) -> dict[str, bool]:
        """The editors' choices for a gallery: '' → the gallery's, a description's key
        (`reader.speech.script.description_key`) → that photo's. Absent: no choice."""
        with self._read() as con:
            rows = con.execute(
                """SELECT d.alt_key, d.speak FROM speech_describe d
                   JOIN galleries g ON g.id = d.gallery_id WHERE g.slug = ?""",
                (slug,)).fetchall()
        return {r["alt_key"]: bool(r["speak"]) for r in rows}

    def set_describe(self, slug: str, alt_key: str, speak: bool | None) -> None:
        """Choose for the gallery (``alt_key`` '') or one description; None clears it."""
        with self._write() as con:
            row = con.execute("SELECT id FROM galleries WHERE slug = ?", (slug,)).fetchone()
            if row is None:
                raise NotFound(slug)
            if speak is None:
                con.execute("DELETE FROM speech_describe WHERE gallery_id = ? AND alt_key = ?",
                            (row["id"], alt_key))
            else:
                con.execute("""INSERT INTO speech_describe (gallery_id, alt_key, speak)
                               VALUES (?,?,?) ON CONFLICT(gallery_id, alt_key)
                               DO UPDATE SET speak=excluded.speak""",
                            (row["id"], alt_key, int(speak)))
