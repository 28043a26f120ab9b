"""GET /v1/timeline.<format>: the whole filtered timeline, streamed, in each export format."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import icalendar
import pytest

from timeline_api import create_app
from timeline_api.api.widget_schemas import TimelineJSSchema, VisSchema
from timeline_api.store import repository

MONTHS = ("January", "February", "March")
# 60 incidents on 60 different days: more than a page (50), so an export that stops at the first page shows
INCIDENTS = " ".join(f"An incident was reported on {day} {month} 2022." for month in MONTHS for day in range(1, 21))
REPORT = (
    "Ukraine said on 3 May 2023 that its forces had shot down two drones over Kharkiv.\n\n"
    "On 5 May 2023, officials in Moscow denied any attack, and Russia recalled its envoy.\n\n"
    "The summit in Paris took place on 1 April 2023, where France hosted Ukraine."
)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


# The test client hands a streamed body over unread: each test reads it before the next
# request (as a server does), so that the response's context closes in order.


@pytest.fixture
def incidents(post_article):
    post_article(INCIDENTS, published_at="2022-04-01")


def test_exports_hold_the_whole_timeline_not_a_page(client, incidents):
    for fmt in ("csv", "jsonl", "vis", "timelinejs", "ics"):
        response = client.get(f"/v1/timeline.{fmt}")
        assert response.status_code == 200, fmt
        assert response.is_streamed and response.data, fmt
        assert response.headers["X-Total-Count"] == "60"
        assert "Link" not in response.headers
    rows = csv_rows(client.get("/v1/timeline.csv"))
    assert [row["date_value"] for row in rows] == sorted(row["date_value"] for row in rows) and len(rows) == 60
    lines = client.get("/v1/timeline.jsonl").get_data(as_text=True).splitlines()
    assert [json.loads(line)["date"]["value"] for line in lines] == [row["date_value"] for row in rows]
    assert len(json.loads(client.get("/v1/timeline.vis").data)["items"]) == 60
    calendar = icalendar.Calendar.from_ical(client.get("/v1/timeline.ics").data)
    assert len(calendar.walk("VEVENT")) == 60


@pytest.fixture
def reader(database_url):
    """Another app on the same database, with settings of the test's own."""
    apps = []

    def make(**settings):
        apps.append(create_app({"database_url": database_url, "rate_limits_enabled": False, **settings}))
        return apps[-1].test_client()

    yield make
    for app in apps:
        app.extensions["timeline_db"].dispose()


def test_export_pages_in_the_database_are_invisible_to_the_client(reader, incidents):
    """Streaming reads the timeline a keyset page at a time; the body is one timeline."""
    rows = csv_rows(reader(max_page_size=7).get("/v1/timeline.csv"))
    assert len({row["id"] for row in rows}) == len(rows) == 60


def test_the_limit_cuts_the_export_and_the_link_continues_it(client, incidents):
    def next_url(response):
        link = response.headers["Link"]
        assert link.endswith('; rel="next"') and "order=desc" in link and "limit=25" in link
        return link[link.index("<") + 1:link.index(">")].replace("http://localhost", "")

    first = client.get("/v1/timeline.csv?limit=25&order=desc")
    pages = [csv_rows(first)]
    assert first.headers["X-Total-Count"] == "60"
    second = client.get(next_url(first))
    pages.append(csv_rows(second))
    assert second.headers["X-Total-Count"] == "35"  # what follows the cursor
    rest = client.get(next_url(second))
    pages.append(csv_rows(rest))
    assert "Link" not in rest.headers
    values = [row["date_value"] for page in pages for row in page]
    assert [len(page) for page in pages] == [25, 25, 10] and values == sorted(values, reverse=True)


def test_the_export_cap_is_a_setting(reader, incidents):
    client = reader(export_max_events=10)
    response = client.get("/v1/timeline.csv?limit=50")
    assert len(csv_rows(response)) == 10 and response.headers["X-Total-Count"] == "60"
    assert 'rel="next"' in response.headers["Link"]
    title = json.loads(client.get("/v1/timeline.timelinejs").data)["title"]
    assert "10 of 60 events" in title["text"]["text"]


def test_timelinejs_title_slide_counts_the_real_total(client, incidents):
    body = json.loads(client.get("/v1/timeline.timelinejs").data)
    assert not TimelineJSSchema().validate(body)
    assert body["title"]["text"]["text"] == "<p>60 events</p>" and len(body["events"]) == 60
    assert [s["unique_id"] for s in body["events"]] == [f"event-{i}" for i in range(1, 61)]


def test_nothing_found_is_a_friendly_slide_and_valid_empty_files(client, post_article):
    post_article(REPORT)
    body = json.loads(client.get("/v1/timeline.timelinejs?actor=Atlantis").data)
    assert "title" not in body and [s["unique_id"] for s in body["events"]] == ["no-events"]
    assert "No known actor matches &#x27;Atlantis&#x27;." in body["events"][0]["text"]["text"]
    assert json.loads(client.get("/v1/timeline.vis?actor=Atlantis").data) == {"items": []}
    assert client.get("/v1/timeline.csv?actor=Atlantis").get_data(as_text=True).count("\r\n") == 1  # the header
    assert client.get("/v1/timeline.jsonl?actor=Atlantis").data == b""
    assert icalendar.Calendar.from_ical(client.get("/v1/timeline.ics?actor=Atlantis").data).walk("VEVENT") == []


