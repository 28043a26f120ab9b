"""The application factory."""
from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from timeline_api.config import Settings, default_database_url
from timeline_api.store.db import Database, redacted_url

log = logging.getLogger(__name__)


def create_app(config: Settings | dict | None = None) -> Flask:
    """Build the Flask app. ``config`` is a Settings, a dict of Settings
    overrides, or None to read the environment."""
    if isinstance(config, dict):
        settings = Settings(**{**Settings.from_env().__dict__, **config})
    else:
        settings = config or Settings.from_env()

    app = Flask("timeline_api")
    app.config.update(settings.flask_config())
    app.extensions["timeline_settings"] = settings
    app.extensions["timeline_db"] = Database(settings.database_url)
    logging.basicConfig(level=settings.log_level.upper())
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin, every start
    default = settings.database_url == default_database_url()
    log.info("database: %s%s", redacted_url(settings.database_url),
             " (the default: set DATABASE_URL to choose another)" if default else "")

    from timeline_api.api import init_api  # keeps `timeline-api resolve` free of Flask imports

    init_api(app)
    if settings.trusted_proxy_count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_count,
                                x_proto=settings.trusted_proxy_count, x_host=settings.trusted_proxy_count)
    return app


def warm_up() -> None:
    """Load what the first ingest would otherwise wait for: the entity gazetteers and the
    temporal grammar (each cached per process)."""
    import datetime as dt

    from timeline_api.entities import EntityMatcher
    from timeline_api.temporal import resolve_timexes

    EntityMatcher.default()
    resolve_timexes("on 3 May 2023, two days later", dt.date(2023, 6, 5))
