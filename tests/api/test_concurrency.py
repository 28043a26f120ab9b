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
