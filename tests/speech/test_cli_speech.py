"""`reader audio build`, `reader voices`, `reader lexicon` with the real engine."""

from __future__ import annotations


def test_audio_build_renders_then_skips_cached(reader, seed_gallery, instance):
    r = reader("audio", "build", "--jobs", "2")
    assert r.exit_code == 0, r.output
    assert "rendered 13, already cached 0, failed 0" in r.output
    assert len(list((instance / "audio").glob("*/*.mp3"))) == 13
    # The cache keeps a FLAC master per clip, never a WAV; a WAV an earlier version stored
    # (here a stand-in) is removed by the next build.
    assert len(list((instance / "audio").glob("*/*.flac"))) == 13
    assert not list((instance / "audio").glob("*/*.wav"))
    old = instance / "audio" / "ab" / ("ab" * 32 + ".wav")
    old.parent.mkdir(exist_ok=True)
    old.write_bytes(b"RIFF-of-an-earlier-version")
    again = reader("audio", "build", seed_gallery.slug)
    assert "rendered 0, already cached 13, failed 0, removed 1 WAV file" in again.output
    assert not old.exists()
    faster = reader("audio", "build", "--rate", "250")
    assert "rendered 13, already cached 0" in faster.output


def test_audio_build_unknown_gallery_is_one_clear_line(reader, seed_gallery):
    r = reader("audio", "build", "no-such-gallery")
    assert r.exit_code == 1
    assert "no gallery 'no-such-gallery'" in r.output
    assert "Traceback" not in r.output


def test_voices_lists_the_engine_voices(reader):
    r = reader("voices", "--lang", "en")
    assert r.exit_code == 0
    ids = [line.split("\t")[0] for line in r.output.splitlines() if "\t" in line]
    assert "gmw/en" in ids and "gmw/en-us" in ids
    assert all(line.split("\t")[1].startswith("en") for line in r.output.splitlines()
               if "\t" in line)


def test_lexicon_add_list_remove_and_bad_input(reader):
    assert "The lexicon is empty." in reader("lexicon", "list").output
    assert reader("lexicon", "add", "Zaporizhzhia", "Zapo-REEZH-ya").exit_code == 0
    assert reader("lexicon", "add", "nato", "nay-toe").exit_code == 0
    assert reader("lexicon", "list").output.splitlines() == [
        "Zaporizhzhia\tZapo-REEZH-ya\tsubstitute", "nato\tnay-toe\tsubstitute"]
    assert reader("lexicon", "add", "nato", "NAY-toe").exit_code == 0  # replaces
    assert "nato\tNAY-toe" in reader("lexicon", "list").output
    bad = reader("lexicon", "add", "two words?", "x")
    assert bad.exit_code == 1 and "field 'word'" in bad.output
    assert reader("lexicon", "remove", "nato").exit_code == 0
    gone = reader("lexicon", "remove", "nato")
    assert gone.exit_code == 1 and "no lexicon entry for 'nato'" in gone.output


def test_lexicon_add_with_a_kind(reader):
    assert reader("lexicon", "add", "afp", "--kind", "spell").exit_code == 0
    assert reader("lexicon", "add", "Kyiv", "k'i:v", "--kind", "phonemes").exit_code == 0
    assert reader("lexicon", "add", "Las Siete Palabras", "es", "--kind", "language"
                  ).exit_code == 0
    assert reader("lexicon", "list").output.splitlines() == [
        "Kyiv\tk'i:v\tphonemes", "Las Siete Palabras\tes\tlanguage", "afp\tA.F.P.\tspell"]
    bad = reader("lexicon", "add", "Kyiv", "[[k]] x<", "--kind", "phonemes")
    assert bad.exit_code == 1 and "field 'spoken'" in bad.output and "Traceback" not in bad.output
    bad = reader("lexicon", "add", "Kyiv", "keev", "--kind", "shout")
    assert bad.exit_code == 2 and "'shout' is not one of" in bad.output
