"""Rate limits (Flask-Limiter): per client (its key, else its address) and per route and method.

Reads and writes have limits of their own, from RATE_LIMIT_READS and RATE_LIMIT_WRITES. The
counters live in memory by default, which is right for one app server; several app servers
share them through Redis (RATELIMIT_STORAGE_URI=redis://host:6379). If that storage fails,
requests are counted in memory meanwhile rather than refused. A client over its limit gets
429 problem+json with Retry-After; the probes are never limited.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter

from timeline_api.api.auth import client_identity
from timeline_api.config import Settings

_READ_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


def _retry_after_only_when_refused(response: Response) -> Response:
    """Flask-Limiter sets Retry-After on every response; it means something on 429 and 503 only."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_limits(app: Flask, settings: Settings, exempt_blueprints=()) -> Limiter:
    # registered before the limiter's own after_request hook, so it runs after it
    app.after_request(_retry_after_only_when_refused)

    def limit_for_request() -> str:
        return settings.rate_limit_reads if request.method in _READ_METHODS else settings.rate_limit_writes

    limiter = Limiter(
        client_identity,
        app=app,
        default_limits=[limit_for_request],
        default_limits_per_method=True,
        headers_enabled=True,
        strategy="sliding-window-counter",
        storage_uri=settings.ratelimit_storage_uri,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        key_prefix="timeline-api",
        enabled=settings.rate_limits_enabled,
    )
    for blueprint in exempt_blueprints:
        limiter.exempt(blueprint)
    return limiter
