"""Rate limits (Flask-Limiter): per client (its key, else its address) and per route and method.

Reads and writes have limits of their own, from RATE_LIMIT_READS and RATE_LIMIT_WRITES. The
counters live in memory by default, which is right for one app server; several app servers
share them through Redis (RATELIMIT_STORAGE_URI=redis://host:6379). If that storage fails,
requests are counted in memory meanwhile rather than refused. A client over its limit gets
429 problem+json with Retry-After; the probes are never limited.
"""
from __future__ import annotations

from flask import Flask, Response, g, request
from flask_limiter import Limiter

from timeline_api.api.auth import client_identity
from timeline_api.config import Settings

_READ_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


def _remember_own_retry_after(response: Response) -> Response:
    """The app's own Retry-After (a 503 while the database is away), before Flask-Limiter
    replaces it with the later of it and the end of the client's window."""
    g.own_retry_after = response.headers.get("Retry-After")
    return response


def _retry_after_only_when_refused(response: Response) -> Response:
    """Flask-Limiter sets Retry-After on every response; its value means something on 429
    only. Any other response keeps the Retry-After the app gave it, or has none."""
    if response.status_code != 429:
        own = g.pop("own_retry_after", None)
        if own is None:
            response.headers.pop("Retry-After", None)
        else:
            response.headers["Retry-After"] = own
    return response


def init_limits(app: Flask, settings: Settings, exempt_blueprints=()) -> Limiter:
    # after_request hooks run last-registered first: this one runs after the limiter's own
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
    # and this one before it
    app.after_request(_remember_own_retry_after)
    for blueprint in exempt_blueprints:
        limiter.exempt(blueprint)
    return limiter
