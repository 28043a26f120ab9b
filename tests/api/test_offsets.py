"""Publication times keep their offset: the article's dates are read on its own clock, and every
format writes them back on it."""
from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar

PUBLISHED = "2025-11-02T23:45:00-05:00"  # 04:45 on 3 November in UTC
TEXT = "Crowds gathered in Lagos tonight after the vote. Police fired tear gas at 10:30 p.m. in Lagos."


def _vevent(client, event_id: int) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(_events(client, "ics").get_data(as_text=True))
    return next(c for c in calendar.walk("VEVENT") if str(c["uid"]).startswith(f"event-{event_id}-"))


def _events(client, fmt="json"):
    response = client.get(f"/v1/timeline?location=Lagos&format={fmt}")
    assert response.status_code == 200
    return response


def test_published_at_is_stored_and_returned_with_its_offset(client, post_article):
    article = post_article(TEXT, published_at=PUBLISHED)
    assert article["published_at"] == PUBLISHED
    assert client.get(f"/v1/articles/{article['id']}").get_json()["published_at"] == PUBLISHED
    listed = client.get("/v1/articles").get_json()["articles"]
    assert [a["published_at"] for a in listed] == [PUBLISHED]
    (source,) = article["events"][0]["sources"]
    assert source["published_at"] == PUBLISHED


def test_dates_in_the_text_are_on_the_article_s_clock(client, post_article):
    post_article(TEXT, published_at=PUBLISHED)
    by_text = {e["date"]["text"]: e["date"] for e in _events(client).get_json()["events"]}
    assert by_text["tonight"]["value"] == "2025-11-02TNI"  # 3 November in UTC, 2 November where it was written
    clock = by_text["10:30 p.m."]
    assert clock["value"] == "2025-11-02T22:30"
    assert clock["start"] == "2025-11-02T22:30:00-05:00" and clock["end"] == "2025-11-02T22:31:00-05:00"


def test_every_format_tells_the_same_time(client, post_article):
    post_article(TEXT, published_at=PUBLISHED)
    event = next(e for e in _events(client).get_json()["events"] if e["date"]["text"] == "10:30 p.m.")
    slides = _events(client, "timelinejs").get_json()["events"]
    slide = next(s for s in slides if s["unique_id"] == f"event-{event['id']}")
    assert slide["start_date"] == {"year": 2025, "month": 11, "day": 2, "hour": 22, "minute": 30}
    assert slide["display_date"] == "2 November 2025, 22:30 UTC-05:00"
    item = next(i for i in _events(client, "vis").get_json()["items"] if i["id"] == event["id"])
    assert item["start"] == "2025-11-02T22:30:00-05:00"
    vevent = _vevent(client, event["id"])
    assert vevent.decoded("dtstart") == dt.datetime(2025, 11, 3, 3, 30, tzinfo=dt.UTC)  # 22:30 at -05:00
    rows = list(csv.DictReader(io.StringIO(_events(client, "csv").get_data(as_text=True))))
    row = next(r for r in rows if r["id"] == str(event["id"]))
    assert row["date_start"] == "2025-11-02T22:30:00-05:00"


def test_an_all_day_event_stays_on_the_article_s_calendar_day(client, post_article):
    post_article(TEXT, published_at=PUBLISHED)
    event = next(e for e in _events(client).get_json()["events"] if e["date"]["text"] == "tonight")
    assert _vevent(client, event["id"]).decoded("dtstart") == dt.date(2025, 11, 2)  # an all-day date


def test_without_an_offset_nothing_changes(client, post_article):
    article = post_article(TEXT, published_at="2025-11-02T23:45:00")
    assert article["published_at"] == "2025-11-02T23:45:00Z"
    by_text = {e["date"]["text"]: e["date"] for e in _events(client).get_json()["events"]}
    assert by_text["10:30 p.m."]["start"] == "2025-11-02T22:30:00Z"  # UTC, as it always was, now said
    slide = _events(client, "timelinejs").get_json()["events"]
    assert any(s.get("display_date") == "2 November 2025, 22:30 UTC" for s in slide)


def test_resolve_takes_the_reference_s_offset(client):
    body = client.post("/v1/resolve", json={"text": "They met tonight.", "reference_date": PUBLISHED}).get_json()
    (timex,) = body["timexes"]
    assert timex["value"] == "2025-11-02TNI"
    assert timex["interval"]["start"].endswith("-05:00")
    naive = client.post("/v1/resolve", json={"text": "They met tonight.",
                                             "reference_date": "2025-11-03T04:45:00Z"}).get_json()
    assert naive["timexes"][0]["value"] == "2025-11-03TNI"


def test_an_offset_beyond_a_day_is_a_problem(client):
    response = client.post("/v1/articles", json={"text": TEXT, "published_at": "2025-11-02T23:45:00+25:00"})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
