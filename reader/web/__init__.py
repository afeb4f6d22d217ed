"""The web layer: the Flask app factory and its blueprints (pages, JSON API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from reader.config import Config
from reader.errors import LibraryError
from reader.resources import static_dir, templates_dir
from reader.store import open_store
from reader.web.urls import ReaderFlask


def create_app(test_config: dict[str, Any] | None = None,
               instance: str | Path | None = None) -> Flask:
    """Build the app on the library in ``instance`` (default: see `reader.instance`).

    Its settings are `reader.config.Config` (defaults, INSTANCE/config.toml, READER_*), the
    same the CLI reads, copied into ``app.config``; ``test_config`` (Flask keys) wins."""
    config = Config.load(instance or (test_config or {}).get("INSTANCE"))
    folder = config.instance
    app = ReaderFlask("reader", instance_path=str(folder), instance_relative_config=True,
                template_folder=str(templates_dir()), static_folder=str(static_dir()))
    app.config.from_mapping(JSON_SORT_KEYS=False, **config.flask_config())
    app.extensions["config"] = config
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    library = open_store(folder, config["database_url"])  # an empty/damaged file: refused
    damage = library.check()  # PRAGMA quick_check: a damaged page is found now, not mid-search
    if damage:
        raise LibraryError(f"is damaged ({damage[0]}); run `reader check` for what to do",
                           library.where())
    app.extensions["library"] = library
    if not app.config.get("SECRET_KEY"):
        # A store shared by several app servers (PostgreSQL) holds the one key they all sign
        # sessions and CSRF tokens with; a local one leaves it to the instance folder.
        app.config["SECRET_KEY"] = library.secret_key()
    # Security: secret key, signed session cookies, CSRF, security headers, error pages. First
    # of the blueprints, so every one of them and every response below is covered.
    from reader.web import security, serving

    serving.init_app(app)  # behind `proxy.count` reverse proxies: their client address, scheme
    security.init_app(app)

    # Media: where photos, audio and exports are kept (folder or bucket, with the quota),
    # and how fast each client may have new ones made.
    from reader.web import admission, media_files

    media_files.init_app(app)
    admission.init_app(app)

    from reader.images.spool import sweep

    left = sweep(folder)  # what crashed uploads left in images/tmp
    if left:
        app.logger.warning("removed %d leftovers of interrupted imports from %s",
                           len(left), folder / "images" / "tmp")
    if app.config["LOAD_SAMPLE_IF_EMPTY"] and library.is_empty():
        from reader.sample import load_sample

        load_sample(library, folder)

    from reader.web import api, assets, i18n, pages
    from reader.web.media import item_media

    app.add_template_global(item_media)
    assets.init_app(app)  # CSS and JS served minified
    i18n.init_app(app)  # the pages' own words from the message catalogs: {{ _('…') }}
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    # Features that add media to each photo register here, each with its own blueprint and
    # media provider (see reader/web/media.py).
    from reader.web import photos
    from reader.web.media import register_provider

    app.register_blueprint(photos.bp)
    register_provider(app, photos.image_media)
    app.extensions["zip_importer"] = photos.import_zip_upload  # the editors' zip upload

    from reader.web import audio

    audio.init_app(app)  # spoken captions: /audio/…, each item's `speech`

    from reader.web import jobs

    jobs.init_app(app)  # the job queue (jobs.queue): audio rendered by `reader worker`s

    from reader.web import listen

    listen.init_app(app)  # listening mode: /listen/…, the gallery player and downloads

    # Editors: sign-in/out, the editor and its pronunciation page (see reader/web/editor.py for
    # the zip-import and gallery-changed hooks other features register).
    from reader.web import auth, editor, lexicon_editor

    auth.init_app(app)
    app.register_blueprint(editor.bp, url_prefix="/edit")
    app.register_blueprint(lexicon_editor.bp, url_prefix="/edit/lexicon")

    # Archive: full-text search (page and API), page links, compressed text responses.
    from reader.web import compression, paging, search

    app.register_blueprint(search.bp)
    paging.init_app(app)
    compression.init_app(app)

    from reader.web import downloads

    downloads.init_app(app)  # /g/<slug>/book.epub, site.zip: downloads
    return app
