"""One happening reported by several articles is one event with several sources."""
from __future__ import annotations

import pytest

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


def test_a_merge_records_why_and_one_article_s_event_has_no_merge(client, post_article):
    first = post_article(REPORTS[0][0], published_at=REPORTS[0][1])
    assert first["events"][0]["merge"] is None
    post_article(REPORTS[1][0], published_at=REPORTS[1][1])
    (event,) = _kirkuk_events(client)
    merge = event["merge"]
    assert 0.5 <= merge["score"] <= 1
    assert "shared entit" in merge["reason"] and "dates nested" in merge["reason"] and "shared words" in merge["reason"]


def test_an_undated_report_of_the_week_s_happening_joins_it(client, post_article):
    post_article(REPORTS[0][0], published_at=REPORTS[0][1])
    # no date in the text: dated by its publication, three days after the bombing
    post_article("Four people died when a car bomb exploded at the central market of Kirkuk, police said.",
                 published_at="2024-02-13")
    events = client.get("/v1/timeline?location=Kirkuk").get_json()["events"]
    assert len(events) == 1 and len(events[0]["sources"]) == 2
    assert events[0]["date"]["value"] == "2024-02-10"  # the explicit date wins
    assert "report window" in events[0]["merge"]["reason"]


def test_a_report_a_month_later_is_another_happening(client, post_article):
    post_article(REPORTS[0][0], published_at=REPORTS[0][1])
    post_article("Four people died when a car bomb exploded at the central market of Kirkuk, police said.",
                 published_at="2024-03-20")
    assert len(client.get("/v1/timeline?location=Kirkuk").get_json()["events"]) == 2


def test_split_moves_sources_out_into_a_new_event(client, post_article):
    ids = [post_article(text, published_at=day)["id"] for text, day in REPORTS]
    (event,) = _kirkuk_events(client)
    response = client.post(f"/v1/events/{event['id']}/split", json={"sources": [{"article_id": ids[2]}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert sorted(s["article_id"] for s in body["event"]["sources"]) == sorted(ids[:2])
    assert [s["article_id"] for s in body["split"]["sources"]] == [ids[2]]
    assert body["split"]["merge"] is None and body["event"]["merge"] is not None
    assert body["split"]["date"]["value"] == "2024-02-10" and body["split"]["summary"].startswith("The car bomb")
    assert body["event"]["confidence"] > body["split"]["confidence"]  # two articles corroborate, one does not
    assert len(_kirkuk_events(client)) == 2
    # the new event is an event like any other: it can be read and split no further
    assert client.get(f"/v1/events/{body['split']['id']}").get_json() == body["split"]


@pytest.mark.parametrize("sources, detail", [
    ([{"article_id": 999}], "no source of article 999"),
    ([{"article_id": "all"}], None),
    ([], None),
])
def test_a_split_that_names_no_source_is_a_problem_and_changes_nothing(client, post_article, sources, detail):
    for text, day in REPORTS[:2]:
        post_article(text, published_at=day)
    (event,) = _kirkuk_events(client)
    response = client.post(f"/v1/events/{event['id']}/split", json={"sources": sources})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    if detail:
        assert detail in response.get_json()["detail"]
    assert _kirkuk_events(client) == [event]


def test_a_split_must_leave_a_source_and_the_event_must_exist(client, post_article):
    ids = [post_article(text, published_at=day)["id"] for text, day in REPORTS[:2]]
    (event,) = _kirkuk_events(client)
    everything = [{"article_id": i} for i in ids]
    response = client.post(f"/v1/events/{event['id']}/split", json={"sources": everything})
    assert response.status_code == 422 and "at least one source" in response.get_json()["detail"]
    assert client.post("/v1/events/987654/split", json={"sources": [{"article_id": ids[0]}]}).status_code == 404


def test_deleting_the_article_that_bridged_two_reports_separates_them(client, post_article):
    # A and C share only a few words; B shares many with each: A+B, then C joins A+B's words
    a = post_article("A car bomb exploded outside the central market in Kirkuk on 10 February 2024.",
                     published_at="2024-02-11")
    b = post_article("The car bomb that exploded outside the central market in Kirkuk on 10 February 2024 "
                     "killed four people and wounded shoppers near the police station.", published_at="2024-02-11")
    post_article("Four people were killed and shoppers wounded near the police station in Kirkuk "
                 "on 10 February 2024.", published_at="2024-02-12")
    (event,) = _kirkuk_events(client)
    assert len(event["sources"]) == 3
    assert client.delete(f"/v1/articles/{b['id']}").status_code == 204
    events = _kirkuk_events(client)
    assert len(events) == 2 and all(len(e["sources"]) == 1 and e["merge"] is None for e in events)
    assert a["id"] in {e["sources"][0]["article_id"] for e in events}


def test_reports_worded_with_different_verbs_of_one_happening_merge_and_say_so(client, post_article):
    """Across articles "detained" and "arrested" are one kind of happening (pipeline/merging.py)."""
    first = post_article("Police detained the ferry captain in Piraeus on 14 May 2024.", published_at="2024-05-15")
    second = post_article("The captain was arrested at the port of Piraeus on 14 May 2024, the coastguard said.",
                          published_at="2024-05-15")
    (event,) = client.get("/v1/timeline?location=Piraeus").get_json()["events"]
    assert sorted(s["article_id"] for s in event["sources"]) == sorted([first["id"], second["id"]])
    assert event["merge"]["reason"].endswith("3 shared words")  # captain, Piraeus, detained ~ arrested
