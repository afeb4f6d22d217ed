"""The lexicon's kinds of entry (substitute, spell, phonemes, language), checked on what the
REAL engine says: eSpeak NG's own phonemes of the script (`espeak_TextToPhonemes`), and for
the kinds eSpeak's phonemiser cannot see (phoneme input, another voice) the rendered audio
against the engine saying the oracle text itself. Plus: transcripts, cues and the API show
the written words, and the editors' "Listen first" gives the saved entry's audio.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from reader.errors import InputError
from reader.model import Gallery, Item
from reader.speech import markup
from reader.speech.engine import Rendering
from reader.speech.lexicon import Lexicon, check_entry, spell
from reader.speech.phonemes import phonemes
from reader.speech.script import say
from reader.speech.worker import EnginePool
from tests.speech.conftest import envelope_correlation, pcm

VOICE, RATE = "gmw/en", 175


def _bare(ph: str) -> str:
    """Phonemes without stress marks and pauses (eSpeak moves stress with the context)."""
    return re.sub(r"[',_:; |]", "", ph)


def _x(r: Rendering) -> np.ndarray:
    return np.frombuffer(r.samples, dtype="<i2").astype(np.float64) / 32768.0


@pytest.fixture(scope="module")
def pool():
    p = EnginePool()
    yield p
    p.close()


# -- the kinds, through eSpeak NG's phonemes ----------------------------------------------
def test_substitute_says_the_spoken_form():
    lex = Lexicon({"Kyiv": ("Keev", "substitute")})
    said, raw, oracle = phonemes([say("Crowds in Kyiv.", "en", lex), "Crowds in Kyiv.",
                                  "Keev"])
    assert _bare(oracle) in _bare(said) and _bare(oracle) not in _bare(raw)


@pytest.mark.parametrize("word, sentence", [
    ("AFP", "Photo: Jane Roe, AFP."),           # last in the sentence: "afp" without it
    ("Nato", "Troops of Nato arrive."),          # a word eSpeak says as a word
    ("A", "Plan A was dropped."),                # a lone "A" is the article without it
])
def test_spell_says_each_letter_as_the_voice_names_it(word, sentence):
    lex = Lexicon({word: (spell(word), "spell")})
    script = say(sentence, "en", lex)
    # The oracle: each letter alone, as eSpeak names it ("A" alone is "'eI", "F" is "'Ef").
    letters = phonemes([c for c in word.upper()])
    said, raw = phonemes([script, sentence])
    names = "".join(_bare(p) for p in letters)
    assert names in _bare(said), (script, said)
    assert names not in _bare(raw), raw


def test_a_lone_a_spelled_with_a_full_stop_would_be_the_article():
    """Why a one-letter spelling is "A-": "A." inside a sentence is read as the article."""
    dotted, dashed = phonemes(["Plan A. was dropped", "Plan A- was dropped"])
    assert "a#" in dotted and "eI" in dashed


def test_phonemes_say_what_the_notation_says(pool):
    """The entry's phonemes are eSpeak's own for "Keev": the audio matches the engine saying
    "Keev", and not saying "Kyiv" (which eSpeak reads otherwise)."""
    keev, kyiv = phonemes(["Keev", "Kyiv"])
    assert _bare(keev) != _bare(kyiv)
    script = say("Crowds in Kyiv today.", "en", Lexicon({"Kyiv": (keev, "phonemes")}))
    assert f"[[{keev}]]" in script and markup.written(script) == "Crowds in Kyiv today."
    entry = pool.render(script, VOICE, RATE, 1.0)
    same = pool.render("Crowds in Keev today.", VOICE, RATE, 1.0)
    other = pool.render("Crowds in Kyiv today.", VOICE, RATE, 1.0)
    rate = entry.sample_rate
    assert abs(entry.duration - same.duration) < 0.02
    assert envelope_correlation(_x(entry), _x(same), rate) > 0.97
    assert envelope_correlation(_x(entry), _x(same), rate) > \
        envelope_correlation(_x(entry), _x(other), rate)
    entry.verify(script)  # word marks fit the text handed to the engine


def test_language_says_the_phrase_with_that_languages_voice(pool):
    phrase = "Las Siete Palabras"
    es, en = phonemes([phrase], "es")[0], phonemes([phrase])[0]
    assert _bare(es) != _bare(en)  # the oracle: Spanish "sjete", English "saI@t"
    lex = Lexicon({phrase: ("es", "language")})
    script = say(f"They sang {phrase} in the square.", "en", lex)
    assert markup.written(script) == f"They sang {phrase} in the square."
    # The phrase alone through the entry is the Spanish voice saying it.
    alone = pool.render(say(phrase, "en", lex), VOICE, RATE, 1.0)
    spanish = pool.render(phrase, "roa/es", RATE, 1.0)
    english = pool.render(phrase, VOICE, RATE, 1.0)
    rate = alone.sample_rate
    assert abs(alone.duration - spanish.duration) < 0.02
    assert envelope_correlation(_x(alone), _x(spanish), rate) > 0.97
    assert envelope_correlation(_x(alone), _x(spanish), rate) > \
        envelope_correlation(_x(alone), _x(english), rate)
    # Inside a sentence: the English before and after, the Spanish joined in between, and
    # every word mark inside the text (marks of the phrase fall on its first word).
    whole = pool.render(script, VOICE, RATE, 1.0)
    whole.verify(script)
    text, timed = markup.shown(script, whole)
    starts = [c for c, _ in timed.marks]
    assert text.index("Las") in starts and text.index("square") in starts
    assert whole.duration > alone.duration + 1.0


def test_the_normaliser_leaves_spans_alone_and_still_works_around_them():
    lex = Lexicon({"Kyiv": ("k'i:v", "phonemes"), "Las Siete Palabras": ("es", "language"),
                   "AP": ("A.P.", "spell")})
    script = say("In Kyiv, “Las Siete Palabras” on April 3, 2023. Photo: AP.", "en", lex)
    assert markup.written(script) == ("In Kyiv, Las Siete Palabras, on April third, "
                                      "twenty twenty-three. Photo: A.P.")
    assert "[[k'i:v]]" in script and "@es" in script


# -- checking entries ------------------------------------------------------------------------
@pytest.mark.parametrize("word, spoken, kind, field", [
    ("Kyiv", "k'i:v]] <b>", "phonemes", "spoken"),
    ("Kyiv", "", "phonemes", "spoken"),
    ("Kyiv", "Spanish", "language", "spoken"),
    ("Kyiv", "keev", "shout", "kind"),
])
def test_bad_entries_name_their_field(word, spoken, kind, field):
    with pytest.raises(InputError) as e:
        check_entry(word, spoken, kind)
    assert e.value.field == field


def test_checked_entries():
    assert check_entry("afp", "", "spell") == ("afp", "A.F.P.")
    assert check_entry("Kyiv", "[[k'i:v]]", "phonemes") == ("Kyiv", "k'i:v")
    assert check_entry("Las Siete Palabras", "ES", "language") == ("Las Siete Palabras", "es")


# -- what people see: the written words --------------------------------------------------------
def test_api_cues_and_word_cues_show_the_written_words(speech_app):
    library = speech_app.extensions["library"]
    library.set_pronunciation("Kyiv", "k'i:v", "phonemes")
    library.set_pronunciation("Las Siete Palabras", "es", "language")
    g = library.save(Gallery(title="T", lang="en", items=[Item(
        position=1, caption="Crowds in Kyiv sing Las Siete Palabras. Then they go home.",
        credit="Jane Roe/AFP")]))
    client = speech_app.test_client()
    s = client.get(f"/api/galleries/{g.slug}").get_json()["items"][0]["speech"]
    assert "Crowds in Kyiv sing Las Siete Palabras." in s["text"]
    vtt = client.get(s["cues"]).get_data(as_text=True)
    words = client.get(s["cues"].replace(".vtt", ".words.vtt")).get_data(as_text=True)
    for doc in (s["text"], vtt, words):
        assert "[[" not in doc and not re.search("[\ue000-\ue002]", doc) and "@es" not in doc
    assert "Crowds in Kyiv sing Las Siete Palabras." in vtt
    assert "\nKyiv\n" in words  # one cue for the word said through its phonemes
    assert "\nLas\n" in words and "\nSiete\n" in words  # the other voice's words marked
    # Each word cue's id is its character range in the shown text.
    for a, b, word in re.findall(r"^(\d+)-(\d+)\n.*\n(.*)$", words, re.M):
        assert s["text"][int(a):int(b)] == word


def test_listen_first_and_the_saved_entry_give_the_same_audio(speech_app, tmp_path):

    editing = speech_app.extensions["lexicon"]
    with speech_app.test_request_context():
        keev = phonemes(["Keev"])[0]
        draft, _ = editing.preview("Kyiv", ("Kyiv", keev, "phonemes"))
        plain, _ = editing.preview("Kyiv")
        editing.set("Kyiv", keev, "phonemes")
        saved, _ = editing.preview("Kyiv")
    assert draft == saved and draft != plain
    # The same bytes could be a cache hit of one render; so render both scripts afresh in two
    # separate caches and compare the decoded audio.
    from reader.speech.script import SpeechSettings
    from reader.speech.service import Speech

    texts = []
    for n, lexicon in enumerate((Lexicon({"Kyiv": (keev, "phonemes")}),
                                 Lexicon(speech_app.extensions["library"].lexicon_entries()))):
        service = Speech(tmp_path / f"cache{n}")
        u = service.utterance_for_text(say("Kyiv", None, lexicon), SpeechSettings(voice=None))
        texts.append(pcm(service.file(u, "wav").read_bytes()))
        service.close()
    (a, rate), (b, _) = texts
    assert abs(len(a) - len(b)) / rate < 0.02
    assert envelope_correlation(a, b, rate) > 0.97
    assert io.BytesIO(draft).read(3) == b"ID3" or draft[:2] in (b"\xff\xf3", b"\xff\xfb")


def test_a_language_the_engine_has_no_voice_for_is_said_by_the_utterances_voice(pool):
    """An entry saved from the CLI is not checked against the engine's voices; a caption
    holding it must still be spoken, not refused."""
    script = say("Say hola amigos now.", "en", Lexicon({"hola amigos": ("xq", "language")}))
    r = pool.render(script, VOICE, RATE, 1.0)
    r.verify(script)
    english = pool.render("Say hola amigos now.", VOICE, RATE, 1.0)
    assert abs(r.duration - english.duration) < 0.3  # the voice's own, with a run's pauses
