"""Cross-origin calls from browsers (CORS_ORIGINS).

Timeline widgets on other sites read the API from visitors' browsers, so reads may be open to
any origin (``*``). Writes are another matter: a page on any site could otherwise post,
delete or merge through a visitor's browser, and from the server's own machine such a
request even comes from loopback, where writes need no key until one exists. So an
operation that needs the write or admin scope is allowed only to origins listed by name,
never through ``*``: the preflight does not offer it, and a request that arrives anyway
(a form post needs no preflight) is refused with 403.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

WRITE_SCOPES = frozenset(("write", "admin"))
_SAFE = frozenset(("GET", "HEAD", "OPTIONS"))


def _required_scope(path: str, method: str) -> str | None:
    """The scope the operation at (path, method) needs, from its view (see api/auth.py)."""
    try:
        endpoint, _ = current_app.url_map.bind("").match(path, method=method)
    except HTTPException:
        return None
    view_class = getattr(current_app.view_functions.get(endpoint), "view_class", None)
    return getattr(getattr(view_class, method.lower(), None), "required_scope", None)


def _same_origin(origin: str) -> bool:
    return origin.rstrip("/") == request.host_url.rstrip("/")


class CorsPolicy:
    def __init__(self, origins: tuple[str, ...]):
        self.named = frozenset(o for o in origins if o != "*")
        self.anyone_reads = "*" in origins

    def may_read(self, origin: str) -> bool:
        return self.anyone_reads or origin in self.named

    def may_write(self, origin: str) -> bool:
        return origin in self.named

    def refuse_foreign_writes(self) -> None:
        """before_request: a write from a page of an origin not named is refused."""
        origin = request.headers.get("Origin")
        if not origin or request.method in _SAFE or _same_origin(origin) or self.may_write(origin):
            return
        if _required_scope(request.path, request.method) in WRITE_SCOPES:
            abort(403, message=f"Pages from {origin} may read this API but not change it; "
                               "name the origin in CORS_ORIGINS to let it write.")

    def add_headers(self, response: Response) -> Response:
        origin = request.headers.get("Origin")
        if not origin or not self.may_read(origin):
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
        response.headers["Access-Control-Expose-Headers"] = "ETag, Location, Link, Retry-After, X-Total-Count"
        if request.method == "OPTIONS":  # a preflight: say what the real request may use
            offered = [m.strip() for m in response.headers.get("Allow", "GET").split(",")]
            if not self.may_write(origin):
                offered = [m for m in offered if m in _SAFE
                           or _required_scope(request.path, m) not in WRITE_SCOPES]
            response.headers["Access-Control-Allow-Methods"] = ", ".join(offered)
            response.headers["Access-Control-Allow-Headers"] = (
                "Content-Type, If-None-Match, If-Match, Authorization, X-API-Key")
            response.headers["Access-Control-Max-Age"] = "600"
        return response


def enable_cors(app: Flask, origins: tuple[str, ...]) -> None:
    policy = CorsPolicy(origins)
    app.before_request(policy.refuse_foreign_writes)
    app.after_request(policy.add_headers)
