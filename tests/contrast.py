"""WCAG 2.x contrast ratio (1.4.3 / 1.4.6 / 1.4.11), for the palette and browser tests."""

from __future__ import annotations

import re

RGB = tuple[int, int, int]
RGB_FUNCTION = re.compile(
    r"rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_css_color(value: str) -> RGB:
    """``#rgb``, ``#rrggbb``, ``rgb(r, g, b)`` or ``rgba(r g b / a)`` → (r, g, b)."""
    value = value.strip().lower()
    if value.startswith("#"):
        h = value[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        if len(h) != 6:
            raise ValueError(f"not a colour: {value!r}")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    m = RGB_FUNCTION.fullmatch(value)
    if not m:
        raise ValueError(f"not a colour: {value!r}")
    if m.group(4) is not None and m.group(4) in ("0", "0%"):
        raise ValueError(f"a transparent colour has no contrast of its own: {value!r}")
    return tuple(round(float(m.group(i))) for i in (1, 2, 3))  # type: ignore[return-value]


def relative_luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
