"""ETags on every GET from the store version, 304s that cost no query, If-Match on PATCH,
and cursors signed and bound to their query."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from timeline_api import create_app
from timeline_api.store import repository
from timeline_api.store.cursor import encode_cursor

ARTICLE = ("Ukraine said drones hit an oil depot in Moscow on 3 May 2023. "
           "Officials in Kyiv denied it on 4 May 2023. Talks opened in Geneva on 9 May 2023.")


def _statements(app, send) -> tuple[object, int]:
    engine = app.extensions["timeline_db"].engine
    count = 0

    def before(*_args):
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        response = send()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return response, count


@pytest.fixture
def stored(post_article):
    return post_article(ARTICLE)


def _gets(article) -> list[str]:
    event_id = article["events"][0]["id"]
    return ["/v1/timeline?actor=Ukraine", "/v1/timeline", "/v1/articles", f"/v1/articles/{article['id']}",
            f"/v1/articles/{article['id']}/events", f"/v1/events/{event_id}", "/v1/entities?q=kyiv"]


def test_every_get_has_an_etag_and_a_client_holding_it_gets_a_304_for_one_statement(app, client, stored):
    for path in _gets(stored):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["ETag"] and first.headers["Cache-Control"] == "no-cache"
        again, statements = _statements(app, lambda path=path, etag=first.headers["ETag"]: client.get(
            path, headers={"If-None-Match": etag}))
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == first.headers["ETag"]
        assert statements == 1, path  # the store version: no page, no entity lookup
        weak = client.get(path, headers={"If-None-Match": f'W/{first.headers["ETag"]}, "other"'})
        assert weak.status_code == 304


def test_any_change_to_the_store_moves_every_etag(client, post_article, stored):
    path = "/v1/timeline?actor=Ukraine"
    before = client.get(path).headers["ETag"]
    post_article("Ukraine reopened the port of Odesa on 20 May 2023.")
    after_ingest = client.get(path, headers={"If-None-Match": before})
    assert after_ingest.status_code == 200 and after_ingest.headers["ETag"] != before
    etag = after_ingest.headers["ETag"]
    assert client.delete(f"/v1/articles/{stored['id']}").status_code == 204
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200
    etag = client.get(path).headers["ETag"]
    client.post("/v1/entities", json={"name": "Odesa Port Authority", "kind": "organization"})
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200


def test_etags_differ_by_query_and_by_what_the_client_accepts(client, stored):
    etags = {client.get(path).headers["ETag"] for path in _gets(stored)}
    assert len(etags) == len(_gets(stored))
    plain = client.get("/v1/timeline").headers["ETag"]
    assert client.get("/v1/timeline", headers={"Accept": "application/json"}).headers["ETag"] != plain


def test_preconditions_are_ignored_for_requests_that_would_fail(client, stored):
    etag = client.get("/v1/timeline").headers["ETag"]
    assert client.get("/v1/timeline?limit=abc", headers={"If-None-Match": etag}).status_code == 422
    assert client.get("/v1/articles/999999", headers={"If-None-Match": "*"}).status_code == 404


def test_patch_with_if_match_applies_only_to_the_entity_as_last_read(client, stored):
    entity = next(e for e in client.get("/v1/entities?q=kyiv").get_json()["entities"] if e["name"] == "Kyiv")
    path = f"/v1/entities/{entity['id']}"
    read = client.get(path)
    etag = read.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    changed = client.patch(path, json={"aliases": ["Kiev"]}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.headers["ETag"] == client.get(path).headers["ETag"]
    stale = client.patch(path, json={"aliases": ["Kyjiw"]}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert client.get(path).get_json()["aliases"] == ["Kiev"]
    assert client.patch(path, json={"aliases": ["Kyjiw"]}).status_code == 200  # If-Match is optional
    assert client.patch(path, json={"aliases": ["Kyiv city"]}, headers={"If-Match": "*"}).status_code == 200


def _pages(client, path: str) -> tuple[dict, str]:
    first = client.get(path).get_json()
    assert first["next_cursor"], first
    return first, first["next_cursor"]


def test_a_cursor_pages_only_the_query_it_was_issued_for(client, post_article):
    for day in range(1, 8):
        post_article(f"Ukraine and Russia exchanged prisoners in Istanbul on {day} June 2023.",
                     published_at="2023-06-10")
    _, cursor = _pages(client, "/v1/timeline?actor=Ukraine&limit=2")
    assert client.get(f"/v1/timeline?actor=Ukraine&limit=2&cursor={cursor}").status_code == 200
    assert client.get(f"/v1/timeline?actor=Ukraine&limit=5&cursor={cursor}").status_code == 200  # page size is free
    for other in ("actor=Russia", "actor=Ukraine&order=desc", "actor=Ukraine&from=2023-06-02", "location=Istanbul"):
        replayed = client.get(f"/v1/timeline?{other}&limit=2&cursor={cursor}")
        assert replayed.status_code == 400 and "cursor" in replayed.get_json()["errors"], other
    assert client.get(f"/v1/articles?cursor={cursor}").status_code == 400
    _, article_cursor = _pages(client, "/v1/articles?limit=2")
    assert client.get(f"/v1/timeline?cursor={article_cursor}").status_code == 400
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert client.get(f"/v1/timeline?actor=Ukraine&limit=2&cursor={tampered}").status_code == 400


def test_a_cursor_from_one_app_server_pages_on_another(app, client, post_article, database_url):
    for day in range(1, 5):
        post_article(f"Floods closed roads in Lagos on {day} July 2022.", published_at="2022-07-09")
    first, cursor = _pages(client, "/v1/timeline?limit=2")
    other = create_app({"database_url": database_url, "rate_limits_enabled": False})
    try:
        page = other.test_client().get(f"/v1/timeline?limit=2&cursor={cursor}")
    finally:
        other.extensions["timeline_db"].dispose()
    assert page.status_code == 200
    assert not {e["id"] for e in page.get_json()["events"]} & {e["id"] for e in first["events"]}


def test_even_a_signed_cursor_is_read_by_type(app, client, stored):
    with app.extensions["timeline_db"].session() as session:
        secret = repository.deployment(session).secret
    for key in ([2**70], ["7"], [True]):
        forged = encode_cursor(key, secret=secret, scope="articles")
        assert client.get(f"/v1/articles?cursor={forged}").status_code == 400
