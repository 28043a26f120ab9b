"""The HTTP shell: one blueprint per resource, problem+json errors, OpenAPI from the schemas."""
from __future__ import annotations

from importlib.metadata import version

from flask import Flask

from timeline_api.api import articles, entities, events, health, resolve, timeline
from timeline_api.api.common import close_db_session
from timeline_api.api.errors import ProblemApi, require_json_body

API_VERSION = version("timeline-api")  # the spec is versioned with the package
BLUEPRINTS = (articles.blp, timeline.blp, events.blp, entities.blp, resolve.blp, health.blp)

OPENAPI_CONFIG = {
    "API_TITLE": "timeline-api",
    "API_VERSION": API_VERSION,
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Dated events from news articles: every date expression found and resolved, "
                           "events stored with their sources, timelines by actor and place.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": "/", "description": "This server"}],
    },
}


def init_api(app: Flask) -> ProblemApi:
    for key, value in OPENAPI_CONFIG.items():
        app.config.setdefault(key, value)
    api = ProblemApi(app)
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    app.url_value_preprocessor(_path_values_without_nul)
    app.before_request(require_json_body)
    app.teardown_appcontext(close_db_session)
    return api


def _path_values_without_nul(_endpoint, values) -> None:
    """No database text type holds NUL: path values get U+FFFD, as bodies and queries do."""
    for key, value in (values or {}).items():
        if isinstance(value, str):
            values[key] = value.replace("\x00", "\ufffd")
