"""Inputs that used to give 500s: each is now a 4xx problem+json and stores nothing."""
from __future__ import annotations

import base64
import io
import json

import pytest

from tests.api.test_errors import VALID, assert_nothing_stored, assert_problem
from timeline_api import create_app


def _cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


FORGED_CURSORS = [
    ("/v1/articles", [2**70]),  # overflows a 64-bit integer
    ("/v1/articles", ["7"]), ("/v1/articles", [1.5]), ("/v1/articles", [None]), ("/v1/articles", [True]),
    ("/v1/articles", [-1]),
    ("/v1/timeline", ["2023-01-01T00:00:00", 2**70, "2023-01-01T00:00:00", 1]),
    ("/v1/timeline", ["2023-01-01T00:00:00", 4, "2023-01-01T00:00:00", -2**63 - 1]),
    ("/v1/timeline", [1, 1, 1, 1]),
    ("/v1/timeline", ["2023-01-01T00:00:00+05:00", 4, "2023-01-01T00:00:00", 1]),
    ("/v1/timeline", ["not a date", 4, "2023-01-01T00:00:00", 1]),
    ("/v1/timeline", ["2023-01-01T00:00:00", 4, "2023-01-01T00:00:00"]),
    ("/v1/entities", [{"a": 1}, [2]]),
    ("/v1/entities", ["x" * 300, "org:x"]),
    ("/v1/articles", {"id": 1}),
]


@pytest.mark.parametrize(("path", "key"), FORGED_CURSORS)
def test_a_forged_cursor_is_400_with_the_cursor_named(client, path, key):
    body = assert_problem(client.get(f"{path}?cursor={_cursor(key)}"), 400)
    assert list(body["errors"]) == ["cursor"]


@pytest.mark.parametrize("cursor", ["%%%", "not-base64!", _cursor("a string"), "A" * 500])
def test_a_cursor_that_is_not_a_cursor_at_all_is_400(client, cursor):
    assert_problem(client.get(f"/v1/timeline?cursor={cursor}"), 400)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                    "0001-01-01T00:00:00+23:59", "9999-12-31T23:00:00Z"])
def test_dates_at_the_edge_of_the_calendar_are_422(client, moment):
    body = assert_problem(client.post("/v1/articles", json={**VALID, "published_at": moment}), 422)
    assert "published_at" in body["errors"]
    assert "reference_date" in assert_problem(client.post("/v1/resolve", json={
        "text": "on Friday", "reference_date": moment}), 422)["errors"]
    assert "from" in assert_problem(client.get("/v1/timeline", query_string={"from": moment}), 422)["errors"]
    assert_nothing_stored(client)


def test_lone_surrogates_are_stored_as_replacement_characters_keeping_every_offset(client):
    text = "Officials met in Kyiv \ud800on 3 May 2023, \udfffthe ministry said."
    raw = json.dumps({"text": text, "published_at": "2023-06-05", "title": "Kyiv \udc00talks",
                      "source": "\ud83d", "external_id": "s\udbff1"})  # json escapes them: \ud800
    response = client.post("/v1/articles", data=raw, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    article = response.get_json()
    assert article["text"] == text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
    assert len(article["text"]) == len(text)
    assert article["title"] == "Kyiv \ufffdtalks" and article["source"] == "\ufffd"
    (event,) = article["events"]
    source = event["sources"][0]
    assert article["text"][source["start"]:source["end"]] == source["quote"]
    created = client.post("/v1/entities", content_type="application/json", data=json.dumps(
        {"name": "Acme \udc80Corp", "kind": "organization", "aliases": ["\ud800"]}))
    assert created.status_code == 201 and created.get_json()["name"] == "Acme \ufffdCorp"
    resolved = client.post("/v1/resolve", content_type="application/json",
                           data=json.dumps({"text": "\ud800 on 3 May", "reference_date": "2023-06-05"}))
    assert resolved.status_code == 200 and resolved.get_json()["timexes"][0]["start"] == len("\ufffd on ")


@pytest.mark.parametrize("depth", [40, 900, 100_000])
def test_json_nested_deeply_is_refused_without_a_server_error(client, depth):
    for body in ("[" * depth + "]" * depth, '{"text": ' + "[" * depth + "]" * depth + ', "published_at": "2023"}'):
        response = client.post("/v1/articles", data=body, content_type="application/json")
        assert response.status_code in (400, 422), response.get_data(as_text=True)
        assert_problem(response, response.status_code)
    assert_nothing_stored(client)


@pytest.mark.parametrize("digits", [30, 1000, 4300, 5000, 100_000])
def test_integers_with_thousands_of_digits_are_refused(client, digits):
    number = "9" * digits
    bodies = [('/v1/entities', f'{{"name": "Acme", "kind": "organization", "geonames_id": {number}}}'),
              ('/v1/entities', f'{{"name": "Acme", "kind": "organization", "latitude": {number}}}'),
              ('/v1/articles', f'{{"text": "On 3 May.", "published_at": {number}}}'),
              ('/v1/resolve', f'{{"text": "On 3 May.", "reference_date": "2023-06-05", "language": {number}}}')]
    for path, body in bodies:
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code in (400, 422), response.get_data(as_text=True)
        assert_problem(response, response.status_code)
    assert client.get("/v1/entities?q=Acme").get_json()["entities"] == []
    assert_problem(client.get(f"/v1/timeline?limit={number}"), 422)
    assert_problem(client.get(f"/v1/timeline?article_id={number}"), 422)


def test_a_chunked_body_over_the_limit_is_413_not_400(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps({**VALID, "text": "Officials met. " * (limit // 10)}).encode()
    response = client.post("/v1/articles", input_stream=io.BytesIO(body),
                           headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert_problem(response, 413)
    small = json.dumps(VALID).encode()
    accepted = client.post("/v1/articles", input_stream=io.BytesIO(small),
                           headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert accepted.status_code == 201  # under the limit, a chunked body is read whole


@pytest.fixture
def tight_budget_app(database_url):
    app = create_app({"database_url": database_url, "rate_limits_enabled": False,
                      "analysis_budget_seconds": 0.0})
    yield app
    app.extensions["timeline_db"].dispose()


def test_an_article_past_the_analysis_budget_is_422_and_nothing_is_stored(tight_budget_app):
    client = tight_budget_app.test_client()
    body = assert_problem(client.post("/v1/articles", json=VALID), 422)
    assert "text" in body["errors"] and "shorter articles" in body["detail"]
    assert_nothing_stored(client)
