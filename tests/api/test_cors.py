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
    export = cors_client.get("/v1/timeline.timelinejs", headers={"Origin": "https://widgets.example.org"})
    assert export.data and export.headers["Access-Control-Allow-Origin"] == "https://widgets.example.org"
    exposed = export.headers["Access-Control-Expose-Headers"]
    assert "X-Total-Count" in exposed and "Link" in exposed  # a widget reads how many and where the rest is
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


@pytest.fixture
def open_reads_client(database_url):
    app = create_app({"database_url": database_url, "rate_limits_enabled": False,
                      "cors_origins": ("*", "https://newsroom.example.org")})
    yield app.test_client()
    app.extensions["timeline_db"].dispose()


def _preflight(client, path, origin, method):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method})


def test_any_origin_may_read_but_only_named_origins_may_write(open_reads_client):
    client = open_reads_client
    anyone = "https://blog.example.net"
    assert client.get("/v1/timeline", headers={"Origin": anyone}).headers["Access-Control-Allow-Origin"] == anyone
    offered = _preflight(client, "/v1/articles", anyone, "POST").headers["Access-Control-Allow-Methods"]
    assert "GET" in offered and "POST" not in offered
    assert "DELETE" not in _preflight(client, "/v1/articles/1", anyone, "DELETE").headers[
        "Access-Control-Allow-Methods"]
    # /v1/resolve computes and stores nothing: a read, open to every page
    assert "POST" in _preflight(client, "/v1/resolve", anyone, "POST").headers["Access-Control-Allow-Methods"]
    named = _preflight(client, "/v1/articles", "https://newsroom.example.org", "POST")
    assert "POST" in named.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in named.headers["Access-Control-Allow-Headers"]


def test_a_write_from_a_page_of_another_origin_is_refused_even_from_loopback(open_reads_client, client):
    article = {"text": "Floods closed the port of Lagos on 2 July 2022.", "published_at": "2022-07-04"}
    for app_client in (open_reads_client, client):  # with CORS open to reads, and with no CORS at all
        refused = app_client.post("/v1/articles", json=article, headers={"Origin": "https://evil.example.com"})
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        assert "CORS_ORIGINS" in refused.get_json()["detail"]
    assert open_reads_client.get("/v1/articles").get_json()["articles"] == []
    named = open_reads_client.post("/v1/articles", json=article, headers={"Origin": "https://newsroom.example.org"})
    assert named.status_code == 201
    # the API's own pages (the /docs "try it out") are the same origin
    own = client.post("/v1/articles", json={**article, "text": article["text"] + " Again."},
                      headers={"Origin": "http://localhost"})
    assert own.status_code == 201
