"""Hostile text at the size limit, through a real gunicorn: each article is answered (stored,
or refused as too costly), never a 5xx or a hung worker, and the probe keeps answering while
the worker analyses it (the analysis is linear and holds the GIL only in short steps)."""
from __future__ import annotations

import os
import sys
import threading

import httpx
import pytest

from bench.adversarial import FAMILIES
from tests.e2e.processes import serving
from timeline_api.config import Settings
from timeline_api.store.migrate import upgrade

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("e2e-hostile")]

# the families the deploy issue names; bench/adversarial.py measures all twelve
NAMED = ["one letter", "one dot", "one sentence", "one paragraph"]
# guards against a hang, not measurements: a probe slower than this fails the test
PROBE_GUARD_S = 5
POST_GUARD_S = 120


def _gunicorn(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", "python:timeline_api.gunicorn_conf",
            "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}", "timeline_api:create_app()"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    workdir = tmp_path_factory.mktemp("hostile")
    database_url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(database_url)
    env = {**os.environ, "DATABASE_URL": database_url, "RATE_LIMITS_ENABLED": "false"}
    env.pop("WEB_CONCURRENCY", None)
    with serving(_gunicorn, cwd=workdir, env=env, log=workdir / "gunicorn.log") as base_url:
        yield base_url


@pytest.mark.parametrize("family", NAMED)
def test_an_article_of_hostile_text_at_the_limit_is_answered_while_the_probe_keeps_answering(server, family):
    text = FAMILIES[family](Settings().max_text_chars)
    outcome: dict = {}

    def post():
        try:
            outcome["response"] = httpx.post(f"{server}/v1/articles", timeout=POST_GUARD_S,
                                             json={"text": text, "published_at": "2023-06-05"})
        except httpx.HTTPError as exc:  # recorded, asserted below
            outcome["error"] = exc

    writer = threading.Thread(target=post)
    writer.start()
    probes = []
    while writer.is_alive():
        probes.append(httpx.get(f"{server}/healthz", timeout=PROBE_GUARD_S).status_code)
        writer.join(0.2)
    assert "error" not in outcome, outcome
    response = outcome["response"]
    assert response.status_code in (200, 201, 422), response.text[:500]
    if response.status_code == 422:
        assert response.headers["Content-Type"].startswith("application/problem+json")
    assert probes and set(probes) == {200}
