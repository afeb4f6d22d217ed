"""Gallery texts for the archive tests, written for them (the seed's layout, our own words)."""

from __future__ import annotations

from pathlib import Path


def gallery_text(title: str, photos: list[tuple[str | None, str, str | None]], *,
                 date: str | None = "2024-03-05", section: str = "In Pictures",
                 standfirst: str = "A short introduction written for the tests.") -> str:
    """A gallery text: header, title, standfirst, then (description, caption, credit) photos."""
    lines = []
    if date:
        lines += [f" date {date} {section}", "", "News|In Pictures", ""]
    lines += [title, "", standfirst, ""]
    for n, (alt, caption, credit) in enumerate(photos):
        if alt:
            lines.append(alt)
        lines.append(f"{caption} [{credit}]" if credit else caption)
        if n == 0:
            lines += ["Published On 5 Mar 2024", "", "A paragraph of body text for the tests.", ""]
    return "\n".join(lines) + "\n"


MARKET = gallery_text(
    "Photos: Winter market in the old town",
    [
        ("Stalls under strings of bulbs in a snowy square",
         "Crème brûlée stalls line the square in Besançon before dawn.",
         "Ségolène Dufrêne/Reader Desk"),
        ("A child holding a paper cup with both hands",
         "A sign reading <b>OPEN</b> & warm hangs over the chestnut roaster.",
         "Ségolène Dufrêne/Reader Desk"),
        ("Two bakers carrying a long tray of loaves",
         "Bakers from Kraków carry rye loaves to the central stall.",
         "Ansel Moreno/Reader Desk"),
    ],
)

HARBOUR = gallery_text(
    "Photos: Lamplighters on the sea wall",
    [
        ("A ladder against an iron lamp post",
         "Volunteers trim the wicks before the tide turns.", "Ansel Moreno/Reader Desk"),
        ("Calm water reflecting a row of lights",
         "The lamplighters finish the twelfth lamp as the ferry leaves.",
         "Petra Quist/Reader Desk"),
    ],
    date="2023-10-14", section="Features",
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
