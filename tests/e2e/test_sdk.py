"""End to end: the service under gunicorn, driven through a client generated
from the committed openapi/openapi.yaml by openapi-python-client.

What this catches that the in-process API tests cannot: the gunicorn config
and app factory string actually boot, the committed OpenAPI document yields a
working typed SDK (operation ids, request bodies, query arrays, problem
responses), and the contract's fields survive a real HTTP round trip.

gunicorn and the client generation happen once per module; every test here
shares one xdist group so they land on the same worker.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import serving
from timeline_api import keys
from timeline_api.store.db import Database
from timeline_api.store.migrate import upgrade

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-sdk")]

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "openapi" / "openapi.yaml"
PACKAGE = "timeline_api_client"

ARTICLE = (
    "Ukraine accused Moscow of shelling the port of Odesa on 3 May 2023, regional officials said. "
    "The Kremlin did not comment on the accusation."
)
ARTICLE_URL = "https://news.example.org/2023/05/odesa-shelling"


# ------------------------------------------------------------------ fixtures

def _gunicorn(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", "python:timeline_api.gunicorn_conf",
            "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}", "timeline_api:create_app()"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> tuple[str, str]:
    """gunicorn serving a freshly migrated SQLite database that holds one write key;
    yields its base URL and the key."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    database_url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(database_url)
    database = Database(database_url)
    with database.session() as session:
        key = keys.create_key(session, "write", "e2e sdk").secret
    database.dispose()
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO"}
    env.pop("WEB_CONCURRENCY", None)
    with serving(_gunicorn, cwd=workdir, env=env, log=workdir / "gunicorn.log") as base_url:
        yield base_url, key


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    """The Python client generated from the committed OpenAPI document, imported from a temp dir."""
    assert OPENAPI.is_file(), f"{OPENAPI} is missing: run `make openapi` and commit it"
    outdir = tmp_path_factory.mktemp("e2e-sdk")
    config = outdir / "generator.yaml"
    # no post hooks: the generated code is imported, not committed, so it need not be ruff-formatted
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate",
         "--path", str(OPENAPI), "--output-path", str(outdir / PACKAGE),
         "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, cwd=outdir, timeout=300,
    )
    assert result.returncode == 0, f"openapi-python-client failed:\n{result.stdout}\n{result.stderr}"
    assert (outdir / PACKAGE / "__init__.py").is_file(), result.stdout + result.stderr
    sys.path.insert(0, str(outdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(outdir))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def api(sdk, server):
    """The generated client, authenticated with the server's write key (as a Bearer token)."""
    base_url, key = server
    client = sdk.AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True,
                                     timeout=httpx.Timeout(60.0))
    with client as bound:
        yield bound


@pytest.fixture(scope="module")
def anonymous(sdk, server):
    """The generated client without a key."""
    with sdk.Client(base_url=server[0], timeout=httpx.Timeout(60.0)) as bound:
        yield bound


def _op(group: str, name: str):
    return importlib.import_module(f"{PACKAGE}.api.{group}.{name}")


def _models():
    return importlib.import_module(f"{PACKAGE}.models")


@pytest.fixture(scope="module")
def posted(api):
    """The fixture article, posted once through the SDK: (response, parsed article)."""
    models = _models()
    body = models.ArticleCreate(
        text=ARTICLE,
        published_at=dt.datetime(2023, 5, 4, 9, 30, tzinfo=dt.UTC),
        title="Odesa port shelled",
        url=ARTICLE_URL,
        source="Example News",
    )
    response = _op("articles", "create_article").sync_detailed(client=api, body=body)
    return response, response.parsed


# ------------------------------------------------------------------ tests

def test_probes_answer_through_the_sdk(api):
    health = _op("health", "get_health").sync_detailed(client=api)
    ready = _op("health", "get_readiness").sync_detailed(client=api)
    assert health.status_code == 200 and health.parsed.status == "ok"
    assert ready.status_code == 200 and ready.parsed.status == "ready"


def test_post_article_returns_created_article_with_its_events(posted):
    response, article = posted
    models = _models()
    assert response.status_code == 201, response.content
    assert isinstance(article, models.ArticleWithEvents)
    assert article.id > 0
    assert article.url == ARTICLE_URL
    assert article.text == ARTICLE
    assert article.events, "the article names a full date; it must yield at least one event"
    assert response.headers["Location"].endswith(f"/v1/articles/{article.id}")


