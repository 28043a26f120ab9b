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
    client.get("/v1/timeline?limit=2&actor=Ukraine&location=Russia")  # once-per-process reads (cursor secret)
    small = _count_statements(app, lambda: client.get("/v1/timeline?limit=2&actor=Ukraine&location=Russia"))
    large = _count_statements(app, lambda: client.get("/v1/timeline?limit=100&actor=Ukraine&location=Russia"))
    assert large == small


def test_filters_by_confidence_date_source_status_granularity_words_article_and_source(client, post_article):
    a = post_article("Rebels seized the airport in Goma on 2 March 2024. They looted the terminal.\n\n"
                     "Peace talks in Nairobi will open in April 2024.", published_at="2024-03-10", source="Wire A")
    post_article("Floods hit Lagos on 2 July 2022, officials said.", published_at="2022-07-04", source="Wire B")

    def summaries(query):
        return [e["summary"] for e in client.get(f"/v1/timeline?{query}").get_json()["events"]]

    assert summaries("date_source=inferred") == ["They looted the terminal."]
    assert all("looted" not in s for s in summaries("date_source=explicit"))
    assert all("looted" not in s for s in summaries("min_confidence=0.6"))
    assert summaries("status=planned") == ["Peace talks in Nairobi will open in April 2024."]
    assert summaries("granularity=month") == ["Peace talks in Nairobi will open in April 2024."]
    assert summaries("q=airport%20goma") == ["Rebels seized the airport in Goma on 2 March 2024."]
    assert summaries("q=100%25") == []  # LIKE wildcards are taken literally
    assert summaries("source=wire%20b") == ["Floods hit Lagos on 2 July 2022, officials said."]
    assert len(summaries(f"article_id={a['id']}")) == 3


def test_etag_revalidation_returns_304(client, post_article):
    post_article(REPORT)
    first = client.get("/v1/timeline?actor=Ukraine")
    etag = first.headers["ETag"]
    again = client.get("/v1/timeline?actor=Ukraine", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    post_article("Ukraine reported new strikes on 9 May 2023.")
    changed = client.get("/v1/timeline?actor=Ukraine", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_export_formats_through_the_api(client, post_article):
    post_article(REPORT)
    tjs = client.get("/v1/timeline?actor=Ukraine&format=timelinejs")
    assert tjs.mimetype == "application/vnd.timelinejs+json"
    slide = tjs.get_json()["events"][0]
    assert slide["start_date"] == {"year": 2023, "month": 5, "day": 3}
    vis = client.get("/v1/timeline?format=vis").get_json()
    assert {item["type"] for item in vis["items"]} <= {"point", "range"}
    csv_body = client.get("/v1/timeline?format=csv")
    assert csv_body.mimetype == "text/csv" and csv_body.data.decode().splitlines()[0].startswith("id,")
    ics = client.get("/v1/timeline?location=Moscow&format=ics")
    assert ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data
    assert 'filename="timeline.ics"' in ics.headers["Content-Disposition"]
    lines = client.get("/v1/timeline?format=jsonl").data.decode().splitlines()
    assert len(lines) == len(client.get("/v1/timeline").get_json()["events"])


def test_export_pages_link_to_the_next_page(client, post_article):
    post_article(" ".join(f"An incident was reported on {d} March 2022." for d in range(1, 6)),
                 published_at="2022-04-01")
    first = client.get("/v1/timeline?format=csv&limit=2")
    link = first.headers["Link"]
    assert 'rel="next"' in link and "format=csv" in link
    next_url = link[link.index("<") + 1:link.index(">")]
    second = client.get(next_url.replace("http://localhost", ""))
    rows = second.data.decode().splitlines()[1:]
    assert len(rows) == 2 and "2022-03-03" in rows[0]


def test_a_page_is_sent_as_its_schema_would_dump_it(client, post_article):
    """The view builds the contract's dicts and sends them as they are (one serialisation): they
    must already be what TimelineSchema dumps, datetimes as ISO text with their offset."""
    from timeline_api.api.events import EventSchema
    from timeline_api.api.timeline import TimelineSchema

    post_article(REPORT, published_at="2023-06-05T23:45:00-05:00", title="Drones", url="https://example.test/a")
    post_article("Floods hit Lagos on 2 February 2024.", published_at="2024-02-03")
    body = client.get("/v1/timeline?actor=Ukraine&location=Kharkiv&location=Lagos").get_json()
    assert body["events"] and body["resolved"]
    assert TimelineSchema().dump(body) == body
    assert body["events"][0]["sources"][0]["published_at"] == "2023-06-05T23:45:00-05:00"
    every = client.get("/v1/timeline").get_json()
    assert TimelineSchema().dump(every) == every
    assert {s["published_at"] for e in every["events"] for s in e["sources"]} >= {"2024-02-03T00:00:00Z"}
    one = client.get(f"/v1/events/{every['events'][0]['id']}").get_json()
    assert EventSchema().dump(one) == one
