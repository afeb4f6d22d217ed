"""The speech service as the configuration says: one place where `reader.config.Config`
becomes an engine configuration and speech settings, so `reader audio build`, the exports and
the web app render under the same cache keys."""

from __future__ import annotations

from reader.config import Config
from reader.speech.engine import EngineConfig
from reader.speech.registry import check_engine
from reader.speech.script import SpeechSettings
from reader.speech.service import Speech
from reader.store import Store


def engine_config(config: Config) -> EngineConfig:
    engine = config["speech.engine"] and check_engine(config["speech.engine"])
    return EngineConfig(library=config["speech.library"] or None,
                        **({"backend": engine} if engine else {}))


def speech_settings(config: Config, *, voice: str | None = None, rate: int | None = None,
                    describe: bool | None = None) -> SpeechSettings:
    """The configured defaults, with whatever the caller gives instead."""
    return SpeechSettings(voice=voice or config["speech.voice"] or None,
                          rate=int(rate if rate is not None else config["speech.rate"]),
                          volume=float(config["speech.volume"]),
                          describe=bool(config["speech.describe"] if describe is None
                                        else describe))


def speech_service(config: Config, library: Store, workers: int | None = None) -> Speech:
    """The configured speech, its cache in the configured media store (the configured
    default settings' files are pinned there: never evicted)."""
    from reader.media import media_for

    media = media_for(config.instance, config["media_url"])
    return Speech.in_instance(config.instance, library, engine_config(config),
                              workers=workers or int(config["speech.workers"]),
                              defaults=speech_settings(config), media=media)
