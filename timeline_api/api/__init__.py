"""The HTTP shell: one blueprint per resource, problem+json errors, OpenAPI from the schemas."""
from __future__ import annotations

from flask import Flask

from timeline_api.api import articles, docs, entities, events, health, resolve, timeline
from timeline_api.api.auth import KEY_OPTIONAL, SECURITY_SCHEMES, enforce_scope, identify_client
from timeline_api.api.blueprint import ConditionalRequestsPlugin
from timeline_api.api.caching import tag_response
from timeline_api.api.common import API_VERSION, close_db_session, storable_text
from timeline_api.api.cors import enable_cors
from timeline_api.api.errors import ProblemApi, limit_streamed_body, require_json_body
from timeline_api.api.headers import secure_headers
from timeline_api.api.limits import init_limits

BLUEPRINTS = (articles.blp, timeline.blp, events.blp, entities.blp, resolve.blp, health.blp)

OPENAPI_CONFIG = {
    "API_TITLE": "timeline-api",
    "API_VERSION": API_VERSION,
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Dated events from news articles: every date expression found and resolved, "
                           "events stored with their sources, timelines by actor and place.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": "/", "description": "This server"}],
        # operations that need a key say so themselves; the rest take one when the deployment asks
        "security": KEY_OPTIONAL,
    },
}


def init_api(app: Flask) -> ProblemApi:
    for key, value in OPENAPI_CONFIG.items():
        app.config.setdefault(key, value)
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [ConditionalRequestsPlugin()]})
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    app.register_blueprint(docs.blp)  # Swagger UI, from a package: not an API operation
    app.url_value_preprocessor(_storable_path_values)
    settings = app.extensions["timeline_settings"]
    # in this order: who is calling, how often they may, from which web origin, what they may
    app.before_request(identify_client)
    init_limits(app, settings, exempt_blueprints=[health.blp])
    enable_cors(app, settings.cors_origins)
    app.before_request(enforce_scope)
    app.before_request(limit_streamed_body)
    app.before_request(require_json_body)
    app.after_request(tag_response)
    app.after_request(secure_headers)
    app.teardown_appcontext(close_db_session)
    return api


def _storable_path_values(_endpoint, values) -> None:
    """Path values get U+FFFD for NUL, as bodies and queries do (see api/common.py)."""
    for key, value in (values or {}).items():
        if isinstance(value, str):
            values[key] = storable_text(value)