def test_posting_the_same_url_again_returns_the_existing_article(api, posted):
    _, first = posted
    models = _models()
    again = _op("articles", "create_article").sync_detailed(
        client=api,
        body=models.ArticleCreate(text=ARTICLE, published_at=dt.datetime(2023, 5, 4, 9, 30), url=ARTICLE_URL),
    )
    assert again.status_code == 200, again.content
    assert isinstance(again.parsed, models.ArticleWithEvents)
    assert again.parsed.id == first.id
    assert [e.id for e in again.parsed.events] == [e.id for e in first.events]


def test_timeline_by_actor_gives_the_dated_event_with_its_evidence(api, posted):
    _, article = posted
    models = _models()
    response = _op("timeline", "get_timeline").sync_detailed(client=api, actor=["Ukraine"])
    assert response.status_code == 200, response.content
    timeline = response.parsed
    assert isinstance(timeline, models.Timeline)
    assert timeline.next_cursor is None

    dated = [e for e in timeline.events if e.date.value == "2023-05-03"]
    assert len(dated) == 1, [(e.date.value, e.summary) for e in timeline.events]
    event = dated[0]
    assert event.date.granularity == models.EventDateGranularity.DAY
    assert event.date.source == models.EventDateSource.EXPLICIT
    assert event.date.start.startswith("2023-05-03") and event.date.end.startswith("2023-05-04")
    assert "Ukraine" in [actor.name for actor in event.actors]

    assert len(event.sources) == 1
    source = event.sources[0]
    assert source.article_id == article.id
    assert source.url == ARTICLE_URL
    assert "3 May 2023" in source.quote
    # the offsets locate the quoted sentence in the article text
    assert ARTICLE[source.start:source.end] == source.quote
    assert source.quote.startswith("Ukraine accused Moscow")


def test_timeline_by_place_and_interval_goes_through_the_sdk_query_encoding(api, posted):
    """Repeatable `location` and date-time `from`/`to` as the generated client encodes them."""
    _, article = posted
    event_id = next(e.id for e in article.events if e.date.value == "2023-05-03")
    get_timeline = _op("timeline", "get_timeline")

    by_place = get_timeline.sync_detailed(client=api, location=["Moscow"])
    assert by_place.status_code == 200, by_place.content
    assert event_id in [e.id for e in by_place.parsed.events]

    may = get_timeline.sync_detailed(client=api, actor=["Ukraine"], from_=dt.datetime(2023, 5, 1),
                                     to=dt.datetime(2023, 6, 1))
    june = get_timeline.sync_detailed(client=api, actor=["Ukraine"], from_=dt.datetime(2023, 6, 1),
                                      to=dt.datetime(2023, 7, 1))
    assert may.status_code == 200 and june.status_code == 200, (may.content, june.content)
    assert event_id in [e.id for e in may.parsed.events]
    assert event_id not in [e.id for e in june.parsed.events]


def test_event_read_by_id_matches_the_timeline(api, posted):
    _, article = posted
    event_id = next(e.id for e in article.events if e.date.value == "2023-05-03")
    response = _op("events", "get_event").sync_detailed(event_id, client=api)
    assert response.status_code == 200, response.content
    assert response.parsed.id == event_id
    assert response.parsed.date.value == "2023-05-03"
    assert response.parsed.sources[0].article_id == article.id


def test_missing_article_is_a_typed_problem(api):
    models = _models()
    response = _op("articles", "get_article").sync_detailed(2_000_000_000, client=api)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.parsed
    assert isinstance(problem, models.Problem)
    assert problem.status == 404
    assert problem.title == "Not Found"
    assert problem.instance == "/v1/articles/2000000000"


def test_invalid_article_is_a_typed_validation_problem(api):
    models = _models()
    response = _op("articles", "create_article").sync_detailed(
        client=api, body=models.ArticleCreate(text="   ", published_at=dt.datetime(2023, 5, 4)),
    )
    assert response.status_code == 422, response.content
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.parsed
    assert isinstance(problem, models.Problem)
    assert problem.status == 422
    assert "text" in problem.errors.additional_properties


def test_writes_without_a_key_are_a_typed_401_problem_and_reads_are_open(anonymous):
    models = _models()
    refused = _op("articles", "create_article").sync_detailed(
        client=anonymous, body=models.ArticleCreate(text=ARTICLE + " Again.", published_at=dt.datetime(2023, 5, 4)))
    assert refused.status_code == 401, refused.content
    assert isinstance(refused.parsed, models.Problem) and refused.parsed.status == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert _op("timeline", "get_timeline").sync_detailed(client=anonymous).status_code == 200
