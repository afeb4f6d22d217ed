"""Speech: every photo's caption and credit, spoken by an offline engine (no Flask here).

- `script`  the exact words to speak for a photo (pure: no engine), with the lexicon applied;
- `lexicon` the reader's pronunciation lexicon (word → spoken form);
- `registry` the `Engine` protocol and `register_engine`: where another engine plugs in;
- `engine`  eSpeak NG through pyttsx3 (its low-level binding, or plain pyttsx3), run only
            inside the worker process;
- `worker`  the spawned process that owns the engine, and the queue that feeds it;
- `audio`   WAV and MP3 bytes, durations; `cues` WebVTT; `cache` atomic files by content key;
- `service` `Speech`: text + settings → cached WAV, MP3 and cues, rendered once per key;
- `configured` the service, engine and default settings as `reader.config` says.
"""

from reader.speech.script import SpeechSettings, speech_script

__all__ = ["SpeechSettings", "speech_script"]
