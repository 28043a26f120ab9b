"""Concurrent ingests never fail and never lose or double a source."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

# Our own reports: four wordings of one happening, four of others, all naming Kirkuk.
TEXTS = [
    "A car bomb exploded outside the central market in Kirkuk on 10 February 2024, killing four people.",
    "Four people were killed when a car bomb exploded near the central market of Kirkuk on 10 February 2024.",
    "The car bomb that exploded at the central market in Kirkuk on 10 February 2024 killed four people.",
    "On 10 February 2024 a car bomb killed four people at the central market in Kirkuk, police said.",
    "Floods closed the main road into Kirkuk on 12 February 2024.",
    "Teachers in Kirkuk went on strike on 13 February 2024.",
    "A new bridge opened in Kirkuk on 14 February 2024.",
    "Kirkuk's football club won the regional cup on 15 February 2024.",
]


def test_parallel_ingests_all_land_with_every_source_once(app):
    def post(text):
        response = app.test_client().post("/v1/articles", json={"text": text, "published_at": "2024-02-16"})
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, TEXTS))
    assert [status for status, _ in results] == [201] * len(TEXTS), results
    events = app.test_client().get("/v1/timeline?location=Kirkuk&limit=500").get_json()["events"]
    sources = [(s["article_id"], s["start"]) for e in events for s in e["sources"]]
    assert len(sources) == len(set(sources)) == len(TEXTS)
    # the four reports of the bombing end as one event, whichever order they land in:
    # ingests sharing an entity take turns over find-or-create
    bombing = [e for e in events if e["date"]["value"] == "2024-02-10"]
    assert len(bombing) == 1 and len(bombing[0]["sources"]) == 4, bombing


def _sources_by_article(client) -> dict[int, int]:
    events = client.get("/v1/timeline?location=Kirkuk&limit=500").get_json()["events"]
    assert all(e["sources"] for e in events)  # no event is left without a source
    counts: dict[int, int] = {}
    for event in events:
        for source in event["sources"]:
            counts[source["article_id"]] = counts.get(source["article_id"], 0) + 1
    return counts


def test_curation_racing_ingest_leaves_every_remaining_source_once(app):
    """A delete (which replays later reports), a split and two new ingests of the same
    happening at once: none fails with a 5xx, the deleted article's sources are gone and
    every other article's sources are stored exactly once, in events that have sources."""
    client = app.test_client()
    ids = [client.post("/v1/articles", json={"text": t, "published_at": "2024-02-16"}).get_json()["id"]
           for t in TEXTS[:3]]
    (bombing,) = [e for e in client.get("/v1/timeline?location=Kirkuk").get_json()["events"]
                  if e["date"]["value"] == "2024-02-10"]
    assert len(bombing["sources"]) == 3
    expected = {ids[1]: 1, ids[2]: 1}

    def run(job):
        c = app.test_client()
        if job == "delete":
            return c.delete(f"/v1/articles/{ids[0]}").status_code, None
        if job == "split":
            r = c.post(f"/v1/events/{bombing['id']}/split", json={"sources": [{"article_id": ids[2]}]})
            return r.status_code, None
        r = c.post("/v1/articles", json={"text": job, "published_at": "2024-02-17"})
        return r.status_code, r.get_json().get("id")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, ["delete", "split", TEXTS[3], TEXTS[4]]))
    assert all(status < 500 for status, _ in results), results
    assert results[0][0] == 204 and results[2][0] == 201 and results[3][0] == 201, results
    expected.update({article_id: 1 for _, article_id in results[2:]})
    assert _sources_by_article(client) == expected
