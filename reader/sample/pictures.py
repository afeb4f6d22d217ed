"""The sample gallery's photos, drawn with Pillow: simple high-contrast scenes, one per caption.

Drawn the same way every time (no randomness), at first load, so the project ships no binary
image files; `draw_all` writes them as JPEGs named 1.jpg … 6.jpg for `attach_photos`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

W, H = 1600, 1000
NAVY, NIGHT, DUSK = (16, 24, 64), (4, 6, 20), (60, 40, 110)
STONE, STONE_DARK = (150, 150, 160), (90, 90, 100)
LAMP, GLOW, YELLOW, WHITE, SKIN = (255, 214, 60), (255, 170, 40), (255, 220, 0), (250, 250, 250), (
    230, 180, 140)
WATER, BLACK, WOOD = (10, 30, 60), (0, 0, 0), (120, 70, 30)


def _sky(d: ImageDraw.ImageDraw, top, bottom, height=H) -> None:
    for y in range(height):
        t = y / height
        d.line([(0, y), (W, y)], fill=tuple(round(a + (b - a) * t)
                                            for a, b in zip(top, bottom, strict=True)))


def _lamp(d: ImageDraw.ImageDraw, x: int, base: int, h: int = 160, lit: bool = True) -> None:
    d.rectangle([x - 6, base - h, x + 6, base], fill=BLACK)
    if lit:
        d.ellipse([x - 45, base - h - 70, x + 45, base - h + 20], fill=GLOW)
    d.rectangle([x - 18, base - h - 45, x + 18, base - h], fill=LAMP if lit else STONE_DARK,
                outline=BLACK, width=4)


def _wall(d: ImageDraw.ImageDraw, top: int) -> None:
    d.rectangle([0, top, W, top + 120], fill=STONE, outline=BLACK, width=4)
    for x in range(0, W, 100):
        d.line([(x, top), (x, top + 120)], fill=STONE_DARK, width=3)
    d.line([(0, top + 60), (W, top + 60)], fill=STONE_DARK, width=3)


def _person(d: ImageDraw.ImageDraw, x: int, feet: int, coat=YELLOW, scale: float = 1.0) -> None:
    s = scale
    d.ellipse([x - 28 * s, feet - 300 * s, x + 28 * s, feet - 244 * s], fill=SKIN, outline=BLACK,
              width=3)
    d.polygon([(x - 50 * s, feet - 240 * s), (x + 50 * s, feet - 240 * s),
               (x + 60 * s, feet - 90 * s), (x - 60 * s, feet - 90 * s)], fill=coat, outline=BLACK)
    d.rectangle([x - 40 * s, feet - 90 * s, x - 12 * s, feet], fill=BLACK)
    d.rectangle([x + 12 * s, feet - 90 * s, x + 40 * s, feet], fill=BLACK)


def harbour_at_dusk() -> Image.Image:
    im = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(im)
    _sky(d, DUSK, (240, 120, 60), 620)
    d.rectangle([0, 620, W, H], fill=WATER)
    _wall(d, 560)
    for i in range(8):
        _lamp(d, 120 + i * 190, 560, lit=i < 5)
    return im


def volunteer_on_ladder() -> Image.Image:
    im = Image.new("RGB", (W, H), NAVY)
    d = ImageDraw.Draw(im)
    _wall(d, 820)
    for x in (650, 850):
        d.line([(x, 820), (x + 40, 380)], fill=WOOD, width=18)
    for y in range(780, 400, -80):
        d.line([(650 + (820 - y) * 40 / 440, y), (850 + (820 - y) * 40 / 440, y)], fill=WOOD,
               width=14)
    _lamp(d, 1000, 820, h=560)
    _person(d, 770, 620, scale=1.1)
    return im


def trimming_a_wick() -> Image.Image:
    im = Image.new("RGB", (W, H), (30, 20, 10))
    d = ImageDraw.Draw(im)
    d.rectangle([700, 520, 900, 1000], fill=(200, 160, 60), outline=BLACK, width=6)  # lamp body
    d.rectangle([785, 380, 815, 520], fill=WHITE, outline=BLACK, width=3)  # the wick
    d.ellipse([300, 380, 700, 640], fill=SKIN, outline=BLACK, width=6)  # left hand
    d.ellipse([900, 300, 1300, 560], fill=SKIN, outline=BLACK, width=6)  # right hand
    d.line([(880, 420), (760, 440)], fill=(200, 200, 210), width=14)  # scissors blades
    d.line([(880, 440), (760, 420)], fill=(200, 200, 210), width=14)
    d.ellipse([880, 400, 950, 470], outline=(200, 200, 210), width=10)
    return im


def cafe_windows() -> Image.Image:
    im = Image.new("RGB", (W, H), NIGHT)
    d = ImageDraw.Draw(im)
    d.rectangle([150, 250, 1450, 850], fill=(70, 50, 40), outline=BLACK, width=6)
    d.polygon([(100, 250), (800, 80), (1500, 250)], fill=(50, 30, 30), outline=BLACK)
    for i in range(5):
        x = 220 + i * 250
        d.rectangle([x, 380, x + 170, 620], fill=LAMP, outline=BLACK, width=8)
        d.line([(x + 85, 380), (x + 85, 620)], fill=BLACK, width=6)
    d.rectangle([0, 850, W, H], fill=STONE_DARK)
    return im


def lamp_reflection() -> Image.Image:
    im = Image.new("RGB", (W, H), BLACK)
    d = ImageDraw.Draw(im)
    _wall(d, 380)
    _lamp(d, 800, 380, h=260)
    for i, y in enumerate(range(540, H, 34)):  # the reflection, broken by the water
        half = 70 - i * 3
        d.rectangle([800 - half, y, 800 + half, y + 14], fill=GLOW)
    for x in (250, 1300):  # moored boats
        d.polygon([(x - 120, 820), (x + 120, 820), (x + 80, 880), (x - 80, 880)], fill=WHITE)
    return im


def walking_home() -> Image.Image:
    im = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(im)
    _sky(d, NIGHT, NAVY, 700)
    d.rectangle([0, 700, W, H], fill=WATER)
    _wall(d, 640)
    for i in range(6):
        _lamp(d, 150 + i * 260, 640, h=200)
    _person(d, 650, 640, coat=YELLOW, scale=0.9)
    _person(d, 860, 640, coat=(220, 40, 40), scale=0.95)
    d.rectangle([905, 470, 955, 540], fill=(200, 160, 60), outline=BLACK, width=4)  # the can
    return im


SCENES = [harbour_at_dusk, volunteer_on_ladder, trimming_a_wick, cafe_windows, lamp_reflection,
          walking_home]


def draw_all(folder: Path) -> list[Path]:
    paths = []
    for n, scene in enumerate(SCENES, start=1):
        path = folder / f"{n}.jpg"
        scene().save(path, "JPEG", quality=90)
        paths.append(path)
    return paths
