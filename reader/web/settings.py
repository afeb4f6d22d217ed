"""The reader's settings: a small typed model kept in one cookie, edited by a plain HTML form.

Every setting is a `Field`. The core ones (theme, text size, keyboard shortcuts) are defined
here; a feature adds its own at app creation with ``register_field(app, field)`` (the speech
feature: voice, rate, speak-description; the listening feature: play mode), and the
`/settings` form, the cookie and ``current_settings()`` pick it up with no other change.

The cookie holds ``name=value`` pairs, URL-encoded. Only values a field accepts are read back;
anything else (an old or hand-edited cookie) silently falls back to the field's default, so a
bad cookie can never break a page. Nothing in it is secret; the server validates everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask import Flask, current_app, g, request

COOKIE = "reader_settings"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime current browsers keep a cookie


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One setting. ``kind`` picks how the form shows it:

    - ``"choice"``: radio buttons, one per choice (``choices`` may be a callable, for lists
      known only at run time such as the speech engine's voices);
    - ``"select"``: a drop-down list, for long lists (the engine's voices);
    - ``"integer"``: a number box between ``minimum`` and ``maximum`` (in ``step``s).
    """

    name: str
    label: str
    default: str
    kind: str = "choice"
    choices: Sequence[Choice] | Callable[[], Sequence[Choice]] = ()
    hint: str = ""
    group: str = "Display"
    minimum: int | None = None
    maximum: int | None = None
    step: int = 1

    def options(self) -> Sequence[Choice]:
        return self.choices() if callable(self.choices) else self.choices

    def clean(self, raw: str | None) -> str | None:
        """The stored form of ``raw`` if this field accepts it, else None."""
        if raw is None:
            return None
        raw = raw.strip()
        if self.kind == "integer":
            try:
                number = int(raw, 10)
            except ValueError:
                return None
            if self.minimum is not None and number < self.minimum:
                return None
            if self.maximum is not None and number > self.maximum:
                return None
            base = self.minimum or 0
            return str(number) if (number - base) % self.step == 0 else None
        return raw if any(c.value == raw for c in self.options()) else None

    def problem(self) -> str:
        """What to tell a reader whose value was refused."""
        if self.kind == "integer":
            return (f"{self.label}: give a whole number from {self.minimum} to {self.maximum}"
                    + (f" in steps of {self.step}." if self.step != 1 else "."))
        return f"{self.label}: choose one of the options."


ON_OFF = (Choice("on", "On"), Choice("off", "Off"))

THEMES = (
    Choice("auto", "Follow my system (light or dark)"),
    Choice("dark", "High-contrast dark: white on black"),
    Choice("light", "High-contrast light: black on white"),
    Choice("yellow", "Yellow on black"),
)

TEXT_SIZES = tuple(Choice(str(n), f"{n}%") for n in (100, 125, 150, 175, 200))

CORE_FIELDS: tuple[Field, ...] = (
    Field("theme", "Colours", "auto", choices=THEMES,
          hint="Every theme keeps text at a contrast of at least 7 to 1."),
    Field("text_size", "Text size", "100", choices=TEXT_SIZES,
          hint="The page reflows to fit; nothing needs scrolling sideways."),
    Field("shortcuts", "Single-key shortcuts", "on", choices=ON_OFF, group="Keyboard",
          hint="Keys such as the arrows and ? move between photos and open help. "
               "Turn them off if they clash with your assistive technology."),
)


def register_field(app: Flask, new: Field) -> None:
    """Add a feature's setting to this app's form and cookie."""
    known = {f.name for f in fields(app)}
    if new.name in known:
        raise ValueError(f"a setting called {new.name!r} is already registered")
    app.extensions.setdefault("settings_fields", []).append(new)


def fields(app: Flask | None = None) -> list[Field]:
    app = app or current_app
    return [*CORE_FIELDS, *app.extensions.get("settings_fields", [])]


def groups(app: Flask | None = None) -> list[tuple[str, list[Field]]]:
    """The fields by group, in the order each group first appears (the form's fieldsets)."""
    out: dict[str, list[Field]] = {}
    for f in fields(app):
        out.setdefault(f.group, []).append(f)
    return list(out.items())


def defaults(app: Flask | None = None) -> dict[str, str]:
    return {f.name: f.default for f in fields(app)}


def parse_cookie(value: str | None, app: Flask | None = None) -> dict[str, str]:
    """Settings from a cookie value: every field present, bad or missing values defaulted."""
    out = defaults(app)
    if not value:
        return out
    given = dict(parse_qsl(value, keep_blank_values=True))
    for f in fields(app):
        clean = f.clean(given.get(f.name))
        if clean is not None:
            out[f.name] = clean
    return out


def encode_cookie(values: Mapping[str, str], app: Flask | None = None) -> str:
    """The cookie value for ``values`` (only settings that differ from their default)."""
    return urlencode([(f.name, values[f.name]) for f in fields(app)
                      if f.name in values and values[f.name] != f.default])


def from_form(form: Mapping[str, str], current: Mapping[str, str] | None = None,
              app: Flask | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(settings, problems) from a submitted form. A field the form leaves out keeps its
    ``current`` value (default: its default), so a form with only some fields, such as a
    feature's own toggle, changes only those."""
    values, problems = {**defaults(app), **(current or {})}, {}
    for f in fields(app):
        raw = form.get(f.name)
        if raw is None:
            continue
        clean = f.clean(raw)
        if clean is None:
            problems[f.name] = f.problem()
        else:
            values[f.name] = clean
    return values, problems


def current_settings() -> dict[str, str]:
    """This request's settings (from its cookie), read once per request."""
    if "reader_settings" not in g:
        g.reader_settings = parse_cookie(request.cookies.get(COOKIE))
    return g.reader_settings


def cookie_args(value: str) -> dict:
    """Keyword arguments for ``response.set_cookie`` (one place, so every writer agrees)."""
    return {"key": COOKIE, "value": value, "max_age": COOKIE_MAX_AGE, "path": "/",
            "samesite": "Lax", "secure": request.is_secure, "httponly": False}
