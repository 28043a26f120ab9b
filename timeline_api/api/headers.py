"""Headers every response carries: no MIME sniffing, no referrer leaks, no framing, and for
the JSON API a Content-Security-Policy that lets a response run nothing at all (the /docs
page sets its own, see api/docs.py)."""
from __future__ import annotations

from flask import Response

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def secure_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    return response
