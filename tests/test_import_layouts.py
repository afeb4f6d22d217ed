"""Every gallery layout issue 12 lists, each in a small fixture of our own
(tests/fixtures/layouts/), with the exact photos it must yield: (description, caption, credit).

The expectations are written out by hand from the fixture texts, so each test checks the
importer against a reading a person did, word by word."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.importers import parse_source
from reader.importers.text import parse_gallery_text

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def load(name: str):
    return parse_source((LAYOUTS / name).read_bytes(), name)


def photos(g) -> list[tuple[str | None, str, str | None]]:
    return [(i.alt, i.caption, i.credit) for i in g.items]


def messages(g) -> list[tuple[int | None, str]]:
    return [(w.line, w.message) for w in g.warnings]


def everything(g) -> list[str]:
    words = [g.title, g.standfirst or "", *g.body]
    return words + [t for i in g.items for t in (i.alt, i.caption, i.credit) if t]


def test_no_credits_with_image_caption_markers():
    g = load("markers.txt")
    assert g.title == "In pictures: Floods along the river"
    assert photos(g) == [
        ("A man wades through a flooded street carrying a bicycle on his shoulder",
         "Heavy rain fell for three days in the river valley. Thousands of homes were flooded.",
         None),
        ("Rescue workers in orange jackets steer a rubber boat past a submerged car",
         "Rescue teams used boats to reach people trapped on upper floors.", "Reuters"),
        ("Children stand on a wall above brown water",
         "Schools in the region will stay closed until Monday.", None),
    ]
    assert g.standfirst is None and g.body == []
    assert messages(g) == [(10, "photo has no credit"), (22, "photo has no credit")]
    for furniture in ("logo", "Published", "Last updated", "Image caption", "Advertisement"):
        assert not any(furniture in t for t in everything(g))


def test_no_credits_and_no_markers_descriptions_alternate_with_captions():
    g = load("alternating.txt")
    assert g.title == "Harvest season in the hills"
    assert g.standfirst == "Farmers bring in the grapes before the autumn rain."
    assert photos(g) == [
        ("A woman carries a basket of grapes up a steep terrace",
         "The harvest started a week early this year after a hot summer.", None),
        ("Tractors queue at the gate of a cooperative winery",
         "Growers wait for hours to have their grapes weighed.", None),
        ("Two men tip a crate of grapes into a press",
         "The first juice is pressed within an hour of picking.", None),
    ]
    assert g.body == ["The cooperative expects a smaller but better vintage."]
    # One warning for the whole gallery, not one a photo.
    assert [line for line, _ in messages(g)] == [5, 7]
    assert "no photo has a credit" in messages(g)[1][1]


def test_inline_wire_credits_without_brackets_and_a_bare_agency_line():
    g = load("wire_inline.txt")
    assert photos(g) == [
        ("Protesters wave flags outside parliament",
         "Protesters wave flags outside parliament in the city on Wednesday.",
         "REUTERS/Jane Roe"),
        (None, "A police officer stands behind a barrier.", "AFP/Paul Durand"),
        (None, "Demonstrators sit in the square as night falls.", "Ola Nowak/Reuters"),
        (None, "A woman holds up a placard near the station.", "Photo by KIM LEE / AFP"),
        (None, "A banner hangs from a balcony (centre) above the crowd.",
         "Photo by Sam Otis / AFP"),
        (None, "The square is cleared by the morning.", "EPA-EFE/B. Ortiz"),
    ]
    assert g.warnings == [] and g.body == []


def test_credit_on_its_own_line_after_the_caption_and_a_repeated_credit():
    g = load("credit_line_after.txt")
    assert photos(g) == [
        (None, "A trader arranges tomatoes on a stall before the market opens.",
         "REUTERS/Ana Lima"),
        (None, "Shoppers crowd the fish hall at noon.", "REUTERS/Ana Lima"),
        (None, "A porter pushes a cart of melons through the lane.", "Tom Weiss/AFP"),
    ]
    assert g.warnings == [] and g.body == []


def test_credit_line_before_the_caption_keeps_the_place_prefix():
    g = load("credit_line_before.txt")
    assert g.standfirst == "A selection of the best photos from across the continent this week."
    assert photos(g) == [
        ("Women carry water from a well",
         "Nigeria: Women carry water from a well in Kano on Tuesday, after the city's pipes "
         "ran dry.", "Sam Okafor / AFP/Getty Images"),
        ("Boys play football on a beach at sunset",
         "Ghana: Boys play football on Labadi beach in Accra.", "Jo Bloggs / Reuters"),
        ("A cyclist rides past a mural of a singer",
         "Kenya: A cyclist rides past a new mural in Nairobi's Kibera district.",
         "Amina Yusuf / EPA"),
    ]
    assert g.warnings == [] and g.body == []


def test_photograph_lines_with_headings_and_originally_appeared_notes():
    g = load("photograph_lines.txt")
    assert photos(g) == [
        ("Night shift at the port",
         "Dock workers unload containers under floodlights in the early hours.", "Lena Park"),
        ("The last ferry", "Passengers wait in the rain for the last ferry of the day.",
         "Omar Haddad"),
        ("Snow in the desert", "A rare snowfall covers the dunes near the oasis.",
         "Yuki Tanaka"),
    ]
    # The provenance notes are page furniture: dropped (README, "Importing gallery texts").
    assert not any("originally appeared" in t for t in everything(g))
    assert g.warnings == [] and g.body == []


def test_slideshow_repeats_html_counters_and_one_generic_description():
    g = load("slideshow.txt")
    assert g.title == "Wildfires on the island"
    # The page's time stamp is the gallery's publication, never a description or a caption.
    assert (g.published, g.date) == ("Sep 3, 2021 9:15 am +03 +03:00", "2021-09-03")
    assert photos(g) == [
        (None, "Firefighters try to put out a wildfire near the village of Limni on Tuesday.",
         "REUTERS/Alkis Konstantinidis"),
        (None, "A man watches the flames approach his house & garden.",
         "REUTERS/Nikolas Economou"),
        (None, "Smoke rises over the hills behind the beach.", "Giorgos Moutafis/Reuters"),
    ]
    assert messages(g) == [(15, "every photo has the same description "
                                "('Wildfires on the island'); it is not used as a description")]
    assert not any("<" in t or "&amp;" in t for t in everything(g))
    assert g.standfirst is None and g.body == []


def test_the_same_description_on_every_photo_is_one_warning():
    g = parse_gallery_text("Title\n\nA boat\nOne boat sails. [A/AFP]\nA boat\n"
                           "Two boats sail. [B/AFP]\nA boat\nThree boats sail. [C/AFP]\n")
    assert [i.alt for i in g.items] == [None, None, None]
    assert [w.line for w in g.warnings] == [4]
    assert "same description" in g.warnings[0].message


@pytest.mark.parametrize("name, lang, dir_", [
    ("greek.txt", "el", "ltr"), ("arabic.txt", "ar", "rtl"),
    ("ukrainian.txt", "uk", "ltr"), ("russian.txt", "ru", "ltr"),
])
def test_other_scripts_with_latin_credits(name, lang, dir_):
    from reader.web.pages import text_direction

    g = load(name)
    assert g.lang == lang and text_direction(g.lang) == dir_
    text = (LAYOUTS / name).read_text(encoding="utf-8").splitlines()
    # Oracle: the fixture's photo lines are its last three; each ends in its credit, written
    # in one of three styles, and the description (line 5) is the line above the first.
    expected = []
    for line in text[-3:]:
        for sep, close in ((". REUTERS/", ""), (". [", "]"), (". (", ")")):
            if sep in line:
                caption, credit = line.split(sep)
                credit = (sep[2:] if sep == ". REUTERS/" else "") + credit.removesuffix(close)
                expected.append((caption + ".", credit))
    assert [(i.caption, i.credit) for i in g.items] == expected
    assert [i.alt for i in g.items] == [text[4], None, None]
    assert g.warnings == []


@pytest.mark.parametrize("text", [
    "Just a title\n\nAnd a paragraph with no photos.\n",
    # An article with two sub-headings is not a gallery of two photos.
    "A long read\n\nThe intro.\n\nThe beginning\n\nIt began in May.\n\nThe end\n\nIt ended.\n",
    "Title\n\nPHOTO GALLERY\n\nClose\n\n1 / 38\n\nSep 3, 2021 9:15 am +03 +03:00\n",
])
def test_text_only_pages_stay_refused(text):
    from reader.errors import InputError

    with pytest.raises(InputError, match="no photos found"):
        parse_source(text.encode(), "page.txt")


def test_more_bare_credit_shapes():
    g = parse_gallery_text("Title\n\nA man walks home. Jane Roe/AFP via Getty Images\n"
                           "A dog barks. Getty Images\nA cat sleeps. Reuters/Ana Lima.\n"
                           "Open 24/7 and busy. [Ana Lima]\n"
                           "A road from Kherson/Mykolaiv. Photo: Jo Bloggs/Reuters\n"
                           "Photo 6 of 8\n"
                           "A man walks home. Photograph: Jane Roe/The Guardian\n"
                           "A cat (left) sleeps. Photograph: Tom Jones for the Guardian\n")
    assert [(i.caption, i.credit) for i in g.items] == [
        ("A man walks home.", "Jane Roe/AFP via Getty Images"),
        ("A dog barks.", "Getty Images"),
        ("A cat sleeps.", "Reuters/Ana Lima"),
        ("Open 24/7 and busy.", "Ana Lima"),
        ("A road from Kherson/Mykolaiv.", "Jo Bloggs/Reuters"),
        ("A man walks home.", "Jane Roe/The Guardian"),
        ("A cat (left) sleeps.", "Tom Jones for the Guardian"),
    ]
    assert g.warnings == [] and g.body == []


def test_an_arabic_gallery_page_is_right_to_left_with_its_latin_credit(app, client):
    g = app.extensions["library"].save(load("arabic.txt"))
    page = client.get(f"/g/{g.slug}/1").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page
    assert "REUTERS/Mohamed Abd El Ghany" in page
    assert "مصلون يؤدون صلاة العيد في ساحة المسجد الكبير صباح الثلاثاء." in page


@pytest.mark.parametrize("furniture", [
    "Sep 3, 2021 9:15 am +03 +03:00", "Last updated at 10:42", "• Published", "PHOTO GALLERY",
    "Close", "3 / 38", "Photo 3 of 38", "Reuters logo", "Advertisement", "AFP",
    "Tuesday 14 November 2023 10.42 GMT",
])
def test_furniture_is_never_a_title_or_a_description(furniture):
    g = parse_gallery_text(f"{furniture}\nRiver towns\n\nA quay\nA boat at the quay. [A/EPA]\n"
                           f"A second boat. [B/EPA]\n{furniture}\nA third boat. [C/EPA]\n")
    assert g.title == "River towns"
    assert [(i.alt, i.caption) for i in g.items] == [
        ("A quay", "A boat at the quay."), (None, "A second boat."), (None, "A third boat.")]
    assert g.body == [] and g.standfirst is None


def test_a_marked_caption_cut_off_mid_sentence_is_dropped_with_its_description():
    text = (LAYOUTS / "markers.txt").read_text(encoding="utf-8")
    cut = text[: text.index("until Monday")]  # the third caption stops mid-sentence
    g = parse_gallery_text(cut)
    assert [i.alt for i in g.items] == [
        "A man wades through a flooded street carrying a bicycle on his shoulder",
        "Rescue workers in orange jackets steer a rubber boat past a submerged car"]
    assert g.body == []
    assert [(w.line, w.message.split(";")[0]) for w in g.warnings] == [
        (10, "photo has no credit"), (22, "the text stops inside a caption (cut off?)")]


def test_a_title_shaped_like_a_labelled_credit_stays_the_title():
    g = parse_gallery_text("Photo: A day in Kyiv\n\nA tram passes. [Ana Lima/EPA]\n")
    assert g.title == "Photo: A day in Kyiv" and g.warnings == []


def test_labelled_credits_of_other_newsrooms_read_by_the_same_rules():
    """A layout the issue does not list (Guardian/NYT-style labels, `©`), read by the
    general rules: a labelled credit on its line or after the caption's last sentence."""
    g = load("labelled_credits.txt")
    assert (g.title, g.standfirst) == ("The week in wildlife – in pictures",
                                       "The best wildlife photographs from around the world")
    assert (g.published, g.date) == ("Thu 12 Jan 2023 08.00 GMT", "2023-01-12")
    assert photos(g) == [
        ("A red fox in the snow",
         "A red fox hunts for voles in a snowy field near Bern, Switzerland.",
         "Peter Klaunzer/EPA"),
        ("A heron on a post", "A grey heron waits for fish on a post in the Thames.",
         "Jane Roe for The New York Times"),
        ("A seal", "A seal pup rests on a beach in Norfolk.", "Joe Giddens/PA"),
        (None, "A deer stands in a park.", "Ana Lima"),
    ]
    assert g.warnings == [] and g.body == []


def test_credit_line_before_the_caption_without_blank_lines_and_cut_off():
    text = (LAYOUTS / "credit_line_before.txt").read_text(encoding="utf-8")
    tight = "\n".join(ln for ln in text.splitlines() if ln.strip())
    assert photos(parse_gallery_text(tight)) == photos(load("credit_line_before.txt"))
    cut = parse_gallery_text(text[: text.index("new mural")])
    assert [i.alt for i in cut.items] == ["Women carry water from a well",
                                          "Boys play football on a beach at sunset"]
    assert cut.body == []
    assert [(w.line, w.message.split(";")[0]) for w in cut.warnings] == [
        (18, "the text stops inside a caption (cut off?)")]
