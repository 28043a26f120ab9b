"""Authorisation of requests by API key (see timeline_api.keys for keys and scopes).

A request names its key in ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Three
hooks run in this order for every request:
1. ``identify_client`` finds the active key presented, if any (``g.api_key``), so that the
   rate limits count per key rather than per address;
2. the rate limiter (api/limits.py);
3. ``enforce_scope`` refuses what the view's scope does not allow: 401 without a valid key,
   403 with a key of too small a scope. Until the first key is created, writes are accepted
   from loopback clients only, so ``make run`` works for a newcomer while a server reachable
   from elsewhere is never open by accident.
"""
from __future__ import annotations

import ipaddress

from flask import current_app, g, request
from flask_smorest import abort

from timeline_api import keys
from timeline_api.api.common import db_session, settings

BEARER = "bearerAuth"
API_KEY_HEADER = "apiKeyHeader"
SECURITY_SCHEMES = {
    BEARER: {"type": "http", "scheme": "bearer",
             "description": "An API key from `timeline-api keys create`, as `Authorization: Bearer <key>`"},
    API_KEY_HEADER: {"type": "apiKey", "in": "header", "name": "X-API-Key",
                     "description": "The same key in the `X-API-Key` header"},
}
WITH_KEY = [{BEARER: []}, {API_KEY_HEADER: []}]
# Reads: open unless the deployment sets REQUIRE_KEY_FOR_READS ({} = no key needed)
KEY_OPTIONAL = [{}, *WITH_KEY]
NO_KEY = []


def _presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-API-Key") or None


def identify_client() -> None:
    presented = _presented_key()
    g.api_key = keys.authenticate(db_session(), presented) if presented else None
    g.key_presented = presented is not None


def client_identity() -> str:
    """What rate limits count by: the key when one was presented and valid, else the address."""
    key = g.get("api_key")
    return f"key:{key.id}" if key is not None else f"address:{request.remote_addr}"


def _needed_scope() -> str | None:
    if request.method == "OPTIONS" or request.routing_exception is not None:
        return None  # a CORS preflight; or a 404/405, which comes first
    view = current_app.view_functions.get(request.endpoint)
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    if method is None and request.method == "HEAD":
        method = getattr(getattr(view, "view_class", None), "get", None)
    scope = getattr(method, "required_scope", None)
    if scope is None and settings().require_key_for_reads and request.path.startswith("/v1/"):
        return "read"
    return scope


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _unauthorized(detail: str):
    abort(401, message=detail, headers={"WWW-Authenticate": 'Bearer realm="timeline-api"'})


def enforce_scope() -> None:
    needed = _needed_scope()
    if needed is None:
        return
    key = g.get("api_key")
    if key is not None:
        if not keys.grants(key.scope, needed):
            abort(403, message=f"This needs a key with the {needed} scope; this key has {key.scope}.")
        return
    if g.get("key_presented"):
        _unauthorized("The API key is not valid (unknown or revoked).")
    if needed != "read" and _is_loopback(request.remote_addr) and not keys.any_keys(db_session()):
        return  # no key exists yet: the machine's own user may write
    _unauthorized(f"This needs an API key with the {needed} scope: send it as 'Authorization: Bearer <key>' "
                  "or 'X-API-Key'. Create one with `timeline-api keys create --scope "
                  f"{'write' if needed == 'read' else needed}`.")
