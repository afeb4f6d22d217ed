"""One configuration for the CLI and the web app: defaults here, then ``INSTANCE/config.toml``,
then ``READER_*`` environment variables (later wins).

Every setting has one entry in `SETTINGS` (its default, type and meaning); `reader config`
prints the effective values with where each came from. A key is written ``section.name``: in
config.toml as ``name`` under ``[section]`` (top-level keys have no section), in the
environment as ``READER_SECTION_NAME``. Invalid values stop the program at start with a
`ConfigError` naming the key and where it was set. The instance folder itself is not a setting
of the file it holds: it comes from ``--instance``, ``READER_INSTANCE`` or `reader.instance`.

No Flask, no click: the web layer copies what it needs into ``app.config``
(`Config.flask_config`), the CLI reads the object directly.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import ConfigError
from reader.instance import ENV_VAR, instance_dir

CONFIG_FILE = "config.toml"
ENV_PREFIX = "READER_"
RATE_RANGE = (80, 450)  # words per minute: eSpeak NG's own limits; the web and CLI share it


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    kind: type  # str, int, float, bool or list (of strings)
    meaning: str
    check: Callable[[Any], str | None] | None = None  # a complaint, or None when fine

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.upper().replace(".", "_")


def _between(lo, hi) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be from {lo} to {hi}"


def _database_url(url: str) -> str | None:
    if not url or url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        return None
    return ("must be empty (the SQLite file in the instance folder), sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE")


def _media_url(url: str) -> str | None:
    if not url:
        return None
    if url.startswith("s3://") and len(url) > len("s3://") and not url[5:].startswith("/"):
        return None
    return "must be empty (the instance folder) or s3://BUCKET/PREFIX"


def _jobs_queue(value: str) -> str | None:
    return None if value in ("", "postgres") else \
        'must be empty (no queue: render in this process) or "postgres"'


def _web_render(value: str) -> str | None:
    return None if value in ("queue", "local") else 'must be "queue" or "local"'


def _rate(text: str) -> str | None:
    if not text:
        return None
    from limits import parse_many

    try:
        parse_many(text)
    except ValueError:
        return "must be empty (no limit) or a rate such as '30/minute' or '5/second;100/hour'"
    return None


def _speeds(values: list[str]) -> str | None:
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        return "must be numbers such as 0.5, 1, 2"
    if not numbers or any(not 0.25 <= n <= 4 for n in numbers) or "1" not in values:
        return "must be numbers from 0.25 to 4, including 1"
    return None


SETTINGS: list[Setting] = [
    Setting("database_url", "", str, "the library's database: empty for the SQLite file in "
            "the instance folder, sqlite:///PATH, or postgresql://… for a PostgreSQL database "
            "shared by several app servers", _database_url),
    Setting("media_url", "", str, "where photos, audio and exports live: empty for the "
            "instance folder, or s3://BUCKET/PREFIX", _media_url),
    # the job queue (issue 17): audio rendered by `reader worker` processes
    Setting("jobs.queue", "", str, "where rendering runs: empty for this process (no queue), "
            "or postgres: jobs in the library's PostgreSQL database, run by `reader worker`",
            _jobs_queue),
    Setting("jobs.web_render", "queue", str, "with a queue, a web request for audio not yet "
            "rendered: queue (ask the workers and wait for them) or local (render here)",
            _web_render),
    Setting("jobs.wait", 20, int, "seconds a web request waits for a worker's audio before "
            "answering 503 with Retry-After", _between(0, 600)),
    Setting("library.load_sample", True, bool, "load the sample gallery into an empty library "
            "when the web app starts"),
    Setting("limits.max_upload_mib", 32, int, "largest upload an editor may send, in MiB",
            _between(1, 4096)),
    Setting("speech.engine", "", str, "the speech engine (a registered Engine; empty: "
            "espeak-sync on Linux, pyttsx3 elsewhere)"),
    Setting("speech.library", "", str, "a libespeak-ng path, or 'system' (empty: the bundled "
            "copy, else the system's)"),
    Setting("speech.voice", "", str, "default voice id (empty: one for each gallery's "
            "language)"),
    Setting("speech.rate", 175, int, "default speaking rate, words a minute",
            _between(*RATE_RANGE)),
    Setting("speech.volume", 1.0, float, "speech volume, 0 to 1", _between(0.0, 1.0)),
    Setting("speech.describe", False, bool, "speak each photo's description by default"),
    Setting("speech.workers", 1, int, "engine processes per server process", _between(1, 16)),
    Setting("speech.warm", True, bool, "start the engine when the web app starts, so the "
            "first listener does not wait"),
    Setting("listen.speeds", ["0.5", "0.75", "1", "1.25", "1.5", "1.75", "2", "2.5", "3"],
            list, "playback speeds the players offer", _speeds),
    # media: the bounded cache of re-creatable files (audio, exports, derivatives)
    Setting("media.quota_mib", 2048, int, "most MiB of re-creatable media (audio, exports, "
            "derivatives) kept; least recently used go first (0: no limit)",
            _between(0, 2**24)),
    Setting("media.min_free_mib", 64, int, "writes are refused (507) when the media disk has "
            "less free than this, so readers keep working", _between(0, 2**20)),
    Setting("media.render_rate", "60/minute", str, "audio and exports each client may have "
            "made, beyond the defaults (empty: no limit; 429 beyond it)", _rate),
    Setting("serve.host", "127.0.0.1", str, "address `reader serve` listens on"),
    Setting("serve.port", 5000, int, "port `reader serve` listens on", _between(0, 65535)),
    Setting("serve.threads", 8, int, "request threads of `reader serve`", _between(1, 256)),
    # -- holding up under abuse (issue 15): `reader serve`'s connection handling, the proxy --
    Setting("serve.connection_limit", 1000, int, "open client connections `reader serve` "
            "holds at once (slow clients hold one each; waitress's own default is 100)",
            _between(10, 10000)),
    Setting("serve.channel_timeout", 60, int, "seconds a connection may stay silent before "
            "`reader serve` closes it", _between(5, 3600)),
    Setting("proxy.count", 0, int, "reverse proxies in front of the app that set "
            "X-Forwarded-For and X-Forwarded-Proto (0: none; trust no such header)",
            _between(0, 5)),
    Setting("proxy.address", "127.0.0.1", str, "the proxy's own address, the only peer whose "
            "forwarded headers `reader serve` passes on ('*': any)"),
]
BY_KEY = {s.key: s for s in SETTINGS}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _from_env(s: Setting, raw: str) -> Any:
    text = raw.strip()
    if s.kind is bool:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError("must be true or false")
    if s.kind is int:
        return int(text)
    if s.kind is float:
        return float(text)
    if s.kind is list:
        return [p.strip() for p in text.split(",") if p.strip()]
    return raw


def _from_file(s: Setting, value: Any) -> Any:
    if s.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if s.kind is list and isinstance(value, list):
        return [str(v) for v in value]
    if not isinstance(value, s.kind) or (s.kind is int and isinstance(value, bool)):
        raise ValueError(f"must be {'a list' if s.kind is list else s.kind.__name__}")
    return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(_flatten(value, key + "."))
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Config:
    """The effective settings of one instance, and where each came from."""

    instance: Path
    values: Mapping[str, Any]
    origins: Mapping[str, str]  # "default", "file", "environment" or "given"

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def file(self) -> Path:
        return self.instance / CONFIG_FILE

    @classmethod
    def load(cls, instance: str | os.PathLike | None = None,
             environ: Mapping[str, str] | None = None,
             given: Mapping[str, Any] | None = None) -> Config:
        """Defaults → INSTANCE/config.toml → READER_* in ``environ`` → ``given`` (a caller's
        own values, e.g. tests'). Raises `ConfigError` naming the first bad key."""
        environ = os.environ if environ is None else environ
        folder = instance_dir(instance)
        values = {s.key: s.default for s in SETTINGS}
        origins = dict.fromkeys(values, "default")
        path = folder / CONFIG_FILE
        if path.exists():
            try:
                table = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                raise ConfigError(f"is not valid TOML ({e})", key=str(path)) from None
            for key, raw in _flatten(table).items():
                if key not in BY_KEY:
                    raise ConfigError(f"is not a setting (known: {', '.join(BY_KEY)})",
                                      key=key, origin=str(path))
                try:
                    values[key] = _from_file(BY_KEY[key], raw)
                except ValueError as e:
                    raise ConfigError(str(e), key=key, origin=str(path)) from None
                origins[key] = "file"
        for s in SETTINGS:
            if s.env in environ:
                try:
                    values[s.key] = _from_env(s, environ[s.env])
                except ValueError as e:
                    raise ConfigError(str(e), key=s.key, origin=s.env) from None
                origins[s.key] = "environment"
        for key, value in (given or {}).items():
            if key not in BY_KEY:
                raise ConfigError("is not a setting", key=key)
            values[key], origins[key] = value, "given"
        for s in SETTINGS:
            complaint = s.check(values[s.key]) if s.check else None
            if complaint:
                where = {"file": str(path), "environment": s.env}.get(origins[s.key])
                raise ConfigError(complaint, key=s.key, origin=where)
        return cls(folder, values, origins)

    def flask_config(self) -> dict[str, Any]:
        """The web app's view of these settings (its ``app.config`` keys)."""
        v = self.values
        return {
            "LOAD_SAMPLE_IF_EMPTY": v["library.load_sample"],
            "MAX_CONTENT_LENGTH": v["limits.max_upload_mib"] * 2**20,
            "SPEECH_BACKEND": v["speech.engine"] or None,
            "SPEECH_LIBRARY": v["speech.library"] or None,
            "SPEECH_VOICE": v["speech.voice"] or None,
            "SPEECH_RATE": v["speech.rate"],
            "SPEECH_VOLUME": v["speech.volume"],
            "SPEECH_DESCRIBE": v["speech.describe"],
            "SPEECH_WORKERS": v["speech.workers"],
            "SPEECH_WARM": v["speech.warm"],
            "LISTEN_SPEEDS": tuple(v["listen.speeds"]),
            "PROXY_COUNT": v["proxy.count"],
            "MEDIA_URL": v["media_url"],
            "MEDIA_QUOTA_BYTES": v["media.quota_mib"] * 2**20,
            "MEDIA_MIN_FREE_BYTES": v["media.min_free_mib"] * 2**20,
            "MEDIA_RENDER_RATE": v["media.render_rate"],
        }


def describe(config: Config, instance_given: bool = False,
             environ: Mapping[str, str] | None = None) -> list[str]:
    """`reader config`'s lines: every setting, its value as TOML would write it, its origin."""
    environ = os.environ if environ is None else environ
    instance_origin = ("given" if instance_given else f"environment {ENV_VAR}"
                       if environ.get(ENV_VAR) else "default")

    def show(value: Any) -> str:
        if isinstance(value, str) and "://" in value:  # a URL's password is never shown
            value = re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + ", ".join(f'"{v}"' for v in value) + "]"
        if isinstance(value, str):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return str(value)

    origin_text = {"file": f"file {config.file}", "environment": "environment"}
    lines = [f'instance = "{config.instance}"  # {instance_origin}']
    for s in SETTINGS:
        origin = config.origins[s.key]
        where = origin_text.get(origin, origin)
        if origin == "environment":
            where = f"environment {s.env}"
        lines.append(f"{s.key} = {show(config.values[s.key])}  # {where}")
    return lines
