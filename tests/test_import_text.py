"""The gallery-text importer, on the seed, on real texts whose layout varies, and on bad input.

The seed's words are never copied here: expectations are read from the file itself with a
deliberately simple oracle (a caption is a line ending in `[…]`), so the importer's answer is
checked against the source character for character.
"""

from __future__ import annotations

import re

import pytest

from reader.errors import InputError
from reader.importers import decode_source, load_path, parse_source
from reader.importers.text import parse_gallery_text
from tests.conftest import GALLERIES, SEED


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def oracle_seed_photos() -> list[tuple[str, str]]:
    """(caption, credit) of every line of the seed that ends in a bracketed credit."""
    out = []
    for line in seed_lines():
        m = re.fullmatch(r"\s*(.*?) \[([^\]]+)\]\s*", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


@pytest.fixture(scope="module")
def seed():
    return parse_source(SEED.read_bytes(), str(SEED))


class TestSeed:
    def test_thirteen_photos_with_exact_captions_and_credits(self, seed):
        expected = oracle_seed_photos()
        assert len(expected) == 13
        assert [(i.caption, i.credit) for i in seed.items] == expected
        assert [i.position for i in seed.items] == list(range(1, 14))

    def test_twelve_descriptions_and_the_second_photo_has_none(self, seed):
        lines = [ln.strip() for ln in seed_lines()]
        with_alt = [i for i in seed.items if i.alt]
        assert len(with_alt) == 12
        assert seed.items[1].alt is None
        for item in with_alt:
            # The description is the source line right above its caption line.
            caption_line = next(n for n, ln in enumerate(lines) if ln.startswith(item.caption))
            above = [ln for ln in lines[:caption_line] if ln and ln != "Advertisement"][-1]
            assert item.alt == above

    def test_head_of_the_gallery(self, seed):
        lines = [ln.strip() for ln in seed_lines()]
        assert seed.title == lines[4] and seed.title.startswith("Photos:")
        assert seed.standfirst == lines[6]
        assert seed.date == "2022-11-09"
        assert seed.published == "9 Nov 2022"
        assert seed.section == "In Pictures"
        assert seed.lang == "en"
        assert seed.warnings == []

    def test_five_body_paragraphs_in_order(self, seed):
        lines = [ln.strip() for ln in seed_lines()]
        start = next(n for n, ln in enumerate(lines) if ln.startswith("Published On")) + 1
        paragraphs = [ln for ln in lines[start:] if ln and not ln.endswith("]")]
        # Up to the first caption after "Published On": the rest are page furniture and photos.
        first_photo = next(n for n, ln in enumerate(lines) if n > start and ln.endswith("]"))
        expected = [ln for ln in lines[start:first_photo] if ln]
        assert len(expected) == 5
        assert seed.body == expected
        assert set(seed.body) < set(paragraphs)

    def test_page_furniture_is_dropped(self, seed):
        everything = [seed.title, seed.standfirst, *seed.body]
        everything += [t for i in seed.items for t in (i.caption, i.credit, i.alt) if t]
        assert not any("Advertisement" in t for t in everything)

    def test_curly_quotes_are_kept_exactly(self, seed):
        assert "’" in seed.title
        assert any("“" in p for p in seed.body)


class TestRealGalleries:
    """What each of the shared real texts yields (see ../shared/galleries/README.md)."""

    def load(self, name):
        return parse_source((GALLERIES / name).read_bytes(), name)

    def test_every_file_imports_with_a_cut_off_warning(self):
        for path in sorted(GALLERIES.glob("*.txt")):
            g = parse_source(path.read_bytes(), path.name)
            assert g.items, path.name
            assert any("cut off" in w.message for w in g.warnings), path.name
            if not path.name.startswith("10_bbc"):  # BBC's "In pictures" prints no credits
                assert all(i.credit for i in g.items), path.name

    def paragraphs(self, name) -> list[tuple[int, str]]:
        """(line number, text) of every non-blank line of a shared gallery text."""
        lines = (GALLERIES / name).read_text(encoding="utf-8").splitlines()
        return [(n, ln.strip()) for n, ln in enumerate(lines, start=1) if ln.strip()]

    def test_bbc_image_caption_markers_without_credits(self):
        name = "10_bbc_in_pictures_indonesia_volcanoes.txt"
        g = self.load(name)
        lines = self.paragraphs(name)
        # Oracle: around every `Image caption,` line, the line above is the description and
        # the next non-blank line the caption. The sixth photo is cut off before its marker.
        marks = [k for k, (_, t) in enumerate(lines) if t == "Image caption,"]
        assert len(marks) == 5
        expected = [(lines[k - 1][1], lines[k + 1][1], None) for k in marks]
        assert [(i.alt, i.caption, i.credit) for i in g.items] == expected
        assert g.title == lines[0][1] and g.standfirst is None and g.body == []
        assert g.lang == "en"
        last = lines[-1][0]
        assert [(w.line, w.message.split(";")[0]) for w in g.warnings] == [
            (7, "no photo has a credit"),
            (last, "the text stops here, before its last photo is whole (cut off?)"),
        ]

    def test_aljazeera_photograph_lines_headings_and_notes(self):
        name = "15_aljazeera_best_photos_2016.txt"
        g = self.load(name)
        lines = [t for _, t in self.paragraphs(name)]
        # Oracle: each `Photograph: Name` line closes a photo: heading, caption, note, credit.
        credits = [k for k, t in enumerate(lines) if t.startswith("Photograph: ")]
        assert len(credits) == 4
        expected = [(lines[k - 3], lines[k - 2], lines[k].removeprefix("Photograph: "))
                    for k in credits]
        assert all(lines[k - 1].startswith("This image originally appeared in ")
                   for k in credits)
        assert [(i.alt, i.caption, i.credit) for i in g.items] == expected
        assert (g.title, g.standfirst, g.body) == (lines[0], lines[1], [])
        everything = [g.title, g.standfirst, *(t for i in g.items for t in (i.alt, i.caption))]
        assert not any("appeared in" in t for t in everything)
        # The fifth photo stops in its note, before its credit: not imported, and said so.
        [cut] = g.warnings
        assert cut.line == 50 and "cut off" in cut.message

    def test_quake_captions_follow_each_other_without_descriptions(self):
        g = self.load("03_aljazeera_turkey_syria_quake_one_month.txt")
        assert len(g.items) == 6
        assert all(i.alt is None for i in g.items)
        assert all(i.credit.endswith(("/AFP", "/AP Photo")) for i in g.items)
        assert len(g.body) == 3
        assert g.date == "2023-03-06" and g.published == "6 Mar 2023"
        [cut] = g.warnings
        assert cut.line == 21

    def test_world_cup_descriptions_are_a_blank_line_above_their_captions(self):
        g = self.load("04_seveneleven_copy_of_aljazeera_worldcup_fans.txt")
        lines = (GALLERIES / "04_seveneleven_copy_of_aljazeera_worldcup_fans.txt").read_text(
            encoding="utf-8").splitlines()
        assert len(g.items) == 4
        for item in g.items:
            n = next(k for k, ln in enumerate(lines) if ln.strip().startswith(item.caption))
            assert lines[n - 1].strip() == ""
            assert item.alt == lines[n - 2].strip()
        assert g.date is None and g.published is None and g.section is None
        assert len(g.body) == 6
        assert g.standfirst is None
        assert [w.line for w in g.warnings] == [31]

    def test_gaza_breadcrumb_and_a_title_without_photos_prefix(self):
        g = self.load("09_aljazeera_gaza_attacks_before_truce_rss.txt")
        assert not g.title.startswith("Photos") and "|" not in g.title
        assert len(g.items) == 1 and g.items[0].alt
        # The long multi-sentence caption stays whole: the source line minus its credit.
        lines = (GALLERIES / "09_aljazeera_gaza_attacks_before_truce_rss.txt").read_text(
            encoding="utf-8").splitlines()
        [line] = [ln for ln in lines if ln.endswith("]")]
        assert line == f"{g.items[0].caption} [{g.items[0].credit}]"
        assert g.items[0].caption.count(". ") >= 1
        assert len(g.body) == 7
        assert [w.line for w in g.warnings] == [27]

    def test_latimes_credit_on_its_own_line_in_parentheses(self):
        g = self.load("13_latimes_eid_al_adha_2018.txt")
        assert len(g.items) == 11
        assert all(" / " in i.credit and not i.credit.startswith("(") for i in g.items)
        assert all(i.alt is None for i in g.items)
        assert g.standfirst and g.standfirst != g.title
        assert not any(re.fullmatch(r"\d+ Images", t) for t in [g.title, g.standfirst, *g.body])
        assert [w.line for w in g.warnings] == [50]

    def test_yahoo_bulleted_wire_credits(self):
        g = self.load("16_yahoo_ap_week_in_pictures_global_apr2023.txt")
        assert len(g.items) == 9
        assert all(i.credit.startswith("AP Photo/") for i in g.items)
        assert not any(i.caption.startswith("•") for i in g.items)
        assert any("í" in i.caption for i in g.items)  # Spanish accents kept
        assert g.title.startswith("AP-Week in Pictures")
        assert g.date == "2023-04-08"
        assert sorted(w.line for w in g.warnings) == [1, 12]


class TestLayoutVariants:
    """Small texts of our own for the tolerances the issue lists."""

    TEXT = (" date 2024-05-02 In Pictures\n\nNews|In Pictures\n\nPhotos: A test of harbours\n\n"
            "Boats return before the storm.\n\nA fishing boat at a quay\n"
            "A boat ties up at the quay in the rain. [Ana Lima/Coast Agency]\n"
            "Published On 2 May 2024\n\nThe storm reached the coast at noon.\n\n"
            "Nets dry on a rail. [Coast Agency]\nAdvertisement\nA gull on a post\n"
            "A gull waits on a post, the bay behind it (left). [B. Ortiz/Sea/Wire]\n")

    def test_crlf_bom_and_indentation_are_tolerated(self):
        plain = parse_gallery_text(self.TEXT)
        messy = "\ufeff" + "\r\n".join("   " + ln + "\t" for ln in self.TEXT.split("\n"))
        again = parse_gallery_text(messy)
        assert again.items == plain.items
        assert (again.title, again.standfirst, again.body) == (
            plain.title, plain.standfirst, plain.body)

    def test_the_variant_parses_as_expected(self):
        g = parse_gallery_text(self.TEXT)
        assert [(i.alt, i.credit) for i in g.items] == [
            ("A fishing boat at a quay", "Ana Lima/Coast Agency"),
            (None, "Coast Agency"),
            ("A gull on a post", "B. Ortiz/Sea/Wire"),
        ]
        assert g.items[2].caption.endswith("(left).")

    def test_a_non_credit_parenthesis_stays_in_the_caption(self):
        g = parse_gallery_text("Title\n\nA man (centre) waves. [Agency]\n"
                               "A dog sleeps (pictured)\nA cat sits. (AP Photo/Kim Lee)\n")
        assert [i.caption for i in g.items] == ["A man (centre) waves.", "A cat sits."]
        assert g.items[1].alt == "A dog sleeps (pictured)"

    def test_an_unclosed_bracket_mid_text_keeps_the_photo_and_warns(self):
        g = parse_gallery_text("Title\n\nOne boat. [Ana Lima/Coast\nTwo boats. [Agency]\n")
        assert [i.credit for i in g.items] == ["Ana Lima/Coast", "Agency"]
        assert [w.line for w in g.warnings] == [3]
        assert "not closed" in g.warnings[0].message

    def test_a_cut_off_last_credit_drops_only_that_photo(self):
        g = parse_gallery_text("Title\n\nOne boat. [Ana Lima]\nTwo boats sail at da [Ana Li\n")
        assert len(g.items) == 1
        assert [w.line for w in g.warnings] == [4]

    def test_the_languages_the_issue_names_are_not_english(self):
        texts = {
            "el": "Οι ψαράδες επιστρέφουν στο λιμάνι πριν από την καταιγίδα.",
            "ar": "يعود الصيادون إلى الميناء قبل العاصفة.",
            "uk": "Рибалки повертаються до гавані перед бурею.",
        }
        for lang, words in texts.items():
            text = f"{words}\n\n{words} [Агенція]\n{words} [Agency]\n"
            g = parse_source(text.encode(), "x.txt")
            assert g.lang == lang

    def test_lang_can_be_given(self):
        g = parse_source(self.TEXT.encode(), "x.txt", lang="pt-BR")
        assert g.lang == "pt-BR"
        with pytest.raises(InputError, match="BCP 47"):
            parse_source(self.TEXT.encode(), "x.txt", lang="not a tag")


class TestBadInput:
    @pytest.mark.parametrize("data, message", [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"Title\n\x00\x01\x02binary", "binary"),
        ("Título\n\nUna foto. [Agencia]\n".encode("latin-1"), "not UTF-8"),
        (b"Just a title\n\nAnd a paragraph with no photos.\n", "no photos"),
        (b"Title\n\nA caption with a bell\x07. [Agency]\n", "control character"),
    ])
    def test_refused_with_a_clear_message(self, data, message):
        with pytest.raises(InputError, match=message) as e:
            parse_source(data, "bad.txt")
        assert str(e.value).startswith("bad.txt")

    def test_not_utf8_names_the_line(self):
        data = "Title\n\nOne. [A]\nDos años. [B]\n".encode("latin-1")
        with pytest.raises(InputError) as e:
            decode_source(data, "x.txt")
        assert e.value.line == 4
        assert str(e.value).startswith("x.txt:4:")

    def test_oversized_file_is_refused_before_reading(self, tmp_path):
        big = tmp_path / "big.txt"
        big.write_bytes(b"Title\n\n" + b"A caption. [Agency]\n" * 120_000)
        [loaded] = load_path(big)
        assert loaded.error is not None and "at most" in str(loaded.error)

    def test_a_folder_of_junk(self, tmp_path):
        (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
        (tmp_path / "picture.gif").write_bytes(b"GIF89a")
        [loaded] = load_path(tmp_path)
        assert "no gallery texts" in str(loaded.error)

    def test_a_missing_path(self, tmp_path):
        [loaded] = load_path(tmp_path / "nope.txt")
        assert "no such file" in str(loaded.error)
