"""What eSpeak NG actually says: every rule's example, the real galleries' credits and the
Greek and Arabic galleries, checked through the engine's own phonemes
(`espeak_TextToPhonemes` of the libespeak-ng the reader loads), not the text handed to it.

Oracles are eSpeak's ASCII phoneme names written by hand ("T'3:d" is "third"); each check
also holds the raw text to the opposite answer, so it shows the rule is what changes the
speech.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.importers import load_path
from reader.speech.listening import parts
from reader.speech.normalise import normalise
from reader.speech.phonemes import phonemes
from tests.speech.script_data import DATA

FIXTURES = Path(__file__).parent.parent / "fixtures"

# (rule, text, phonemes said after the rule, phonemes the raw text gives instead)
EXAMPLES = [
    ("dates", "Monday, April 3, 2023.", "'eIpr@L T'3:d", "'eIpr@L Tr'i:"),
    ("dates", "in May 2022", "tw'Enti tw'Entit'u:", "T'aUz@nd"),
    ("iso_dates", "Taken 2023-04-03.", "'eIpr@L T'3:d", "T'aUz@nd"),
    ("decades", "in the 1990s", "n'aIntiz", "h'VndrI2d"),
    ("units", "a walk of 12 km", "k'Il@m", "k,eI'Em"),
    ("units", "at 25°C", "s'ElsI2", "gr'i:z s'i:"),
    ("currency", "a $1.5bn deal", "b'Ili@n d'0l3z", "b,i:;'En"),
    ("regnal", "King Charles III", "D@ T'3:d", "r,oUm@n"),
    ("positions", "Jane Roe (L) waves", "l'Eft", "'El"),
    ("positions", "John Doe (R) waves", "r'aIt", "'A@"),
    ("initialisms", "Photo: Bernat Armangue, AP.", "eIp'i:", "'ap"),
    ("initialisms", "Photo: Jane Roe, AFP.", "eI,Efp'i:", "'afp"),
    ("initialisms", "Photo: Jane Roe, EPA.", "i:p,i:;'eI", "'Ep@"),
    ("initialisms", "Photo: Ali Musa, UPI.", "j,u:p,i:;'aI", "j'u:pi"),
    ("symbols", "Fans 🎉 cheer", "f'anz tS'i@", "p'0p3"),
]


@pytest.fixture(scope="module")
def said():
    texts = [t for _, t, _, _ in EXAMPLES]
    normalised = phonemes([normalise(t) for t in texts])
    raw = phonemes(texts)
    return dict(zip(texts, zip(normalised, raw, strict=True), strict=True))


@pytest.mark.parametrize("rule, text, good, bad", EXAMPLES,
                         ids=[f"{r}-{i}" for i, (r, *_rest) in enumerate(EXAMPLES)])
def test_the_engine_says_each_rule_right(said, rule, text, good, bad):
    after, before = said[text]
    assert good in after, f"{normalise(text)!r} is said {after!r}"
    assert bad not in after and bad in before, (after, before)


def test_quotes_and_a_dash_after_a_full_stop_are_pauses_not_words():
    quoted = "Protesters chant “go home” as troops leave"
    dashed = "They left the province. — Army troops stayed"
    q, d = phonemes([normalise(quoted), normalise(dashed)])
    q_raw, d_raw = phonemes([quoted, dashed])
    # " | " is a clause boundary, where eSpeak NG pauses.
    assert q.count(" | ") == 2 and q_raw.count(" | ") < 2
    assert d.count(" | ") == 1 and "d'aS" not in d


# Letter names as eSpeak NG's English voice says them (stress marks removed).
LETTERS = {"A": "eI", "B": "bi:", "C": "si:", "D": "di:", "E": "i:", "F": "Ef", "G": "dZi:",
           "I": "aI", "N": "En", "O": "oU", "P": "pi:", "S": "Es", "T": "ti:", "U": "ju:"}


def _held_credits() -> list[str]:
    out = []
    for path in sorted(DATA.glob("*.json")):
        out += [i["credit"] for i in json.loads(path.read_text("utf-8"))["items"]
                if i["credit"]]
    return out


def test_every_held_credit_spells_its_agency_initials_as_letters():
    credits = sorted(set(_held_credits()))
    assert len(credits) > 20
    for credit, ph in zip(credits, phonemes(credits), strict=True):
        flat = re.sub(r"[',;_:| ]", "", ph.replace("i:", "I"))
        for initials in re.findall(r"\b((?:[A-Z]\.){2,})", credit):
            letters = "".join(LETTERS[c] for c in initials.replace(".", ""))
            assert re.sub(r"[',;_:| ]", "", letters.replace("i:", "I")) in flat, \
                (credit, ph)
        # The photographer comes first, the agency after "Photo:".
        assert credit.startswith("Photo: ")


# The letters A, F, P as each voice names them (the non-Latin voices switch to English).
@pytest.mark.parametrize("lang, text, letters", [
    ("el", "Φωτογραφία: Νίκος Αλεξίου, AFP.", "'eI'Efp'i:"),
    ("ar", "تصوير: أحمد سالم، AFP.", "'eI'Efp'i:"),
    ("ru", "Фото: Иван Петров, AFP.", "'eI'Efp'i:"),
    ("uk", "Фото: Іван Петренко, AFP.", "'eI'Efp'i:"),
    ("fr", "Photo : Jean Roux, AFP.", ",a,Efp'e"),
    ("es", "Foto: Juan Ruiz, AFP.", ",a,efep'e"),
    ("de", "Foto: Jan Roth, AFP.", ",A:,Efp'e:"),
    ("tr", "Fotoğraf: Ali Kaya, AFP.", ",af,Ep'E"),
])
def test_agency_initials_are_letters_in_every_languages_voice(lang, text, letters):
    from reader.speech.normalise import normalise as norm

    (said,) = phonemes([norm(text, lang)], lang)
    assert letters in said, said
    assert "'afp" not in said  # what the raw text gives in all but Turkish


def _fixture(name):
    return next(iter(load_path(FIXTURES / name))).gallery


@pytest.mark.parametrize("name, lang, voice, one_of_three", [
    ("gallery_el.txt", "el", "el", "ap,o tr'i;a"),
    ("gallery_ar.txt", "ar", "ar", "w'a:Hid m'in Tal'a:Ta"),
])
def test_greek_and_arabic_galleries_are_said_wholly_in_their_language(name, lang, voice,
                                                                      one_of_three):
    gallery = _fixture(name)
    assert gallery.lang == lang
    texts = [p.text for p in parts(gallery)]
    said = phonemes(texts, voice)
    for text, ph in zip(texts, said, strict=True):
        # No switch to another language's rules, no letter-by-letter spelling, no English.
        assert "(en)" not in ph and "_:" not in ph, (text, ph)
        assert not re.search(r"[A-Za-z]{3,}", text), text
    assert one_of_three in said[1]  # "Photo 1 of 3" in the language's own words


def test_a_greek_caption_through_an_english_voice_is_what_the_voice_rule_prevents():
    gallery = _fixture("gallery_el.txt")
    ph = phonemes([parts(gallery)[1].text], "en")[0]
    assert "'alf@_" in ph  # the English voice spells Greek letter by letter ("alpha")
