"""The speech script (pure): natural credits, normalisation, description on request, lexicon."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.errors import InputError
from reader.importers import load_path
from reader.model import Item
from reader.speech.lexicon import Lexicon, check_entry
from reader.speech.script import SpeechSettings, credit_phrase, normalise, sentences, speech_script
from tests.conftest import GALLERIES, SEED


@pytest.mark.parametrize("credit, spoken", [
    ("Sergei Ilnitsky/EPA", "Photo: Sergei Ilnitsky, EPA."),
    ("Reuters", "Photo: Reuters."),
    ("Grigory Sysoyev/Sputnik/Reuters", "Photo: Grigory Sysoyev, Sputnik via Reuters."),
    ("Sedat Suna / EPA / Shutterstock", "Photo: Sedat Suna, EPA via Shutterstock."),
    ("Prakash Singh / AFP/Getty Images", "Photo: Prakash Singh, AFP via Getty Images."),
    ("AP Photo/Bernat Armangue", "Photo: Bernat Armangue, AP."),
    ("Francisco Seco/AP Photo", "Photo: Francisco Seco, AP."),
    ("[Olga Nowak/Fieldnotes Agency]", "Photo: Olga Nowak, Fieldnotes Agency."),
    ("Photo by Ana Ruiz", "Photo: Ana Ruiz."),
    (None, None),
    ("  ", None),
])
def test_credit_is_said_naturally(credit, spoken):
    assert credit_phrase(credit) == spoken


@pytest.mark.parametrize("text, said", [
    ("A boat – the last one – leaves.", "A boat, the last one, leaves."),
    ("Waiting… and waiting", "Waiting, and waiting"),
    ("Open 9–17 daily, 2019-2022 season",
     "Open 9 to 17 daily, twenty nineteen to twenty twenty-two season"),
    ("He said “enough” and left", "He said, enough, and left"),
    ("the cook’s knife", "the cook's knife"),
    ("cats and/or dogs", "cats and or dogs"),
    ("Salt & pepper", "Salt and pepper"),
    ("A house (left) burns", "A house, left, burns"),
    ("Residents in Miami, Fla. Police arrived", "Residents in Miami, Florida. Police arrived"),
    ("in Austin, Texas, on Jan. 5", "in Austin, Texas, on January fifth"),
    ("tabs\there\x07 and\u200bzero", "tabs here and zero"),
])
def test_normalise_rewrites_what_espeak_reads_badly(text, said):
    assert normalise(text) == said


@given(st.text(max_size=300))
def test_normalised_text_has_no_slashes_brackets_or_control_characters(text):
    out = normalise(text)
    assert not re.search(r"[/\[\]{}()\x00-\x1f\x7f“”]", out)
    assert out == out.strip()


def test_description_first_and_only_when_asked():
    item = Item(1, "Gulls circle the harbour at dawn.", "Mira Holt/Coastline Press",
                alt="Birds over grey water")
    assert speech_script(item) == ("Gulls circle the harbour at dawn. "
                                   "Photo: Mira Holt, Coastline Press.")
    described = speech_script(item, SpeechSettings(describe=True))
    assert described == ("Description: Birds over grey water. Gulls circle the harbour at "
                         "dawn. Photo: Mira Holt, Coastline Press.")
    assert speech_script(item, SpeechSettings(describe=True), describe=False) == \
        speech_script(item)


@pytest.mark.parametrize("alt", [
    "AFP",  # furniture: an agency's name
    "Mira Holt",  # furniture: the credit again
    "Gulls circle the harbour.",  # a near-copy of the caption
    "gulls circle the harbour at dawn",
])
def test_descriptions_that_add_nothing_are_skipped(alt):
    item = Item(1, "Gulls circle the harbour at dawn.", "Mira Holt/Coastline Press", alt=alt)
    assert speech_script(item, SpeechSettings(describe=True)) == speech_script(item)


def test_every_real_caption_is_spoken_without_slashes_or_brackets():
    items = []
    for path in [SEED, *sorted(GALLERIES.glob("*.txt"))]:
        for loaded in load_path(path):
            items += loaded.gallery.items
    assert len(items) > 30
    for item in items:
        text = speech_script(item, SpeechSettings(describe=True))
        assert "/" not in text and "[" not in text and "(" not in text, text
        assert normalise(item.caption)[:20] in text
        if item.credit:
            assert " Photo: " in text


def test_lexicon_whole_words_and_case_rules():
    lex = Lexicon({"kyiv": "keev", "US": "United States", "New York": "Noo York"})
    assert lex.apply("Kyiv, KYIV and kyiv; Kyivan stays") == \
        "keev, keev and keev; Kyivan stays"
    assert lex.apply("the US and us") == "the United States and us"
    assert lex.apply("New York and York") == "Noo York and York"


def test_a_lexicon_entry_ending_in_a_full_stop_leaves_no_double_stop():
    item = Item(1, "Reporters from AP wait.", "Ana Ruiz/AP")
    text = speech_script(item, lexicon=Lexicon({"AP": "A.P.", "wait": "wait."}))
    assert text == "Reporters from A.P. wait. Photo: Ana Ruiz, A.P."
    assert ".." not in text


def test_the_lexicon_preview_says_what_the_caption_will():
    from reader.speech.script import say

    lex = Lexicon({"Kyiv": "Keev", "AP": "A.P."})
    item = Item(1, "AP reporters in Kyiv on April 3.", None)
    assert say(item.caption, "en", lex) + "" == speech_script(item, lexicon=lex)
    assert speech_script(item, lexicon=lex) == "A.P. reporters in Keev on April third."


def test_lexicon_is_applied_to_speech_only():
    item = Item(1, "A tram in Kyiv.", "Ana Ruiz/Metro")
    text = speech_script(item, lexicon=Lexicon({"Kyiv": "Keev"}))
    assert text == "A tram in Keev. Photo: Ana Ruiz, Metro."
    assert item.caption == "A tram in Kyiv."


@pytest.mark.parametrize("word, spoken", [("", "x"), ("two  spaces<", "x"), ("ok", ""),
                                          ("ok", "<speak>"), ("x" * 81, "y")])
def test_lexicon_refuses_bad_entries_naming_the_field(word, spoken):
    with pytest.raises(InputError) as e:
        check_entry(word, spoken)
    assert e.value.field in {"word", "spoken"}


def test_sentences_cover_the_script_and_skip_initials():
    text = "A boat leaves. J. Smith waves! Photo: Ana Ruiz, Metro."
    spans = sentences(text)
    assert [text[a:b] for a, b in spans] == ["A boat leaves.", "J. Smith waves!",
                                             "Photo: Ana Ruiz, Metro."]
