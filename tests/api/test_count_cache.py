"""The count of an export (X-Total-Count, the title slide, the Link to the rest) is kept per
store generation: a repeated query is not counted again, and no change to the store (ingest,
deletion, entity merge, by this worker or another) leaves a count stale."""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from timeline_api import create_app
from timeline_api.store.repository import CountCache

INCIDENTS = " ".join(f"An incident was reported on {day} March 2022." for day in range(1, 11))


@contextlib.contextmanager
def counts_run(app):
    """How many timeline counts the app's database runs inside the block."""
    engine = app.extensions["timeline_db"].engine
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT COUNT(*)"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def total(client, path: str = "/v1/timeline.timelinejs") -> int:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    response.get_data()  # the streamed body, read before the next request
    return int(response.headers["X-Total-Count"])


@pytest.fixture
def other_worker(database_url):
    """A second app on the same database: another gunicorn worker, with a cache of its own."""
    app = create_app({"database_url": database_url, "rate_limits_enabled": False, "max_text_chars": 20_000})
    yield app
    app.extensions["timeline_db"].dispose()


def test_a_repeated_export_is_counted_once(app, client, post_article):
    post_article(INCIDENTS, published_at="2022-04-01")
    with counts_run(app) as seen:
        assert total(client) == 10
    assert len(seen) == 1
    with counts_run(app) as seen:
        assert [total(client) for _ in range(3)] == [10, 10, 10]
        assert total(client, "/v1/timeline.csv") == 10  # another format, the same query: the same count
    assert not seen
    with counts_run(app) as seen:
        assert total(client, "/v1/timeline.timelinejs?to=2022-03-06") == 5  # another query is counted
    assert len(seen) == 1


def test_an_ingest_or_a_deletion_is_counted_at_once(app, client, post_article):
    post_article(INCIDENTS, published_at="2022-04-01")
    assert total(client) == 10
    article = post_article("A strike was called on 15 May 2022.", published_at="2022-06-01")
    assert total(client) == 11
    assert total(client, "/v1/timeline.timelinejs?from=2022-05-01") == 1
    assert client.delete(f"/v1/articles/{article['id']}").status_code == 204
    assert total(client) == 10
    assert total(client, "/v1/timeline.timelinejs?from=2022-05-01") == 0


def test_another_workers_ingest_is_counted_here(client, other_worker, post_article):
    post_article(INCIDENTS, published_at="2022-04-01")
    here = other_worker.test_client()
    assert total(here) == 10
    post_article("A strike was called on 15 May 2022.", published_at="2022-06-01")  # through the first worker
    assert total(here) == 11


def test_an_entity_merge_moves_the_count_of_the_survivor(client, post_article):
    client.post("/v1/entities", json={"name": "Blue Harbor Shipping", "kind": "organization"})
    client.post("/v1/entities", json={"name": "BH Shipping Group", "kind": "organization"})
    post_article("Blue Harbor Shipping cancelled sailings on 2 March 2024, the company said.")
    post_article("BH Shipping Group resumed sailings on 9 March 2024, the company said.")
    path = "/v1/timeline.timelinejs?actor=ent:blue-harbor-shipping"
    assert total(client, path) == 1
    merged = client.post("/v1/entities/ent:bh-shipping/merge", json={"into": "ent:blue-harbor-shipping"})
    assert merged.status_code == 200
    assert total(client, path) == 2  # the same query, the same resolved id: only the store version moved


def test_the_count_from_a_cursor_is_its_own(client, post_article):
    post_article(INCIDENTS, published_at="2022-04-01")
    first = client.get("/v1/timeline.timelinejs?limit=4")
    first.get_data()
    link = first.headers["Link"]
    rest = link[link.index("<") + 1:link.index(">")].replace("http://localhost", "")
    assert int(first.headers["X-Total-Count"]) == 10
    assert total(client, rest) == 6
    assert total(client, rest) == 6


def test_the_cache_holds_one_generation_and_a_bounded_number_of_queries():
    cache = CountCache(size=2)
    cache.put(("uid", 1), ("a", None), 5)
    cache.put(("uid", 1), ("b", None), 6)
    assert cache.get(("uid", 1), ("a", None)) == 5
    cache.put(("uid", 1), ("c", None), 7)  # "b" was used least recently
    assert cache.get(("uid", 1), ("b", None)) is None and len(cache) == 2
    assert cache.get(("uid", 2), ("a", None)) is None and len(cache) == 0  # a new version: all dropped
    cache.put(("uid", 2), ("a", None), 8)
    assert cache.get(("uid", 1), ("a", None)) is None  # nor is an older version answered from a newer one
    assert cache.get(("other", 2), ("a", None)) is None  # a store emptied and refilled to the same version
