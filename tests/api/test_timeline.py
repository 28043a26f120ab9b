"""Timeline filters, order, keyset pages, and a constant number of SQL statements per page."""
from __future__ import annotations

from sqlalchemy import event

REPORT = (
    "Ukraine said on 3 May 2023 that its forces had shot down two drones over Kharkiv.\n\n"
    "On 5 May 2023, officials in Moscow denied any attack.\n\n"
    "The summit in Paris took place on 1 April 2023."
)


def _values(response) -> list[str]:
    return [e["date"]["value"] for e in response.get_json()["events"]]


def test_filter_by_actor_and_location(client, post_article):
    post_article(REPORT)
    assert _values(client.get("/v1/timeline?actor=Ukraine")) == ["2023-05-03"]
    assert _values(client.get("/v1/timeline?actor=ukraine")) == ["2023-05-03"]
    assert _values(client.get("/v1/timeline?location=Moscow")) == ["2023-05-05"]
    # places inside a country count as the country
    assert "2023-05-05" in _values(client.get("/v1/timeline?location=Russia"))
    assert _values(client.get("/v1/timeline?location=Moscow&location=Paris")) == ["2023-04-01", "2023-05-05"]


def test_filter_by_entity_id(client, post_article):
    post_article(REPORT)
    moscow = client.get("/v1/timeline?location=Moscow").get_json()["events"][0]["locations"]
    moscow_id = next(loc["id"] for loc in moscow if loc["name"] == "Moscow")
    assert _values(client.get(f"/v1/timeline?location={moscow_id}")) == ["2023-05-05"]
    entity = client.get(f"/v1/entities/{moscow_id}").get_json()
    assert entity["name"] == "Moscow" and entity["event_count"] == 1
    assert entity["parent_id"]


def test_unknown_actor_gives_empty_timeline_with_warning(client, post_article):
    post_article(REPORT)
    body = client.get("/v1/timeline?actor=Atlantis").get_json()
    assert body["events"] == [] and body["next_cursor"] is None
    assert "Atlantis" in body["warnings"][0]


def test_from_to_select_overlapping_intervals(client, post_article):
    post_article(REPORT + "\n\nThe programme ran through May 2023.")
    values = _values(client.get("/v1/timeline?from=2023-05-04&to=2023-05-06"))
    assert values == ["2023-05", "2023-05-05"]  # coarse month first, then the day inside it


def test_order_and_keyset_pages_cover_everything_once(client, post_article):
    days = [f"{d} March 2022" for d in range(1, 13)]
    post_article(" ".join(f"An incident was reported on {d}." for d in days), published_at="2022-04-01")
    seen, cursor = [], None
    while True:
        url = "/v1/timeline?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        seen += [e["date"]["value"] for e in body["events"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"2022-03-{d:02d}" for d in range(1, 13)]
    assert _values(client.get("/v1/timeline?order=desc&limit=3")) == ["2022-03-12", "2022-03-11", "2022-03-10"]


def _count_statements(app, fn) -> int:
    engine = app.extensions["timeline_db"].engine
    count = 0

    def before(*_args):
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return count


def test_statements_per_page_do_not_grow_with_the_page(client, post_article, app):
    sentences = [f"Officials in Moscow and Kyiv met on {d} January 2021 with Ukraine and Russia." for d in range(1, 29)]
    post_article(" ".join(sentences), published_at="2021-02-01")
    for month in ("March", "April", "May"):
        post_article(" ".join(s.replace("January", month) for s in sentences), published_at="2021-06-01")
    total = len(client.get("/v1/timeline?limit=500").get_json()["events"])
    assert total >= 100
    small = _count_statements(app, lambda: client.get("/v1/timeline?limit=2&actor=Ukraine&location=Russia"))
    large = _count_statements(app, lambda: client.get("/v1/timeline?limit=100&actor=Ukraine&location=Russia"))
    assert large == small
