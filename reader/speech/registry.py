"""Speech engines plug in here: a class implementing `Engine`, registered under a name.

    @register_engine
    class MyEngine:
        name = "my-engine"
        def __init__(self, config: EngineConfig): ...
        ...

`speech.engine = "my-engine"` in the configuration (or ``READER_SPEECH_ENGINE``) then makes
the reader use it: the engine runs inside the speech worker process (reader/speech/worker.py),
which is handed the whole `EngineConfig` and imports the module that registered the class,
so an engine defined anywhere importable works without touching any other file.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from reader.errors import ConfigError, EngineUnavailable

if TYPE_CHECKING:
    from reader.speech.engine import Rendering


@dataclass(frozen=True)
class EngineConfig:
    """Everything an engine is started with (sent whole to the worker process)."""

    backend: str = "espeak-sync" if sys.platform.startswith("linux") else "pyttsx3"
    library: str | None = None  # eSpeak NG: a libespeak-ng path, "system", or None (bundled)
    options: tuple[tuple[str, str], ...] = field(default=())  # an engine's own settings

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> EngineConfig:
        data = json.loads(text)
        return cls(backend=data["backend"], library=data["library"],
                   options=tuple(tuple(o) for o in data.get("options", ())))


@runtime_checkable
class Engine(Protocol):
    """A text-to-speech engine, as the reader drives it (one instance per worker process).

    - ``name``: its registry name; ``source``: where it came from (shown by `reader voices`);
      ``version``: part of every cache key, so change it whenever the audio it makes changes;
      ``default_voice``: a voice id to use when nothing better fits.
    - ``voices()``: ``[{"id": str, "name": str, "languages": [BCP 47 tag, ...]}, ...]``.
    - ``render(text, voice, rate, volume)``: the whole text as 16-bit mono PCM
      (`reader.speech.engine.Rendering`) with ``marks``: (character offset in ``text``,
      sample offset in the audio) of each word (or at least each sentence), in order.
      ``rate`` is in words a minute, ``volume`` 0–1. Raise on failure: the pool retries once
      on a fresh process.
    """

    name: str
    source: str
    version: str
    default_voice: str

    def __init__(self, config: EngineConfig) -> None: ...
    def voices(self) -> list[dict]: ...
    def render(self, text: str, voice: str, rate: int, volume: float) -> Rendering: ...


ENGINES: dict[str, type] = {}


def register_engine(cls: type) -> type:
    """Register an `Engine` class under its ``name`` (usable as a class decorator)."""
    ENGINES[cls.name] = cls
    return cls


def engine_module(name: str) -> str | None:
    """The module that registered engine ``name`` in this process (the worker imports it)."""
    cls = ENGINES.get(name)
    return cls.__module__ if cls else None


def check_engine(name: str) -> str:
    """``name`` if an engine is registered under it, else a `ConfigError` naming the
    ``speech.engine`` setting (checked when the CLI or the web app starts its speech)."""
    import reader.speech.engine  # noqa: F401  (registers the built-in engines)

    if name not in ENGINES:
        raise ConfigError(f"no speech engine called {name!r} (registered: "
                          f"{', '.join(sorted(ENGINES))})", key="speech.engine")
    return name


def make_engine(config: EngineConfig, module: str | None = None) -> Engine:
    """Start the engine ``config`` names (inside the worker process)."""
    import reader.speech.engine  # noqa: F401  (registers the built-in engines)

    if config.backend not in ENGINES and module:
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise EngineUnavailable(f"the engine {config.backend!r} could not be loaded from "
                                    f"{module} ({e})") from e
    if config.backend not in ENGINES:
        raise EngineUnavailable(f"unknown speech back end {config.backend!r} "
                                f"(choose {', '.join(sorted(ENGINES))})")
    return ENGINES[config.backend](config)
