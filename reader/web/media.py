"""What the web layer adds to each photo beyond its words: its image and its speech.

Each feature (images, speech) registers a *provider* at app creation; a provider takes
(gallery, item) and returns the keys it owns (`{"image": …}` or `{"speech": …}`) with URLs made
for the current request. The API puts the result in the gallery document; the templates
render it (`templates/partials/`). Keys nobody provides stay `None`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from reader.model import Gallery, Item

Provider = Callable[[Gallery, Item], dict[str, Any]]


def register_provider(app: Flask, provider: Provider) -> None:
    app.extensions.setdefault("media_providers", []).append(provider)


def item_media(gallery: Gallery, item: Item) -> dict[str, Any]:
    media: dict[str, Any] = {"image": None, "speech": None}
    for provider in current_app.extensions.get("media_providers", []):
        media.update(provider(gallery, item))
    return media
