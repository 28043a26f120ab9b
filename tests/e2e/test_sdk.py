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

import ast
import csv
import datetime as dt
import importlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import icalendar
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
def server(tmp_path_factory) -> tuple[str, str, str]:
    """gunicorn serving a freshly migrated SQLite database that holds a write key and an
    admin key; yields its base URL and the two keys."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    database_url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(database_url)
    database = Database(database_url)
    with database.session() as session:
        key = keys.create_key(session, "write", "e2e sdk").secret
        admin_key = keys.create_key(session, "admin", "e2e sdk curator").secret
    database.dispose()
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO"}
    env.pop("WEB_CONCURRENCY", None)
    with serving(_gunicorn, cwd=workdir, env=env, log=workdir / "gunicorn.log") as base_url:
        yield base_url, key, admin_key


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
    base_url, key, _ = server
    client = sdk.AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True,
                                     timeout=httpx.Timeout(60.0))
    with client as bound:
        yield bound


@pytest.fixture(scope="module")
def curator(sdk, server):
    """The generated client with the admin key: deletes articles and curates entities."""
    base_url, _, admin_key = server
    client = sdk.AuthenticatedClient(base_url=base_url, token=admin_key, raise_on_unexpected_status=True,
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
    # date-times with their offset: the client parses them as aware datetimes
    assert event.date.start == dt.datetime(2023, 5, 3, tzinfo=dt.UTC)
    assert event.date.end == dt.datetime(2023, 5, 4, tzinfo=dt.UTC)
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


# ------------------------------------------------------------------ every export format

def test_timelinejs_export_is_a_typed_timeline(api, posted):
    models = _models()
    response = _op("timeline", "export_timelinejs").sync_detailed(client=api, actor=["Ukraine"])
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/vnd.timelinejs+json"
    timeline = response.parsed
    assert isinstance(timeline, models.TimelineJS) and isinstance(timeline.events[0], models.TimelineJSSlide)
    total = int(response.headers["X-Total-Count"])
    assert timeline.title.text.text == f"<p>{total} event{'s' if total != 1 else ''}</p>"
    assert len(timeline.events) == total
    slide = next(s for s in timeline.events if s.start_date.day == 3)
    assert (slide.start_date.year, slide.start_date.month) == (2023, 5)
    assert slide.media.link == ARTICLE_URL and "Ukraine accused Moscow" in slide.media.url

    nothing = _op("timeline", "export_timelinejs").sync_detailed(client=api, actor=["Atlantis"]).parsed
    assert [s.unique_id for s in nothing.events] == ["no-events"]


def test_vis_export_is_typed_items(api, posted):
    models = _models()
    response = _op("timeline", "export_vis").sync_detailed(client=api, actor=["Ukraine", "Moscow"])
    vis = response.parsed
    assert isinstance(vis, models.Vis) and isinstance(vis.items[0], models.VisItem)
    assert "2023-05-03" in [item.start for item in vis.items]
    assert [group.order for group in vis.groups] == list(range(len(vis.groups)))


def test_csv_export_reads_with_the_csv_module(api, posted):
    _, article = posted
    response = _op("timeline", "export_csv").sync_detailed(client=api, actor=["Ukraine"])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert isinstance(response.parsed, str)
    rows = list(csv.DictReader(io.StringIO(response.parsed, newline="")))
    row = next(r for r in rows if r["date_value"] == "2023-05-03")
    assert row["url"] == ARTICLE_URL and row["title"] == "Odesa port shelled"
    assert row["published_at"] == "2023-05-04T09:30:00Z" and row["quote"].startswith("Ukraine accused Moscow")
    assert str(article.id) in row["article_ids"].split("; ")
    assert row["latitude"] and row["longitude"]  # Odesa (or the event's first place) is on the map


def test_ics_export_parses_with_icalendar(api, posted):
    response = _op("timeline", "export_ics").sync_detailed(client=api, location=["Odesa"])
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.parsed)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == int(response.headers["X-Total-Count"]) >= 1
    vevent = next(v for v in vevents if v.decoded("DTSTART") == dt.date(2023, 5, 3))
    again = icalendar.Calendar.from_ical(_op("timeline", "export_ics").sync_detailed(client=api).parsed)
    assert str(vevent["UID"]) in {str(v["UID"]) for v in again.walk("VEVENT")}  # stable across exports
    assert re.fullmatch(r"event-\d+-[0-9a-f-]{36}@timeline-api", str(vevent["UID"]))
    event = next(e for e in _op("timeline", "get_timeline").sync_detailed(client=api, location=["Odesa"]).parsed.events
                 if e.date.value == "2023-05-03")
    places = {(loc.latitude, loc.longitude) for loc in event.locations if loc.latitude is not None}
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) in places  # on the map at one of its places
    assert dt.datetime.now(dt.UTC) - vevent.decoded("DTSTAMP") < dt.timedelta(minutes=10)


def test_jsonl_export_is_the_json_timelines_events(api, posted):
    response = _op("timeline", "export_jsonl").sync_detailed(client=api, actor=["Ukraine"])
    assert response.headers["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.parsed.splitlines()]
    page = _op("timeline", "get_timeline").sync_detailed(client=api, actor=["Ukraine"]).parsed
    assert [line["id"] for line in lines] == [event.id for event in page.events]
    assert [_models().Event.from_dict(line) for line in lines] == page.events  # the same events, field by field


# ------------------------------------------------------------------ the other operations

def test_articles_are_listed_with_their_events_and_an_admin_deletes_one(api, curator, posted):
    models = _models()
    _, article = posted
    listed = _op("articles", "list_articles").sync_detailed(client=api, limit=10).parsed
    assert isinstance(listed, models.ArticlePage) and article.id in [a.id for a in listed.articles]
    events = _op("articles", "list_article_events").sync_detailed(article.id, client=api).parsed
    assert sorted(e.id for e in events.events) == sorted(e.id for e in article.events)
    assert _op("articles", "get_article").sync_detailed(article.id, client=api).parsed.text == ARTICLE

    spare = _op("articles", "create_article").sync_detailed(client=api, body=models.ArticleCreate(
        text="Floods closed the port of Gdansk on 2 June 2023.", published_at=dt.datetime(2023, 6, 3))).parsed
    refused = _op("articles", "delete_article").sync_detailed(spare.id, client=api)  # write is not admin
    assert refused.status_code == 403 and isinstance(refused.parsed, models.Problem)
    deleted = _op("articles", "delete_article").sync_detailed(spare.id, client=curator)
    assert deleted.status_code == 204
    assert _op("articles", "get_article").sync_detailed(spare.id, client=api).status_code == 404


def test_entities_are_searched_read_and_curated(api, curator, posted):
    models = _models()
    found = _op("entities", "list_entities").sync_detailed(client=api, q="Odesa").parsed
    assert isinstance(found, models.EntityPage) and found.entities
    odesa = _op("entities", "get_entity").sync_detailed(found.entities[0].id, client=api).parsed
    assert odesa.name == found.entities[0].name and odesa.latitude is not None
    assert isinstance(odesa.kind, models.EntityKind)

    create = _op("entities", "create_entity")
    traders = create.sync_detailed(client=curator, body=models.EntityCreate(
        name="Northwind Traders", kind=models.EntityCreateKind.ORGANIZATION, aliases=["NWT"])).parsed
    trading = create.sync_detailed(client=curator, body=models.EntityCreate(
        name="Northwind Trading", kind=models.EntityCreateKind.ORGANIZATION)).parsed
    patched = _op("entities", "update_entity").sync_detailed(
        traders.id, client=curator, body=models.EntityPatch(aliases=["NWT", "Northwind"])).parsed
    assert sorted(patched.aliases) == ["NWT", "Northwind"]
    merged = _op("entities", "merge_entity").sync_detailed(
        trading.id, client=curator, body=models.EntityMerge(into=traders.id))
    assert merged.status_code == 200 and merged.parsed.id == traders.id
    assert "Northwind Trading" in merged.parsed.aliases


def test_resolve_gives_timexes_with_aware_intervals(api):
    models = _models()
    response = _op("resolve", "resolve_timexes").sync_detailed(client=api, body=models.ResolveRequest(
        text="The talks ended two days ago.", reference_date=dt.datetime(2023, 6, 5, tzinfo=dt.UTC)))
    (timex,) = response.parsed.timexes
    assert (timex.text, timex.value) == ("two days ago", "2023-06-03")
    assert timex.interval.start == dt.datetime(2023, 6, 3, tzinfo=dt.UTC)


def test_these_tests_drive_every_generated_operation(sdk):
    """Every operation module the generator wrote is called by a test of this file."""
    generated = {(path.parent.name, path.stem) for path in (Path(sdk.__file__).parent / "api").glob("*/*.py")
                 if path.stem != "__init__"}
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    driven = {(call.args[0].value, call.args[1].value) for call in ast.walk(tree)
              if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "_op"}
    assert generated == driven, {"not driven": generated - driven, "not generated": driven - generated}


def test_mentions_are_listed_and_an_admin_splits_a_merged_event(api, curator):
    models = _models()
    create = _op("articles", "create_article")
    reports = [create.sync_detailed(client=api, body=models.ArticleCreate(text=text, published_at=dt.datetime(
        2024, 2, 11, tzinfo=dt.UTC))).parsed for text in (
        "A car bomb exploded outside the central market in Kirkuk on 10 February 2024, killing four people.",
        "Four people were killed when a car bomb exploded near the central market of Kirkuk on 10 February 2024.")]
    merged = next(e for e in reports[1].events if len(e.sources) == 2)  # the second report joined the first's
    mentions = _op("articles", "list_article_mentions").sync_detailed(reports[0].id, client=api).parsed
    kirkuk = next(m for m in mentions.mentions if m.text == "Kirkuk")
    named = _op("entities", "list_entity_mentions").sync_detailed(kirkuk.entity_id, client=api).parsed
    assert {m.article_id for m in named.mentions} >= {r.id for r in reports}

    split = _op("events", "split_event")
    moved = models.SourceRef(article_id=reports[1].id, start=merged.sources[1].start)
    refused = split.sync_detailed(merged.id, client=api, body=models.SplitRequest(sources=[moved]))
    assert refused.status_code == 403  # a write key does not curate
    result = split.sync_detailed(merged.id, client=curator, body=models.SplitRequest(sources=[moved])).parsed
    assert [s.article_id for s in result.event.sources] == [reports[0].id]
    assert [s.article_id for s in result.split.sources] == [reports[1].id]
