"""A new importer and a new speech engine are each added by registering one class, here in
the test, with no other file touched; the CLI, the editor and the web app then use them."""

from __future__ import annotations

import io
import math
import wave

import numpy as np
import pytest

from reader.importers import IMPORTERS, Importer, register_importer
from reader.model import Gallery, Item
from reader.speech.engine import Rendering
from reader.speech.registry import ENGINES, EngineConfig, register_engine
from reader.web import create_app
from tests.security.conftest import editor, form_token, sign_in  # noqa: F401  (a fixture)


# -- an importer: "semicolon galleries", a title line then one "caption; credit" a line -------
class SemicolonImporter(Importer):
    name = "semicolon"
    suffixes = (".gal",)
    description = "semicolon galleries (.gal)"
    media_types = ("text/x-semicolon-gallery",)

    def parse(self, text: str, source: str) -> Gallery:
        title, *lines = [line.strip() for line in text.splitlines() if line.strip()]
        items = []
        for n, line in enumerate(lines, start=1):
            caption, _, credit = line.partition(";")
            items.append(Item(position=n, caption=caption.strip(),
                              credit=credit.strip() or None))
        return Gallery(title=title, items=items, lang="en")


GAL = "Lighthouses of the north\nA lighthouse in fog.; Ann Smith/Agency\nA keeper climbs.; Bo\n"


@pytest.fixture
def semicolon():
    register_importer(SemicolonImporter)
    yield
    IMPORTERS.pop("semicolon")


def test_a_registered_importer_is_used_by_the_cli_for_files_and_folders(semicolon, tmp_path,
                                                                        reader, library):
    (tmp_path / "one.gal").write_text(GAL, encoding="utf-8")
    result = reader("import", tmp_path / "one.gal")
    assert result.exit_code == 0, result.output
    [g] = library.list()
    assert (g.title, g.item_count) == ("Lighthouses of the north", 2)
    assert library.get(g.slug).items[0].credit == "Ann Smith/Agency"
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "two.gal").write_text(GAL.replace("north", "south"), encoding="utf-8")
    assert reader("import", folder).exit_code == 0
    assert sorted(s.title for s in library.list()) == ["Lighthouses of the north",
                                                       "Lighthouses of the south"]


@pytest.mark.usefixtures("editor")
def test_a_registered_importer_is_offered_and_used_by_the_editor(semicolon, client, app):
    assert sign_in(client).status_code == 302
    signed_in = client
    page = signed_in.get("/edit/import").get_data(as_text=True)
    assert ".gal" in page and "text/x-semicolon-gallery" in page  # the accept= list
    r = signed_in.post("/edit/import", data={
        "csrf_token": form_token(signed_in, "/edit/import"),
        "file": (io.BytesIO(GAL.encode()), "lights.gal")}, content_type="multipart/form-data")
    assert r.status_code in (302, 303), r.get_data(as_text=True)
    [g] = app.extensions["library"].list()
    assert g.title == "Lighthouses of the north"


def test_without_registration_the_same_file_is_refused(reader, tmp_path, library):
    (tmp_path / "one.gal").write_text(GAL, encoding="utf-8")
    result = reader("import", tmp_path / "one.gal")
    assert result.exit_code == 1 and "cannot import a '.gal' file" in result.output
    assert library.is_empty()


# -- an engine: pure tones, one per word, its pitch the voice -------------------------------
RATE = 16_000
PITCH = {"tone-low": 220.0, "tone-high": 660.0}


@register_engine
class ToneEngine:
    """Each word a 0.2 s sine tone at the voice's pitch; a word mark at each tone."""

    name = "test-tone"
    source = "the tests"
    version = "tone 1"
    default_voice = "tone-low"

    def __init__(self, config: EngineConfig):
        self.config = config

    def voices(self) -> list[dict]:
        return [{"id": v, "name": v, "languages": ["en"]} for v in PITCH]

    def render(self, text: str, voice: str, rate: int, volume: float) -> Rendering:
        import re

        n = int(0.2 * RATE)
        tone = bytearray()
        for k in range(n):
            s = int(12000 * volume * math.sin(2 * math.pi * PITCH[voice] * k / RATE))
            tone += s.to_bytes(2, "little", signed=True)
        words = [m.start() for m in re.finditer(r"\w+", text)]
        return Rendering(bytes(tone) * len(words), RATE,
                         [(c, i * n) for i, c in enumerate(words)])


def pitch_of(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
        rate = w.getframerate()
    spectrum = np.abs(np.fft.rfft(x[:rate // 2]))
    return float(np.fft.rfftfreq(rate // 2, 1 / rate)[spectrum.argmax()])


def test_a_registered_engine_speaks_through_the_web_app(instance, library):
    assert "test-tone" in ENGINES
    gallery = library.save(Gallery(title="Tones", lang="en", items=[
        Item(position=1, caption="Three short words.", credit="Tester/Agency")]))
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": False,
                      "SPEECH_BACKEND": "test-tone"}, instance=instance)
    try:
        client = app.test_client()
        heard = {}
        for voice in PITCH:
            client.post("/settings", data={"speech_voice": voice,
                                           "csrf_token": form_token(client, "/settings")})
            speech = client.get(f"/api/galleries/{gallery.slug}").json["items"][0]["speech"]
            assert speech["voice"] == voice
            r = client.get(speech["wav"])
            assert r.status_code == 200, r.get_data(as_text=True)
            heard[voice] = pitch_of(r.data)
        assert heard == pytest.approx(PITCH, abs=5)
        info = app.extensions["speech"].info()
        assert info["backend"] == "test-tone" and info["version"] == "tone 1"
    finally:
        app.extensions["speech"].close()
