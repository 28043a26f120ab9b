"""One happening reported by several articles is one event with several sources."""
from __future__ import annotations

# Our own reports of one imagined bombing, worded differently.
REPORTS = [
    ("A car bomb exploded outside the central market in Kirkuk on 10 February 2024, killing four people, "
     "police said.", "2024-02-11"),
    ("Four people were killed when a car bomb exploded near Kirkuk's central market on Saturday, officials said.",
     "2024-02-11"),
    ("The car bomb that killed four people at the central market of Kirkuk on 10 February exploded during "
     "the morning rush.", "2024-02-12"),
]
OTHER_SAME_DAY_AND_PLACE = ("Police arrested three protesters outside the governor's office in Kirkuk "
                            "on 10 February 2024.", "2024-02-11")


def _kirkuk_events(client):
    return [e for e in client.get("/v1/timeline?location=Kirkuk").get_json()["events"]
            if e["date"]["value"] == "2024-02-10"]


def test_three_reports_of_one_happening_make_one_event_with_three_sources(client, post_article):
    ids = [post_article(text, published_at=day)["id"] for text, day in REPORTS]
    (event,) = _kirkuk_events(client)
    assert sorted(s["article_id"] for s in event["sources"]) == sorted(ids)
    for source in event["sources"]:
        text = client.get(f"/v1/articles/{source['article_id']}").get_json()["text"]
        assert text[source["start"]:source["end"]] == source["quote"]
    single = post_article("A storm flooded roads in Kirkuk on 3 March 2024.", published_at="2024-03-04")
    assert event["confidence"] > single["events"][0]["confidence"]  # corroborated by three articles
    assert client.get(f"/v1/events/{event['id']}").get_json()["sources"] == event["sources"]


def test_different_happenings_on_the_same_day_and_place_stay_apart(client, post_article):
    post_article(*REPORTS[0][:1], published_at=REPORTS[0][1])
    post_article(OTHER_SAME_DAY_AND_PLACE[0], published_at=OTHER_SAME_DAY_AND_PLACE[1])
    events = _kirkuk_events(client)
    assert len(events) == 2
    assert all(len(e["sources"]) == 1 for e in events)


def test_a_more_precise_source_refines_the_date_and_deleting_it_restores_it(client, post_article):
    vague = post_article("A car bomb exploded at the central market in Kirkuk in February 2024, "
                         "killing four people.", published_at="2024-03-01")
    assert vague["events"][0]["date"]["value"] == "2024-02"
    precise = post_article(REPORTS[0][0], published_at=REPORTS[0][1])
    (event,) = client.get("/v1/timeline?location=Kirkuk").get_json()["events"]
    assert event["date"]["value"] == "2024-02-10" and event["date"]["granularity"] == "day"
    assert len(event["sources"]) == 2
    assert client.delete(f"/v1/articles/{precise['id']}").status_code == 204
    (event,) = client.get("/v1/timeline?location=Kirkuk").get_json()["events"]
    assert event["date"]["value"] == "2024-02" and [s["article_id"] for s in event["sources"]] == [vague["id"]]
