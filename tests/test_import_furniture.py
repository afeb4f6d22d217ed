"""Page furniture nobody wrote a rule for by name: time stamps in the shapes newsrooms print,
bylines, share/licensing/social lines and rights notices; and the two gaps of the first round
(an uncredited caption among credited photos, a stray `Image caption,` marker at the top).

Each fixture (tests/fixtures/layouts/) is our own text in a newsroom's layout; the expected
words below are read off the fixture by hand, so the importer is checked against a person's
reading of it."""

from __future__ import annotations

import pytest

from reader.importers.text import parse_gallery_text
from tests.test_import_layouts import everything, load, messages, photos


def test_wire_time_stamp_licensing_links_and_an_uncredited_caption():
    g = load("wire_stamps.txt")
    assert g.title == "Pictures of the week: Summer storms"
    # `… GMT+2 Updated ago`: the stamp, without its label, is when the gallery was published.
    assert (g.published, g.date) == ("June 14, 2024 6:05 PM GMT+2", "2024-06-14")
    assert g.standfirst is None and g.body == []
    assert photos(g) == [
        (None, "Lightning strikes over the harbour of Split, Croatia, June 10, 2024.",
         "REUTERS/Marko Babic"),
        (None, "A woman shelters under a coat as hail falls in Lyon, France, June 11, 2024.",
         "REUTERS/Claire Dubois"),
        (None, "Firefighters pump water from a flooded underpass in Munich, Germany, "
               "June 12, 2024.", None),
        (None, "A fallen tree blocks a road near Graz, Austria, June 13, 2024.",
         "REUTERS/Lena Gruber"),
    ]
    assert messages(g) == [(13, "photo has no credit")]
    for furniture in ("Licensing", "Share", "Save", "Follow", "Read more", "Related",
                      "rights reserved", "logo"):
        assert not any(furniture in t for t in everything(g))


def test_wire_byline_and_updated_stamp_are_not_the_standfirst_or_body():
    g = load("ap_byline.txt")
    assert g.title == "AP PHOTOS: A desert bloom after rare winter rain"
    assert (g.published, g.date) == ("9:41 AM EDT, March 3, 2024", "2024-03-03")
    assert g.standfirst is None and g.body == []
    assert photos(g) == [
        (None, "Wildflowers carpet the valley floor in Death Valley National Park, Calif., "
               "Feb. 27, 2024.", "AP Photo/Ty O'Neil"),
        (None, "A visitor photographs desert gold flowers near Badwater Basin, Feb. 28, 2024.",
         "AP Photo/Ty O'Neil"),
        (None, "A lizard rests on a rock among purple blossoms, Feb. 29, 2024.",
         "AP Photo/John Doe"),
    ]
    assert g.warnings == []


def test_bbc_byline_relative_stamp_and_rights_notice():
    g = load("bbc_rights.txt")
    assert g.title == "In pictures: Spring lambs on the fells"
    assert g.standfirst == "Farmers across Cumbria are in the middle of the lambing season."
    assert g.body == []
    # `Published 3 hours ago` is furniture, but names no day: no published date.
    assert (g.published, g.date) == (None, None)
    assert photos(g) == [
        ("A ewe with two newborn lambs in a field",
         "Most lambs are born between March and May.", "Jane Roe"),
        ("A farmer carries a lamb across a stream",
         "Some farms still bring their flocks down from the fells by hand.", "PA Media"),
    ]
    assert g.warnings == []
    for furniture in ("By Jane Roe", "BBC News", "copyright", "Share", "Related", "ago"):
        assert not any(furniture in t for t in everything(g))


def test_a_stray_marker_at_the_top_marks_nothing():
    g = load("stray_marker.txt")
    assert g.title == "In pictures: Night markets of the north"
    assert g.standfirst == "Night markets open across the region as the weather warms."
    assert photos(g) == [
        ("A stallholder grills skewers over charcoal",
         "Stallholders start cooking at sunset.", None),
        ("Lanterns hang above a row of food stalls",
         "Paper lanterns light the busiest lanes.", None),
    ]
    assert g.body == []
    assert messages(g) == [(9, "no photo has a credit")]


def test_an_uncredited_caption_between_described_photos_and_top_bylines():
    g = load("uncredited_between.txt")
    assert g.title == "Photos: Ice fishing on the frozen lake"
    assert g.standfirst == "Anglers camp on the ice for the annual festival."
    assert photos(g) == [
        ("Tents stand in rows on the ice",
         "Hundreds of tents stand on the frozen lake at dawn.", "Tom Weiss/Getty Images"),
        ("A man drills a hole through the ice",
         "A man drills through ice 40cm thick on the first morning.", None),
        ("A boy holds up a small perch",
         "A boy holds up his first catch of the day.", "Tom Weiss/Getty Images"),
    ]
    assert g.body == ["The festival ends on Sunday with a prize for the biggest fish."]
    assert messages(g) == [(12, "photo has no credit")]
    assert not any("by" in t.split() for t in everything(g))  # `Words by`, `Photos by`


