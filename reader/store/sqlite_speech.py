"""The SQLite store's speech choices: whether a gallery's descriptions are spoken, chosen by
editors per gallery or per description (migration 6). Mixed into `SqliteStore`; what a
choice means is `reader.speech.script`'s."""

from __future__ import annotations

from reader.errors import NotFound


class SpeechChoicesPart:
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
