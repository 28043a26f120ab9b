"""Every kind of bad input gets RFC 9457 problem+json with a 4xx, and stores nothing."""
from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
VALID = {"text": "Officials met in Kyiv on 3 May 2023.", "published_at": "2023-06-05"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def assert_nothing_stored(client) -> None:
    assert client.get("/v1/articles").get_json()["articles"] == []
    assert client.get("/v1/timeline").get_json()["events"] == []


def test_malformed_json_is_400(client):
    response = client.post("/v1/articles", data='{"text": "unterminated', content_type="application/json")
    assert_problem(response, 400)
    assert_nothing_stored(client)


def test_wrong_content_type_is_415(client):
    response = client.post("/v1/articles", data="text=hello", content_type="application/x-www-form-urlencoded")
    body = assert_problem(response, 415)
    assert "application/json" in body["detail"]
    assert_nothing_stored(client)


@pytest.mark.parametrize(("payload", "field"), [
    ({"published_at": "2023-06-05"}, "text"),
    ({"text": "Something happened on Monday."}, "published_at"),
    ({**VALID, "published_at": "next Tuesday-ish"}, "published_at"),
    ({**VALID, "published_at": "2023-13-45"}, "published_at"),
    ({**VALID, "text": "   \n\t "}, "text"),
    ({**VALID, "text": 42}, "text"),
    ({**VALID, "url": "not a url"}, "url"),
    ({**VALID, "url": "ftp://example.org/a"}, "url"),
    ({**VALID, "language": "xx"}, "language"),
    ({**VALID, "unexpected": True}, "unexpected"),
])
def test_invalid_fields_are_422_with_an_errors_map(client, payload, field):
    body = assert_problem(client.post("/v1/articles", json=payload), 422)
    assert field in body["errors"], body
    assert_nothing_stored(client)


def test_text_over_the_configured_limit_is_422(client, app):
    limit = app.extensions["timeline_settings"].max_text_chars
    body = assert_problem(client.post("/v1/articles", json={**VALID, "text": "a" * (limit + 1)}), 422)
    assert "text" in body["errors"]
    assert_nothing_stored(client)


def test_body_over_max_content_length_is_413(client, app):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/v1/articles", data=b"{" + b" " * size + b"}", content_type="application/json")
    assert_problem(response, 413)
    assert_nothing_stored(client)


@pytest.mark.parametrize("path", ["/v1/articles/999", "/v1/events/999", "/v1/articles/999/events",
                                  "/v1/entities/geonames:0", "/v1/nowhere",
                                  "/v1/articles/99999999999999999999"])
def test_unknown_ids_are_404(client, path):
    assert_problem(client.get(path), 404)


def test_delete_unknown_article_is_404(client):
    assert_problem(client.delete("/v1/articles/12345"), 404)


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/v1/timeline", json={})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("query", ["limit=0", "limit=100000", "limit=abc", "order=sideways",
                                   "from=yesterday", "from=2023-06-01&to=2023-05-01"])
def test_bad_timeline_queries_are_422(client, query):
    body = assert_problem(client.get(f"/v1/timeline?{query}"), 422)
    assert body["errors"]


def test_resolve_validates_its_body(client):
    body = assert_problem(client.post("/v1/resolve", json={"text": "on Friday"}), 422)
    assert "reference_date" in body["errors"]


def test_wrong_method_wins_over_wrong_content_type(client):
    response = client.put("/v1/articles", data="x", content_type="text/plain")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_nul_characters_anywhere_never_reach_the_database(client):
    assert client.get("/v1/entities?q=%00").status_code == 200
    assert client.get("/v1/timeline?actor=%00&q=a%00b").status_code == 200
    response = client.post("/v1/entities", json={"name": "Nul\x00Corp", "kind": "organization"})
    assert response.status_code == 201 and response.get_json()["name"] == "Nul\ufffdCorp"


def test_errors_are_lists_of_messages_by_field_path(client):
    """The problem schema declares errors as {field: [message]}: a field inside a list is named by its path."""
    problem = client.get("/v1/timeline?actor=&actor=Kyiv&limit=0").get_json()
    assert problem["errors"] == {"actor.0": ["Length must be between 1 and 255."],
                                 "limit": ["Must be greater than or equal to 1 and less than or equal to 500."]}
    nested = client.post("/v1/articles", json={"text": "x", "published_at": "2023-01-01", "title": ["a"]}).get_json()
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in nested["errors"].values())