@pytest.mark.parametrize("stamp, published, date", [
    ("March 31, 2024 10:15 AM GMT+1 Updated ago", "March 31, 2024 10:15 AM GMT+1",
     "2024-03-31"),
    ("Updated 3:14 PM UTC, April 2, 2024", "3:14 PM UTC, April 2, 2024", "2024-04-02"),
    ("Published 8 March 2023, 14:05", "8 March 2023, 14:05", "2023-03-08"),
    ("Published: 14:05 BST, 2 April 2024", "14:05 BST, 2 April 2024", "2024-04-02"),
    ("Last updated on April 2, 2024 at 3:14 p.m. EDT", "April 2, 2024 at 3:14 p.m. EDT",
     "2024-04-02"),
    ("Updated: Tue 2 Apr 2024 14.05 BST", "Tue 2 Apr 2024 14.05 BST", "2024-04-02"),
    ("Posted Mon, April 1, 2024 at 9 AM ET", "Mon, April 1, 2024 at 9 AM ET", "2024-04-01"),
    ("Saturday 6 July 2024 21:30 CEST", "Saturday 6 July 2024 21:30 CEST", "2024-07-06"),
    ("2024-07-06 09:30 +02:00", "2024-07-06 09:30 +02:00", "2024-07-06"),
    ("Published 3 hours ago", None, None),
    ("Updated 2 days ago", None, None),
    ("an hour ago", None, None),
    ("Last updated 21:30", None, None),
    ("Updated July 6", None, None),
    ("Published 2h ago", None, None),
    ("Nov. 14, 2023, 10:42 a.m. ET", "Nov. 14, 2023, 10:42 a.m. ET", "2023-11-14"),
    ("First published on Tue 14 Nov 2023 10.42 GMT", "Tue 14 Nov 2023 10.42 GMT",
     "2023-11-14"),
    ("10:42 | 14 Nov 2023", "10:42 | 14 Nov 2023", "2023-11-14"),
    # Day and month in an order the text does not say: furniture, but no date.
    ("Published 04/11/2023", None, None),
])
def test_time_stamps_are_furniture_and_give_the_published_date(stamp, published, date):
    g = parse_gallery_text(f"River towns\n{stamp}\n\nA quay\nA boat at the quay. [A/EPA]\n"
                           f"A second boat. [B/EPA]\n{stamp}\nA third boat. [C/EPA]\n")
    assert g.title == "River towns"
    assert [(i.alt, i.caption) for i in g.items] == [
        ("A quay", "A boat at the quay."), (None, "A second boat."), (None, "A third boat.")]
    assert g.body == [] and g.standfirst is None
    assert (g.published, g.date) == (published, date)


def test_a_published_stamp_wins_over_an_earlier_update_stamp():
    g = parse_gallery_text("River towns\nUpdated 3 April 2024\nPublished 1 April 2024\n\n"
                           "A boat at the quay. [A/EPA]\n")
    assert (g.published, g.date) == ("1 April 2024", "2024-04-01")


@pytest.mark.parametrize("byline", [
    "By JOHN SMITH", "By Jane Roe and Ola Nowak", "By Jane Roe, Reuters",
    "By MARÍA GARCÍA and JOHN DOE, Associated Press", "Words by Jane Roe",
    "Photos by Jane Roe", "Words and pictures by Ana Lima", "Getty Images",
])
def test_bylines_under_the_title_are_furniture(byline):
    for text in (f"River towns\n{byline}\n\nA boat at the quay. [A/EPA]\nA ship. [B/EPA]\n",
                 f"River towns\nOur week on the river.\n{byline}\n\n"
                 "A boat at the quay. [A/EPA]\nA ship. [B/EPA]\n"):
        g = parse_gallery_text(text)
        assert g.title == "River towns"
        assert g.standfirst == ("Our week on the river." if "Our" in text else None)
        assert [(i.caption, i.credit) for i in g.items] == [
            ("A boat at the quay.", "A/EPA"), ("A ship.", "B/EPA")]
        assert g.body == [] and g.warnings == []


