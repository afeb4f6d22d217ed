"""What eSpeak NG will actually say: a text → its phonemes (eSpeak's ASCII names, as
`espeak-ng -x` prints them), through `espeak_TextToPhonemes` of the same libespeak-ng the
engine loads (`engine.load_espeak`).

Runs in its own process (`python -m reader.speech.phonemes VOICE`, texts as JSON lines on
stdin, phonemes as JSON lines on stdout), so the engine's process-wide state is never
shared. Used by the tests and by anyone checking a normalisation rule by ear-less means.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Iterable

_CHARS_UTF8 = 1
_AUDIO_SYNCHRONOUS = 2


def _library():
    """The libespeak-ng the engine uses: the bundled copy, else the system's."""
    try:
        import espeakng_loader

        os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
        return ctypes.CDLL(espeakng_loader.get_library_path()), espeakng_loader.get_data_path()
    except (ImportError, OSError, RuntimeError):
        return ctypes.CDLL("libespeak-ng.so.1"), None


class Phonemiser:
    """In-process phonemiser (use only in a process of its own, see `phonemes`)."""

    def __init__(self):
        lib, data = _library()
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        if lib.espeak_Initialize(_AUDIO_SYNCHRONOUS, 0,
                                 data.encode() if data else None, 0) <= 0:
            raise RuntimeError("eSpeak NG would not initialise")
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int,
                                              ctypes.c_int]
        self.lib = lib
        self.voice = None

    def __call__(self, text: str, voice: str = "en") -> str:
        if voice != self.voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"no eSpeak voice {voice!r}")
            self.voice = voice
        # A trailing space ends the last clause here, so nothing leaks into the next text.
        buf = ctypes.create_string_buffer((text + " ").encode("utf-8"))
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        out = []
        while ptr.value:
            said = self.lib.espeak_TextToPhonemes(ctypes.byref(ptr), _CHARS_UTF8, 0)
            if said:
                out.append(said.decode("utf-8", "replace").strip())
        # One entry per clause: a " | " is where eSpeak NG pauses (a comma, a full stop).
        return " | ".join(p for p in out if p)


def phonemes(texts: Iterable[str], voice: str = "en") -> list[str]:
    """The phonemes eSpeak NG makes of each text with ``voice`` (one short-lived process)."""
    texts = list(texts)
    payload = "".join(json.dumps({"text": t, "voice": voice}) + "\n" for t in texts)
    done = subprocess.run([sys.executable, "-m", "reader.speech.phonemes"], input=payload,
                          capture_output=True, text=True, timeout=60 + len(texts), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the phonemiser failed: {done.stderr.strip()[-300:]}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def main() -> None:
    p = Phonemiser()
    for line in sys.stdin:
        if line.strip():
            job = json.loads(line)
            print(json.dumps(p(job["text"], job.get("voice", "en"))), flush=True)


if __name__ == "__main__":
    main()
