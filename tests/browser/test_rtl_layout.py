"""Right-to-left galleries in a real browser: the "Photo description" box (a photo with no
image) has its accent bar at the start of the line, so on the right in an Arabic gallery and
on the left in a Greek one. The stylesheets use logical properties (border-inline-start, …),
never physical left/right; the oracle here is the browser's own layout (computed border
widths and where the box's border sits on the screen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.web import create_app
from tests.conftest import ROOT, served

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = {"ar": ("gallery_ar.txt", "rtl", "right"), "el": ("gallery_el.txt", "ltr", "left")}

BOX = """() => {
  const box = document.querySelector('.no-image');
  const s = getComputedStyle(box);
  const r = box.getBoundingClientRect();
  // Where the thick bar is: the box's inner edge minus its outer edge, on each side.
  return {direction: s.direction, left: parseFloat(s.borderLeftWidth),
          right: parseFloat(s.borderRightWidth), top: parseFloat(s.borderTopWidth),
          x: r.left, width: r.width,
          textLeft: box.firstElementChild.getBoundingClientRect().left - r.left,
          textRight: r.right - box.firstElementChild.getBoundingClientRect().right};
}"""


@pytest.fixture(params=sorted(CASES))
def text_gallery(request, instance, library, reader):
    lang = request.param
    name, direction, side = CASES[lang]
    r = reader("import", str(FIXTURES / name))  # text only: every photo shows its box
    assert r.exit_code == 0, r.output
    summary = next(g for g in library.list_page(1, 50).galleries if g.lang == lang)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False}, instance=instance)
    with served(app) as base:
        yield base, summary.slug, direction, side


def test_the_description_boxs_bar_is_at_the_start_of_the_line(browser, text_gallery):
    base, slug, direction, side = text_gallery
    page = browser.new_page(viewport={"width": 900, "height": 800})
    try:
        for path in (f"/g/{slug}/1", f"/g/{slug}/"):
            page.goto(base + path)
            box = page.evaluate(BOX)
            assert box["direction"] == direction, path
            other = "left" if side == "right" else "right"
            assert box[side] > 2 * box[other] and box[other] == box["top"], (path, box)
            # The text sits clear of the bar: more room on the bar's side than the other.
            text_side, text_other = box[f"text{side.title()}"], box[f"text{other.title()}"]
            assert text_side > text_other, (path, box)
    finally:
        page.close()


def test_the_stylesheets_use_no_physical_left_or_right():
    """Every left/right in the CSS would stay put in a right-to-left gallery."""
    import re

    physical = re.compile(r"(?<![\w-])(margin|padding|border)-(left|right)\b|"
                          r"(?<![\w-])(left|right)\s*:|text-align:\s*(left|right)|"
                          r"float:\s*(left|right)")
    found = [(css.name, n, line.strip()) for css in sorted((ROOT / "static").glob("*.css"))
             for n, line in enumerate(css.read_text().splitlines(), 1)
             if physical.search(line)]
    assert found == []