def test_byline_shaped_lines_that_are_not_bylines():
    # `Photos by …` after each caption: each photo's credit.
    g = parse_gallery_text("River towns\nA boat sails.\nPhotos by Jane Roe\n"
                           "A ship docks.\nPhotos by Ana Lima\n")
    assert [(i.caption, i.credit) for i in g.items] == [
        ("A boat sails.", "Jane Roe"), ("A ship docks.", "Ana Lima")]
    # A capitalised description right above its caption is the description.
    g = parse_gallery_text("River towns\nBy Lake Geneva\nSwans swim. [A/AFP]\n")
    assert photos(g) == [("By Lake Geneva", "Swans swim.", "A/AFP")]
    # Under a header agency, a one-line block of names above a caption is its description
    # (only a writer's byline has a newsroom line under it).
    g = parse_gallery_text("River towns\nGetty Images\n\nA Heron\n\nA heron waits. [A/AFP]\n\n"
                           "A Swan\n\nA swan sails. [B/AFP]\n")
    assert photos(g) == [("A Heron", "A heron waits.", "A/AFP"),
                         ("A Swan", "A swan sails.", "B/AFP")]
    # A sentence starting with `By` is a caption.
    g = parse_gallery_text("River towns\n\nBy night, the quay is lit. [A/AFP]\n")
    assert photos(g) == [(None, "By night, the quay is lit.", "A/AFP")]


@pytest.mark.parametrize("furniture", [
    "Purchase Licensing Rights", "Share", "Share this", "Share this article", "Save", "Follow",
    "Read more", "Related", "Related Topics", "Copy link", "Email", "Facebook",
    "All photographs subject to copyright.", "All images are copyrighted",
    "© 2024 Reuters. All rights reserved.",
])
def test_share_licensing_and_rights_lines_are_never_words_of_the_gallery(furniture):
    g = parse_gallery_text(f"River towns\n{furniture}\n\nA quay\nA boat at the quay. [A/EPA]\n"
                           f"{furniture}\n\nA second boat. [B/EPA]\n{furniture}\n\n"
                           f"A third boat. [C/EPA]\n\n{furniture}\n")
    assert g.title == "River towns"
    assert [(i.alt, i.caption) for i in g.items] == [
        ("A quay", "A boat at the quay."), (None, "A second boat."), (None, "A third boat.")]
    assert g.body == [] and g.standfirst is None and g.warnings == []


def test_an_uncredited_caption_alone_between_wire_photos_is_a_photo_but_an_article_is_not():
    photo = "A boat at the quay. [A/EPA]\n\n"
    g = parse_gallery_text(f"River towns\n\n{photo}A ship in the lock.\n\n{photo}")
    assert [(i.caption, i.credit) for i in g.items] == [
        ("A boat at the quay.", "A/EPA"), ("A ship in the lock.", None),
        ("A boat at the quay.", "A/EPA")]
    assert messages(g) == [(5, "photo has no credit")]
    # Two paragraphs between the photos: body text, not photos.
    g = parse_gallery_text(f"River towns\n\n{photo}The lock opened in 1890.\n\n"
                           f"It is the oldest on the river.\n\nA ship. [B/EPA]\n")
    assert len(g.items) == 2
    assert g.body == ["The lock opened in 1890.", "It is the oldest on the river."]
    # As many uncredited paragraphs as credited photos: an article, not a gallery.
    g = parse_gallery_text(f"River towns\n\n{photo}The lock opened in 1890.\n\nA ship. [B/EPA]\n")
    assert len(g.items) == 3  # one of two: fewer uncredited than credited
    g = parse_gallery_text("River towns\n\nA boat. [A/EPA]\n\nThe lock opened in 1890.\n\n"
                           "A ship. [B/EPA]\n\nIt is the oldest on the river.\n\n"
                           "A tug. [C/EPA]\n")
    # (Two uncredited among three credited: no photos of their own. Here they are read as the
    # one-line blocks above the next captions, as before.)
    assert [i.credit for i in g.items] == ["A/EPA", "B/EPA", "C/EPA"]


def _seed_without_one_credit(k: int):
    import re

    from tests.conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    lines = text.splitlines()
    credited = [i for i, ln in enumerate(lines) if ln.rstrip().endswith("]")]
    lines[credited[k]] = re.sub(r"\s*\[[^\]]*\]\s*$", "", lines[credited[k]])
    return parse_gallery_text(text), parse_gallery_text("\n".join(lines)), credited[k] + 1


@pytest.mark.parametrize("k", range(2, 12))
def test_the_seed_with_one_credit_cut_keeps_that_photo(k):
    """Oracle: the seed as published (its reading is checked word by word elsewhere); the
    same text with the k-th caption's credit cut must yield the same photos, that one
    without a credit, and say so."""
    whole, cut, line = _seed_without_one_credit(k)
    assert photos(cut) == [(i.alt, i.caption, None if n == k else i.credit)
                           for n, i in enumerate(whole.items)]
    assert messages(cut) == [(line, "photo has no credit")]
    assert cut.body == whole.body and cut.standfirst == whole.standfirst


def test_known_gap_an_uncredited_photo_right_after_body_paragraphs_is_body_text():
    # The seed's second photo has no description and follows the body paragraphs: nothing
    # around it is printed the same way, so without its credit it reads as one more paragraph.
    whole, cut, _ = _seed_without_one_credit(1)
    assert len(cut.items) == len(whole.items) - 1
    assert cut.body == [*whole.body, whole.items[1].caption]
