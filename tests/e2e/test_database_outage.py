"""End to end: the PostgreSQL server goes away under a running gunicorn, and comes back.

A private PostgreSQL cluster (initdb in a temporary directory, a free loopback port;
never the shared server) serves gunicorn with the project's settings. While the
server is stopped, every request that needs the database gets 503 problem+json with
Retry-After, /healthz still answers, and the error log gains one short line per
failed request, without traceback or SQL. When the server is back, the same gunicorn
serves again: no restart, no manual step.
"""
from __future__ import annotations

import os

import httpx
import pytest

from tests.e2e import servers
from timeline_api.store.migrate import upgrade

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-outage")]

ARTICLES = [
    {"text": f"Dockers in {city} walked out on {day} May 2024, the union said.", "published_at": "2024-05-20",
     "external_id": f"strike-{city.lower()}"}
    for city, day in (("Antwerp", 2), ("Hamburg", 6), ("Genoa", 9), ("Gdansk", 13))
]
RETRY_AFTER = "11"
# the error log may gain at most this many lines per request that failed for want of the database
LOG_LINES_PER_FAILURE = 1
LOG_LINE_MAX_CHARS = 400


@pytest.fixture(scope="module")
def postgres():
    cluster = servers.PrivatePostgres()
    try:
        cluster.start()
        upgrade(cluster.url)
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def gunicorn(postgres, tmp_path_factory):
    server = servers.start_gunicorn(tmp_path_factory.mktemp("e2e-outage"), postgres.url, workers=1, threads=2,
                                    env={"DB_RETRY_AFTER_SECONDS": RETRY_AFTER})
    yield server
    server.stop()


def _requests(client: httpx.Client, article: dict) -> list[httpx.Response]:
    """A write and the reads that need the database."""
    return [client.post("/v1/articles", json=article), client.get("/v1/timeline", params={"actor": "Antwerp"}),
            client.get("/v1/articles/1"), client.get("/v1/entities", params={"q": "Hamburg"})]


def test_an_outage_gives_503_with_retry_after_short_log_lines_and_recovers_by_itself(postgres, gunicorn):
    with httpx.Client(base_url=gunicorn.base_url, timeout=30) as client:
        assert client.post("/v1/articles", json=ARTICLES[0]).status_code == 201
        assert all(r.status_code == 200 for r in _requests(client, ARTICLES[0])[1:])
        processes = _gunicorn_pids(gunicorn)

        postgres.stop()
        log_before = gunicorn.log.read_text(encoding="utf-8", errors="replace")
        failed = []
        for article in ARTICLES[1:3]:
            failed += _requests(client, article)
        ready = client.get("/readyz")
        health = client.get("/healthz")
        added = gunicorn.log.read_text(encoding="utf-8", errors="replace")[len(log_before):].splitlines()

        postgres.start()
        back = _requests(client, ARTICLES[3])
        ready_again = client.get("/readyz")

    for response in failed:
        assert response.status_code == 503, (response.request.url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["Retry-After"] == RETRY_AFTER
        assert response.json()["status"] == 503
    assert ready.status_code == 503 and health.status_code == 200

    assert 0 < len(added) <= LOG_LINES_PER_FAILURE * len(failed), "\n".join(added)
    for line in added:
        assert len(line) <= LOG_LINE_MAX_CHARS and "Traceback" not in line, line
        assert "SELECT" not in line and "INSERT" not in line and "Dockers" not in line, line

    assert [r.status_code for r in back] == [201, 200, 200, 200], [r.text for r in back]
    assert ready_again.status_code == 200
    assert _gunicorn_pids(gunicorn) == processes, "gunicorn or its worker was restarted"
    # the articles posted during the outage were not stored; those before and after were
    with httpx.Client(base_url=gunicorn.base_url, timeout=30) as client:
        stored = {article["external_id"] for article in client.get("/v1/articles").json()["articles"]}
    assert stored == {ARTICLES[0]["external_id"], ARTICLES[3]["external_id"]}


def _gunicorn_pids(server: servers.Server) -> set[int]:
    """The master and its workers (the processes of gunicorn's session)."""
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == server.proc.pid:
                    pids.add(int(entry))
            except ProcessLookupError:
                continue
    return pids
