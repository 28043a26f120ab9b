"""Ingest, idempotency, reading and deleting articles."""
from __future__ import annotations

# Our own fixture text, written for these tests.
REPORT = (
    "Kyiv, 10 June 2023. Ukraine said on 3 May 2023 that its forces had shot down two drones over Kharkiv.\n\n"
    "Two days later, Russian officials in Moscow denied any attack. "
    "The talks in Warsaw will resume on 20 June 2023."
)


def test_post_returns_201_with_dated_events(client):
    response = client.post("/v1/articles", json={
        "text": REPORT, "published_at": "2023-06-10T08:00:00Z", "title": "Drones", "url": "https://example.org/a1"})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/v1/articles/{body['id']}")
    assert body["published_at"] == "2023-06-10T08:00:00Z"
    values = {e["date"]["value"] for e in body["events"]}
    assert {"2023-05-03", "2023-05-05", "2023-06-20"} <= values
    strike = next(e for e in body["events"] if e["date"]["value"] == "2023-05-03")
    assert strike["date"]["granularity"] == "day"
    assert strike["date"]["source"] == "explicit"
    assert strike["date"]["start"].startswith("2023-05-03") and strike["date"]["end"].startswith("2023-05-04")
    source = strike["sources"][0]
    assert REPORT[source["start"]:source["end"]] == source["quote"]
    assert "shot down two drones" in source["quote"]
    assert strike["status"] == "occurred"
    planned = next(e for e in body["events"] if e["date"]["value"] == "2023-06-20")
    assert planned["status"] == "planned"


def test_same_url_external_id_or_text_returns_the_existing_article(client, post_article):
    first = post_article(REPORT, url="https://example.org/a1", external_id="wire-1")
    count = len(client.get("/v1/timeline").get_json()["events"])
    for again in ({"url": "https://example.org/a1"}, {"external_id": "wire-1"}, {}):
        text = REPORT if not again else REPORT + " (updated)"
        response = client.post("/v1/articles", json={"text": text, "published_at": "2023-06-10", **again})
        assert response.status_code == 200
        assert response.get_json()["id"] == first["id"]
    assert len(client.get("/v1/timeline").get_json()["events"]) == count
    assert len(client.get("/v1/articles").get_json()["articles"]) == 1


def test_get_and_list_articles(client, post_article):
    ids = [post_article(f"Report {n}: on 1 March 2021 something happened.")["id"] for n in range(3)]
    one = client.get(f"/v1/articles/{ids[0]}").get_json()
    assert one["text"].startswith("Report 0")
    page = client.get("/v1/articles?limit=2").get_json()
    assert [a["id"] for a in page["articles"]] == [ids[2], ids[1]]
    rest = client.get(f"/v1/articles?limit=2&cursor={page['next_cursor']}").get_json()
    assert [a["id"] for a in rest["articles"]] == [ids[0]]
    assert rest["next_cursor"] is None


def test_article_events_lists_only_that_article(client, post_article):
    a = post_article("Protests began in Paris on 2 January 2020.")
    post_article("Elections were held in Berlin on 5 February 2021.")
    events = client.get(f"/v1/articles/{a['id']}/events").get_json()["events"]
    assert [e["date"]["value"] for e in events] == ["2020-01-02"]


def test_delete_removes_the_article_its_sources_and_orphaned_events(client, post_article):
    a = post_article("Protests began in Paris on 2 January 2020.")
    b = post_article("Elections were held in Berlin on 5 February 2021.")
    event_id = a["events"][0]["id"]
    assert client.delete(f"/v1/articles/{a['id']}").status_code == 204
    assert client.get(f"/v1/articles/{a['id']}").status_code == 404
    assert client.get(f"/v1/events/{event_id}").status_code == 404
    remaining = client.get("/v1/timeline").get_json()["events"]
    assert [e["sources"][0]["article_id"] for e in remaining] == [b["id"]]


def test_get_event_lists_its_sources(client, post_article):
    a = post_article(REPORT)
    event = a["events"][0]
    fetched = client.get(f"/v1/events/{event['id']}").get_json()
    assert fetched == event
    assert fetched["sources"][0]["article_id"] == a["id"]


def test_nul_characters_are_replaced_keeping_offsets(client):
    text = "Talks\x00 opened in Oslo on 4 March 2024."
    body = client.post("/v1/articles", json={"text": text, "published_at": "2024-03-05"}).get_json()
    stored = client.get(f"/v1/articles/{body['id']}").get_json()["text"]
    assert stored == text.replace("\x00", "\ufffd") and len(stored) == len(text)
    source = body["events"][0]["sources"][0]
    assert stored[source["start"]:source["end"]] == source["quote"]


def test_an_article_naming_a_very_long_proper_name_is_stored(client):
    name = " ".join(f"Alpha{i}" for i in range(60))
    response = client.post("/v1/articles", json={
        "text": f"The {name} Foundation said on 2 May 2023 that it had closed.", "published_at": "2023-05-03"})
    assert response.status_code == 201


def test_the_response_to_an_ingest_is_what_reading_the_events_back_gives(client, post_article):
    """The POST response is built from what was written: it equals the article's events read back
    at once, a joined event with every source of the earlier article included."""
    texts = [("A car bomb exploded outside the central market in Kirkuk on 10 February 2024, killing four people, "
              "police said. Talks between Iraq and Turkey began in Ankara on 12 February.", "2024-02-13"),
             ("The car bomb that killed four people at the central market of Kirkuk on 10 February exploded during "
              "the morning rush, Iraqi police said.", "2024-02-14")]
    for body, day in texts:
        article = post_article(body, published_at=day)
        assert article["events"] == client.get(f"/v1/articles/{article['id']}/events?limit=100").get_json()["events"]
    assert any(len(e["sources"]) == 2 for e in article["events"])
