"""Rate limits per client and per route, in memory or shared through Redis; 429 problem+json."""
from __future__ import annotations

import uuid

import pytest
import redis

from timeline_api import create_app, keys
from timeline_api.store.db import Database

REDIS_URL = "redis://127.0.0.1:6379/0"


def _client_address() -> dict[str, str]:
    """A client address never used before (in the IPv6 documentation prefix), so that no two
    tests, nor two runs sharing the Redis server, count on one counter."""
    host = uuid.uuid4().hex[:16]
    return {"REMOTE_ADDR": "2001:db8::" + ":".join(host[i:i + 4] for i in range(0, 16, 4))}


@pytest.fixture
def limited(database_url):
    """An app allowing 3 reads and 2 writes a minute per client, route and method."""
    apps = []

    def make(**overrides):
        app = create_app({"database_url": database_url, "rate_limit_reads": "3 per minute",
                          "rate_limit_writes": "2 per minute", **overrides})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["timeline_db"].dispose()


def _key(database_url: str, scope: str) -> str:
    database = Database(database_url)
    with database.session() as session:
        secret = keys.create_key(session, scope).secret
    database.dispose()
    return secret


def test_a_client_over_its_limit_gets_a_429_problem_with_retry_after(limited):
    client = limited().test_client()
    address = _client_address()
    statuses = [client.get("/v1/timeline", environ_base=address).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v1/timeline", environ_base=address)
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429 and refused.get_json()["title"] == "Too Many Requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == "3"


def test_limits_count_per_route_and_method_and_per_client(limited, database_url):
    client = limited().test_client()
    address = _client_address()
    for _ in range(3):
        assert client.get("/v1/timeline", environ_base=address).status_code == 200
    assert client.get("/v1/timeline", environ_base=address).status_code == 429
    assert client.get("/v1/entities", environ_base=address).status_code == 200  # another route
    assert client.get("/v1/timeline", environ_base=_client_address()).status_code == 200  # another client
    # writes have their own, smaller allowance; a key is a client of its own, wherever it calls from
    key = _key(database_url, "write")
    codes = [client.post("/v1/articles", json={"text": f"Floods hit Lagos on {day} July 2022.",
                                               "published_at": "2022-07-09"},
                         environ_base=_client_address(), headers={"X-API-Key": key}).status_code
             for day in (2, 3, 4)]
    assert codes == [201, 201, 429]


def test_the_probes_are_never_limited(limited):
    client = limited().test_client()
    address = _client_address()
    assert {client.get("/healthz", environ_base=address).status_code for _ in range(10)} == {200}


def test_app_servers_share_the_counts_through_redis(limited):
    redis.Redis.from_url(REDIS_URL).ping()  # fails, never skips, when CI's Redis is not there
    first, second = (limited(ratelimit_storage_uri=REDIS_URL).test_client() for _ in range(2))
    address = _client_address()
    assert [c.get("/v1/timeline", environ_base=address).status_code for c in (first, second, first)] == [200] * 3
    assert second.get("/v1/timeline", environ_base=address).status_code == 429


def test_an_unreachable_limit_store_does_not_refuse_requests(limited):
    client = limited(ratelimit_storage_uri="redis://127.0.0.1:1/0").test_client()
    assert client.get("/v1/timeline", environ_base=_client_address()).status_code == 200


def test_allowed_responses_carry_the_allowance_but_no_retry_after(limited):
    response = limited().test_client().get("/v1/timeline", environ_base=_client_address())
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2" and "Retry-After" not in response.headers
