"""Browsers on configured origins may call the API; others get no CORS headers."""
from __future__ import annotations

import pytest

from timeline_api import create_app


@pytest.fixture
def cors_client(database_url):
    app = create_app({"database_url": database_url, "cors_origins": ("https://widgets.example.org",)})
    yield app.test_client()
    app.extensions["timeline_db"].dispose()


def test_allowed_origin_gets_cors_headers_and_preflight(cors_client):
    response = cors_client.get("/v1/timeline", headers={"Origin": "https://widgets.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://widgets.example.org"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = cors_client.options("/v1/articles", headers={
        "Origin": "https://widgets.example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_other_origins_get_none(cors_client, client):
    foreign = cors_client.get("/v1/timeline", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in foreign.headers
    unconfigured = client.get("/v1/timeline", headers={"Origin": "https://widgets.example.org"})
    assert "Access-Control-Allow-Origin" not in unconfigured.headers
