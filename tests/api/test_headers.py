"""Secure headers on every response, and error bodies that give nothing of the inside away."""
from __future__ import annotations

import pytest

from timeline_api.api.docs import DOCS_CSP
from timeline_api.api.headers import API_CSP


@pytest.mark.parametrize("path", ["/v1/timeline", "/healthz", "/openapi.json", "/v1/articles/999", "/nowhere"])
def test_every_response_forbids_sniffing_framing_and_referrers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"] == API_CSP


def test_docs_page_allows_scripts_from_this_server_only(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == DOCS_CSP
    assert "script-src 'self';" in DOCS_CSP and "unsafe-eval" not in DOCS_CSP
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "cdn" not in page.lower()  # no inline script, no CDN
    assert client.get("/docs/vendor/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/vendor/../../../../../etc/passwd").status_code == 404


def test_an_unexpected_error_says_nothing_of_the_code_the_sql_or_the_paths(app, client, monkeypatch):
    import timeline_api.api.timeline as timeline_view

    def broken(*_args, **_kwargs):
        raise RuntimeError("SELECT secret FROM /srv/timeline/app.py line 42")

    monkeypatch.setattr(timeline_view, "_query", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/v1/timeline")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    body = response.get_data(as_text=True)
    for leak in ("SELECT", "secret", "/srv", ".py", "Traceback", "RuntimeError"):
        assert leak not in body
