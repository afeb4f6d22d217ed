"""The web layer: the Flask app factory and its blueprints (pages, JSON API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from reader.instance import instance_dir
from reader.resources import static_dir, templates_dir
from reader.store import Library


def create_app(test_config: dict[str, Any] | None = None,
               instance: str | Path | None = None) -> Flask:
    """Build the app on the library in ``instance`` (default: see `reader.instance`)."""
    folder = instance_dir(instance or (test_config or {}).get("INSTANCE"))
    app = Flask("reader", instance_path=str(folder), instance_relative_config=True,
                template_folder=str(templates_dir()), static_folder=str(static_dir()))
    app.config.from_mapping(JSON_SORT_KEYS=False, LOAD_SAMPLE_IF_EMPTY=True)
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    library = Library.in_instance(folder)
    app.extensions["library"] = library
    if app.config["LOAD_SAMPLE_IF_EMPTY"] and library.is_empty():
        from reader.sample import sample_gallery

        library.save(sample_gallery())

    from reader.web import api, pages
    from reader.web.media import item_media

    app.add_template_global(item_media)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    # Features that add media to each photo register here, each with its own blueprint and
    # media provider (see reader/web/media.py).

    # Archive: full-text search (page and API), page links, compressed text responses.
    from reader.web import compression, paging, search

    app.register_blueprint(search.bp)
    paging.init_app(app)
    compression.init_app(app)
    return app
