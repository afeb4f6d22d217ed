"""Every theme's palette, read from static/reader.css, keeps the contrast it promises.

WCAG 2.2: text 7:1 against every background it sits on (1.4.6, AAA); controls, borders and
the focus indicator 3:1 against what they sit on (1.4.11, 2.4.13). The browser tests check
the rendered pages; this checks the palettes themselves, so a colour edited in the CSS fails
here first with the pair named.
"""

from __future__ import annotations

import re

import pytest

from reader.resources import static_dir
from tests.contrast import contrast_ratio, parse_css_color

CSS = (static_dir() / "reader.css").read_text(encoding="utf-8")

# (foreground, background, minimum ratio, what the pair is)
TEXT = 7.0
NON_TEXT = 3.0
PAIRS = [
    ("fg", "bg", TEXT, "body text"),
    ("muted", "bg", TEXT, "secondary text (dates, hints, credits)"),
    ("link", "bg", TEXT, "links"),
    ("visited", "bg", TEXT, "visited links"),
    ("fg", "panel", TEXT, "text in a description box, kbd, table head"),
    ("muted", "panel", TEXT, "secondary text in a box"),
    ("link", "panel", TEXT, "a link in a box"),
    ("visited", "panel", TEXT, "a visited link in a box"),
    ("focus-fg", "focus-bg", TEXT, "a focused link or button"),
    ("button-fg", "button-bg", TEXT, "a button"),
    ("mark-fg", "mark-bg", TEXT, "highlighted text"),
    ("speak-fg", "speak-bg", TEXT, "the sentence being spoken (listening mode)"),
    ("speak-edge", "bg", NON_TEXT, "the spoken sentence's edge against the page"),
    ("speak-edge", "panel", NON_TEXT, "the spoken sentence's edge in a box"),
    ("error", "bg", TEXT, "an error message"),
    ("error", "panel", TEXT, "an error message in a box"),
    ("border", "bg", NON_TEXT, "borders of boxes and buttons"),
    ("border", "panel", NON_TEXT, "borders around a box"),
    ("fg", "bg", NON_TEXT, "radio button edges"),
    ("focus", "bg", NON_TEXT, "the focus ring"),
    ("focus", "panel", NON_TEXT, "the focus ring in a box"),
    ("focus-bg", "bg", NON_TEXT, "a focused link's fill against the page"),
    ("button-bg", "bg", NON_TEXT, "a button's edge against the page"),
    ("error", "bg", NON_TEXT, "an error box's border"),
    # The spoken sentence and the keyboard focus never look alike (a focused sentence that is
    # also being spoken shows the focus): their fills differ by 3:1.
    ("speak-bg", "focus-bg", NON_TEXT, "the spoken sentence's fill against a focused fill"),
    ("speak-bg", "focus", NON_TEXT, "the spoken sentence's fill against the focus ring"),
]


def _blocks(css: str):
    """(selector, body, inside a `prefers-color-scheme: dark` block) for each rule."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    dark_spans = []
    for m in re.finditer(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{", css):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            i += 1
        dark_spans.append((m.start(), i))
    for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css):
        inside_dark = any(a <= m.start() < b for a, b in dark_spans)
        yield m.group(1).strip(), m.group(2), inside_dark


def palettes(css: str = CSS) -> dict[str, dict[str, str]]:
    """Theme name → its custom properties; "auto" in a dark system is "auto-dark"."""
    out: dict[str, dict[str, str]] = {}
    for selector, body, dark in _blocks(css):
        for sel in (s.strip() for s in selector.split(",")):
            m = re.fullmatch(r"html\.theme-([a-z]+)", sel)
            if not m:
                continue
            name = m.group(1) + ("-dark" if dark else "")
            props = dict(re.findall(r"--([a-z-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\s*;", body))
            out.setdefault(name, {}).update(props)
    return out


PALETTES = palettes()


def test_every_theme_the_settings_offer_has_a_palette():
    from reader.web.settings import THEMES

    offered = {c.value for c in THEMES}
    assert offered == {"auto", "dark", "light", "yellow"}
    assert set(PALETTES) == {"auto", "auto-dark", "dark", "light", "yellow"}
    # "auto" is the light palette in a light system and the dark one in a dark system.
    assert PALETTES["auto"] == PALETTES["light"]
    assert PALETTES["auto-dark"] == PALETTES["dark"]


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_palette_meets_wcag_contrast(theme):
    palette = PALETTES[theme]
    failures = []
    for fg, bg, minimum, what in PAIRS:
        ratio = contrast_ratio(parse_css_color(palette[fg]), parse_css_color(palette[bg]))
        if ratio < minimum:
            failures.append(f"{what}: --{fg} {palette[fg]} on --{bg} {palette[bg]} is "
                            f"{ratio:.2f}:1, needs {minimum}:1")
    assert failures == []


def test_the_checker_itself_fails_a_weak_palette():
    # Mid grey on white, the classic "thin grey text": 4.5:1 passes AA but not this check.
    weak = palettes("html.theme-light { --fg: #767676; --bg: #ffffff; }")["light"]
    ratio = contrast_ratio(parse_css_color(weak["fg"]), parse_css_color(weak["bg"]))
    assert 4.5 <= ratio < TEXT


def test_contrast_formula_matches_known_values():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast_ratio(parse_css_color("#777777"), (255, 255, 255)) == pytest.approx(
        4.48, abs=0.01)
    assert parse_css_color("rgb(255, 255, 0)") == (255, 255, 0)
    assert parse_css_color("#fc0") == (255, 204, 0)


def test_no_colour_is_set_outside_the_theme_blocks():
    """Colours live in the palettes only (system colours for forced-colors mode aside), so
    the pairs above are all there is to check."""
    stray = []
    for selector, body, _ in _blocks(CSS):
        if re.fullmatch(r"html\.theme-[a-z]+(\s*,\s*html\.theme-[a-z]+)*", selector):
            continue
        stray += [f"{selector} {{{c}}}" for c in re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(", body)]
    assert stray == []