def test_lanes_are_the_entities_asked_for_in_the_order_asked(client, post_article):
    post_article(REPORT)
    vis = json.loads(client.get("/v1/timeline.vis?actor=Russia&actor=Ukraine").data)
    assert not VisSchema().validate(vis)
    assert [(g["content"], g["order"]) for g in vis["groups"]] == [("Russia", 0), ("Ukraine", 1)]
    by_group = {g["id"]: g["content"] for g in vis["groups"]}
    lanes = {item["content"][:12]: by_group[item["group"]] for item in vis["items"]}
    assert lanes["Ukraine said"] == "Ukraine" and lanes["On 5 May 202"] == "Russia"
    # a place asked for holds the events in the places inside it
    places = json.loads(client.get("/v1/timeline.vis?location=France&location=Russia").data)
    place_of = {g["id"]: g["content"] for g in places["groups"]}
    assert {place_of[item["group"]] for item in places["items"]} == {"France", "Russia"}
    tjs = json.loads(client.get("/v1/timeline.timelinejs?actor=Russia&actor=Ukraine").data)
    assert {slide["group"] for slide in tjs["events"]} == {"Russia", "Ukraine"}
    # one entity asked for, or none: no lanes
    assert "groups" not in json.loads(client.get("/v1/timeline.vis?actor=Ukraine").data)
    assert all("group" not in s for s in json.loads(client.get("/v1/timeline.timelinejs").data)["events"])


def vevent_id(vevent) -> int:
    return int(str(vevent["UID"]).split("-")[1])


def test_ics_has_geo_deployment_uids_and_the_export_time(client, post_article, app):
    post_article(REPORT)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    response = client.get("/v1/timeline.ics?location=Moscow")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="timeline.ics"' in response.headers["Content-Disposition"]
    (vevent,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    # the deployment's uid (one per database): the same whatever host name the calendar is read by
    other_host = client.get("/v1/timeline.ics?location=Moscow", base_url="https://timelines.example.org").data
    assert str(icalendar.Calendar.from_ical(other_host).walk("VEVENT")[0]["UID"]) == str(vevent["UID"])
    with app.extensions["timeline_db"].sessionmaker() as session:
        uid = repository.deployment(session).uid
    assert str(vevent["UID"]) == f"event-{vevent_id(vevent)}-{uid}@timeline-api"
    assert vevent["GEO"].latitude == pytest.approx(55.75, abs=0.1)
    assert vevent["GEO"].longitude == pytest.approx(37.62, abs=0.1)
    assert before <= vevent.decoded("DTSTAMP") <= dt.datetime.now(dt.UTC)
    assert vevent.decoded("DTSTART") == dt.date(2023, 5, 5)


def test_csv_has_quote_title_published_at_ids_and_coordinates(client, post_article):
    post_article(REPORT, title="Drones and denials", url="https://news.example.test/drones",
                 published_at="2023-06-05T08:00:00+02:00")
    (row,) = csv_rows(client.get("/v1/timeline.csv?location=Moscow"))
    assert row["quote"].startswith("On 5 May 2023, officials in Moscow denied")
    assert (row["title"], row["url"], row["published_at"]) == (
        "Drones and denials", "https://news.example.test/drones", "2023-06-05T08:00:00+02:00")  # its own clock
    assert "geonames:524901" in row["location_ids"].split("; ")
    assert float(row["latitude"]) == pytest.approx(55.75, abs=0.1)


def test_format_alias_answers_as_the_export_operation(client, incidents):
    alias = client.get("/v1/timeline?format=csv")
    assert alias.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert len(csv_rows(alias)) == 60 and alias.data == client.get("/v1/timeline.csv").data
    assert client.get("/v1/timeline?format=json").get_json()["next_cursor"]  # the JSON page, as before
    refused = client.get("/v1/timeline?format=xml")
    assert refused.status_code == 422 and "format" in refused.get_json()["errors"]


def test_jsonl_is_text_plain_when_asked(client, incidents):
    plain = client.get("/v1/timeline.jsonl")
    assert plain.headers["Content-Type"] == "application/x-ndjson" and plain.data
    as_text = client.get("/v1/timeline.jsonl", headers={"Accept": "text/plain"})
    assert as_text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert as_text.data == plain.data


def test_a_damaged_cursor_is_a_400_before_anything_is_streamed(client, incidents):
    response = client.get("/v1/timeline.ics?cursor=not-a-cursor")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert client.get("/v1/timeline.csv?limit=0").status_code == 422


def test_a_calendar_polling_an_unchanged_timeline_gets_304(client, post_article):
    post_article(REPORT)
    first = client.get("/v1/timeline.ics?location=Moscow")
    assert first.data and first.headers["ETag"]
    again = client.get("/v1/timeline.ics?location=Moscow", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    post_article("Officials in Moscow met again on 9 May 2023.")
    changed = client.get("/v1/timeline.ics?location=Moscow", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.data

