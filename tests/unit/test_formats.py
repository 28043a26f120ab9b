"""Export formats of the timeline (timeline_api.api.formats): what a widget,
a spreadsheet or a calendar client gets from the contract's event dicts."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline_api.api.events import EventSchema
from timeline_api.api.formats import (
    CSV_COLUMNS,
    EMPTY_SLIDE_ID,
    EXPORT_FORMATS,
    MIMETYPES,
    ExportContext,
    Group,
    render_timeline,
)
from timeline_api.api.widget_schemas import TimelineJSSchema, VisSchema

# ------------------------------------------------------------------ fixtures

INTERVALS = {
    # granularity: (value, start, end)
    "year": ("2019", "2019-01-01T00:00:00", "2020-01-01T00:00:00"),
    "quarter": ("2020-Q3", "2020-07-01T00:00:00", "2020-10-01T00:00:00"),
    "month": ("2021-02", "2021-02-01T00:00:00", "2021-03-01T00:00:00"),
    "week": ("2021-W09", "2021-03-01T00:00:00", "2021-03-08T00:00:00"),
    "day": ("2021-03-17", "2021-03-17T00:00:00", "2021-03-18T00:00:00"),
    "hour": ("2021-03-17T09", "2021-03-17T09:00:00", "2021-03-17T10:00:00"),
    "minute": ("2021-03-17T09:45", "2021-03-17T09:45:00", "2021-03-17T09:46:00"),
}


EXPORTED_AT = dt.datetime(2024, 2, 1, 12, 30, tzinfo=dt.UTC)


def render(events, fmt, **context):
    """The whole body, as the view would stream it."""
    chunks = list(render_timeline(iter(events), fmt, ExportContext(exported_at=EXPORTED_AT, **context)))
    assert all(isinstance(chunk, str) for chunk in chunks)
    return "".join(chunks)


def make_event(event_id=1, granularity="day", *, summary="The river ferry resumed service.", interval=None,
               mod=None, actors=("Ferry Company",), locations=(("Riverton", "northern"),), status="occurred",
               sources=None, date_text="on Wednesday", coordinates=((48.5, -1.25),)):
    value, start, end = interval or INTERVALS[granularity]
    if sources is None:
        sources = [{"article_id": 40 + event_id, "url": f"https://local.example.test/ferry/{event_id}",
                    "title": "Ferry back on the river", "published_at": dt.datetime(2021, 3, 18, 7, 30),
                    "start": 0, "end": len(summary), "quote": summary}]
    return {
        "id": event_id,
        "date": {"value": value, "start": start, "end": end, "granularity": granularity, "text": date_text,
                 "source": "explicit", "mod": mod},
        "summary": summary,
        "status": status,
        "actors": [{"id": f"org:{i}", "name": name, "kind": "organization"} for i, name in enumerate(actors)],
        "locations": [{"id": f"geonames:{100 + i}", "name": name, "kind": "city", "qualifier": qualifier,
                       "latitude": (coordinates[i] if i < len(coordinates) else (None, None))[0],
                       "longitude": (coordinates[i] if i < len(coordinates) else (None, None))[1]}
                      for i, (name, qualifier) in enumerate(locations)],
        "sources": sources,
        "confidence": 0.75,
    }


# ------------------------------------------------------------------ dispatch

def test_every_export_format_has_a_renderer_and_its_media_type():
    expected = {"timelinejs": "application/vnd.timelinejs+json", "vis": "application/vnd.vis-timeline+json",
                "csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
                "ics": "text/calendar; charset=utf-8"}
    assert set(EXPORT_FORMATS) == set(expected) and MIMETYPES == expected
    for fmt in EXPORT_FORMATS:
        assert render([make_event()], fmt)


@pytest.mark.parametrize("fmt", ["json", "xml", ""])
def test_json_and_unknown_formats_are_not_rendered_here(fmt):
    with pytest.raises(ValueError):
        render_timeline([make_event()], fmt, ExportContext(exported_at=EXPORTED_AT))


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_renderers_read_the_events_one_at_a_time(fmt):
    """The view streams: a renderer must not read ahead of what it has written."""
    read = []

    def events():
        for event_id in range(1, 4):
            read.append(event_id)
            yield make_event(event_id)

    chunks = render_timeline(events(), fmt, ExportContext(exported_at=EXPORTED_AT, title="T", total=3))
    written = ""
    for chunk in chunks:
        written += chunk
        for event_id in read[:-1]:  # every event read before the last one is already written out
            assert (f"event-{event_id}" in written or f'"id":{event_id}' in written
                    or f"\r\n{event_id}," in written or written.startswith(f"{event_id},")), (fmt, event_id)
    assert read == [1, 2, 3]


# ------------------------------------------------------------------ TimelineJS3

def tjs(events, **context):
    body = json.loads(render(events, "timelinejs", **context))
    errors = TimelineJSSchema().validate(body)
    assert not errors, errors  # the shape the OpenAPI document declares
    return body


@pytest.mark.parametrize(("granularity", "start_date"), [
    ("year", {"year": 2019}),
    ("quarter", {"year": 2020, "month": 7}),
    ("month", {"year": 2021, "month": 2}),
    ("week", {"year": 2021, "month": 3, "day": 1}),
    ("day", {"year": 2021, "month": 3, "day": 17}),
    ("hour", {"year": 2021, "month": 3, "day": 17, "hour": 9}),
    ("minute", {"year": 2021, "month": 3, "day": 17, "hour": 9, "minute": 45}),
])
def test_timelinejs_start_date_holds_only_the_parts_the_granularity_knows(granularity, start_date):
    slide = tjs([make_event(granularity=granularity)])["events"][0]
    assert slide["start_date"] == start_date


@pytest.mark.parametrize(("granularity", "interval", "end_date"), [
    # a single unit of the start's precision: no end
    ("year", None, None),
    ("month", None, None),
    ("day", None, None),
    ("hour", None, None),
    # TimelineJS's end is inclusive: the last unit inside the half-open interval
    ("week", None, {"year": 2021, "month": 3, "day": 7}),
    ("quarter", None, {"year": 2020, "month": 9}),
    ("year", ("2019/2021", "2019-01-01T00:00:00", "2022-01-01T00:00:00"), {"year": 2021}),
    ("day", ("2021-03-17/2021-03-19", "2021-03-17T00:00:00", "2021-03-20T00:00:00"),
     {"year": 2021, "month": 3, "day": 19}),
    ("month", ("2021-12/2022-01", "2021-12-01T00:00:00", "2022-02-01T00:00:00"), {"year": 2022, "month": 1}),
])
def test_timelinejs_end_date_only_for_spans_and_inclusive(granularity, interval, end_date):
    slide = tjs([make_event(granularity=granularity, interval=interval)])["events"][0]
    assert slide.get("end_date") == end_date


def test_timelinejs_keeps_a_time_of_day_on_the_clock_of_its_article_and_names_the_offset():
    event = make_event(granularity="hour", interval=("2021-03-17T11", "2021-03-17T11:00:00+02:00",
                                                     "2021-03-17T12:00:00+02:00"))
    slide = tjs([event])["events"][0]
    assert slide["start_date"] == {"year": 2021, "month": 3, "day": 17, "hour": 11}
    assert slide["display_date"] == "17 March 2021, 11:00 UTC+02:00"


def test_timelinejs_display_date_words_what_timelinejs_cannot():
    slides = tjs([make_event(1, "quarter"), make_event(2, "week"), make_event(3, "month", mod="APPROX"),
                  make_event(4, "minute"), make_event(5, "day"), make_event(6, "month")])["events"]
    display = {s["unique_id"]: s.get("display_date") for s in slides}
    assert display == {
        "event-1": "Q3 2020",
        "event-2": "week of 1 March 2021",
        "event-3": "about February 2021",
        "event-4": "17 March 2021, 09:45 UTC",
        "event-5": None,  # TimelineJS words plain days and months itself
        "event-6": None,
    }


def test_timelinejs_escapes_untrusted_text_and_links_only_http_sources():
    hostile = 'Mayor <img src=x onerror=alert(1)> said "go" & left'
    sources = [
        {"article_id": 1, "url": "javascript:alert(2)", "title": "<i>Bad</i> link", "published_at":
         dt.datetime(2021, 3, 18), "start": 0, "end": 5, "quote": "Other <b>quote</b>"},
        {"article_id": 2, "url": 'https://ok.example.test/a?x=1&y="2"', "title": "Good", "published_at":
         dt.datetime(2021, 3, 19), "start": 0, "end": 5, "quote": hostile},
    ]
    slide = tjs([make_event(summary=hostile, sources=sources, actors=("<Crew>",))])["events"][0]
    assert slide["text"]["headline"] == "Mayor &lt;img src=x onerror=alert(1)&gt; said &quot;go&quot; &amp; left"
    text = slide["text"]["text"]
    assert "<img" not in text and "<i>" not in text and "<b>" not in text
    assert "&lt;i&gt;Bad&lt;/i&gt; link" in text and "&lt;Crew&gt;" in text
    assert "javascript:" not in text
    assert re.findall(r'href="([^"]*)"', text) == ["https://ok.example.test/a?x=1&amp;y=&quot;2&quot;"]
    assert slide["autolink"] is False
    media = slide["media"]  # the first source: no link for javascript:, its quote escaped
    assert "link" not in media and "javascript" not in json.dumps(media)
    assert media["url"].startswith("<blockquote>") and "<b>" not in media["url"]
    assert media["caption"] == "&lt;i&gt;Bad&lt;/i&gt; link"


def test_timelinejs_media_is_the_first_source_quote_linked_to_its_article():
    slide = tjs([make_event(summary="The ferry sailed.", sources=[
        {"article_id": 3, "url": "https://local.example.test/ferry", "title": "Ferry back", "start": 0, "end": 9,
         "published_at": dt.datetime(2021, 3, 18, 7, 30), "quote": "The ferry sailed at dawn, officials said."},
        {"article_id": 4, "url": "https://other.example.test/b", "title": "Later report", "start": 0, "end": 9,
         "published_at": dt.datetime(2021, 3, 20), "quote": "The ferry sailed again."}])])["events"][0]
    media = slide["media"]
    assert html.unescape(media.pop("url")) == "<blockquote>The ferry sailed at dawn, officials said.</blockquote>"
    assert media == {
        "caption": "Ferry back",
        "credit": "local.example.test, 18 March 2021",
        "link": "https://local.example.test/ferry",
        "link_target": "_blank",
    }
    text = slide["text"]["text"]
    assert "at dawn" not in text and "“The ferry sailed again.”" in text  # the others' quotes stay in the text


def test_timelinejs_media_quote_never_looks_like_an_embed():
    # TimelineJS matches media.url against its embed patterns ("iframe", "spotify", ".pdf",
    # "imgur.com/", Google Maps); a quote naming them must still be shown as a quote
    quote = "See report.pdf, the iframe demo, spotify playlists, imgur.com/x and google.com/maps/@1,2,3z"
    source = {"article_id": 1, "url": None, "title": None, "start": 0, "end": 3,
              "published_at": dt.datetime(2021, 3, 18), "quote": quote}
    media = tjs([make_event(sources=[source])])["events"][0]["media"]
    for pattern in ("iframe", "spotify", ".pdf", "imgur.com/", "/maps/@", "documentcloud.org/"):
        assert pattern not in media["url"]
    assert html.unescape(media["url"]) == f"<blockquote>{quote}</blockquote>"
    assert media["credit"] == "18 March 2021" and "link" not in media


def test_timelinejs_title_slide_counts_every_matching_event_not_those_rendered():
    body = tjs([make_event(7), make_event(8)], title="Ferries & <rivers>", total=1234, limit=500,
               notes=("No known actor matches 'Atlantis'.",))
    title = body["title"]
    assert title["text"]["headline"] == "Ferries &amp; &lt;rivers&gt;"
    assert "500 of 1,234 events" in title["text"]["text"]
    assert "No known actor matches &#x27;Atlantis&#x27;." in title["text"]["text"]
    assert "<p>2 events</p>" in tjs([make_event(7), make_event(8)], total=2, limit=500)["title"]["text"]["text"]
    assert "<p>1 event</p>" in tjs([make_event(7)], total=1)["title"]["text"]["text"]


def test_timelinejs_groups_are_the_lanes_the_view_assigns():
    groups = (Group("org:1", "Port <Board>"), Group("org:0", "Ferry Company"))
    events = [{**make_event(1), "group": "org:0"}, {**make_event(2), "group": "org:1"}, make_event(3)]
    slides = tjs(events, groups=groups)["events"]
    # escaped twice: TimelineJS decodes a group to text once, then writes it as HTML
    assert [s.get("group") for s in slides] == ["Ferry Company", "Port &amp;lt;Board&amp;gt;", None]
    assert all("group" not in s for s in tjs([make_event(1, actors=("Ferry Company", "Port Board"))])["events"])


def test_timelinejs_nothing_found_is_one_friendly_slide():
    body = tjs([], title="Timeline: Atlantis", total=0, notes=("No known actor matches 'Atlantis'.",))
    assert "title" not in body
    (slide,) = body["events"]
    assert slide["unique_id"] == EMPTY_SLIDE_ID
    assert slide["start_date"] == {"year": 2024, "month": 2, "day": 1}  # the day of the export
    assert slide["display_date"] == "No events"
    assert slide["text"]["headline"] == "Timeline: Atlantis"
    assert "No events match" in slide["text"]["text"] and "Atlantis" in slide["text"]["text"]


def test_long_summaries_get_a_short_headline_and_keep_the_full_text():
    summary = ("The regional transport authority announced that the river ferry between the two northern "
               "towns would resume its full timetable after months of repairs to the landing stages.")
    slide = tjs([make_event(summary=summary)])["events"][0]
    headline = slide["text"]["headline"]
    assert len(headline) <= 100 and headline.endswith("…")
    assert summary.startswith(headline[:-1])
    assert not headline[:-1].endswith(" ") and summary[len(headline) - 1] == " "  # cut between words
    assert summary in slide["text"]["text"]


# ------------------------------------------------------------------ vis-timeline

def vis(events, **context):
    body = json.loads(render(events, "vis", **context))
    errors = VisSchema().validate(body)
    assert not errors, errors
    return body


def test_vis_points_for_a_day_or_less_ranges_beyond():
    events = [make_event(i, g) for i, g in enumerate(INTERVALS, start=1)]
    events.append(make_event(99, "day", interval=("2021-03-17/2021-03-19", "2021-03-17T00:00:00",
                                                  "2021-03-20T00:00:00")))
    items = {item["id"]: item for item in vis(events)["items"]}
    by_granularity = {e["date"]["granularity"]: items[e["id"]] for e in events if e["id"] != 99}
    assert {g: (i["type"], i["start"], i.get("end")) for g, i in by_granularity.items()} == {
        # a day and coarser: dates, drawn on that day in any zone; ranges end at the half-open end
        "year": ("range", "2019-01-01", "2020-01-01"),
        "quarter": ("range", "2020-07-01", "2020-10-01"),
        "month": ("range", "2021-02-01", "2021-03-01"),
        "week": ("range", "2021-03-01", "2021-03-08"),
        "day": ("point", "2021-03-17", None),
        # times of day: instants with their offset
        "hour": ("point", "2021-03-17T09:00:00Z", None),
        "minute": ("point", "2021-03-17T09:45:00Z", None),
    }
    assert (items[99]["type"], items[99]["start"], items[99]["end"]) == ("range", "2021-03-17", "2021-03-20")


def test_vis_has_groups_only_with_lanes_in_the_order_asked():
    assert "groups" not in vis([make_event(1), make_event(2)])
    assert all("group" not in item for item in vis([make_event(1)])["items"])
    groups = (Group("org:9", "Port <Board>"), Group("org:0", "Ferry Company"))
    body = vis([{**make_event(1), "group": "org:0"}, {**make_event(2), "group": "org:9"}], groups=groups)
    assert body["groups"] == [{"id": "org:9", "content": "Port &lt;Board&gt;", "order": 0},
                              {"id": "org:0", "content": "Ferry Company", "order": 1}]
    assert [item["group"] for item in body["items"]] == ["org:0", "org:9"]


def test_vis_content_and_tooltip_are_escaped():
    item = vis([make_event(summary="<script>x()</script> & more", actors=("<b>Crew</b>",))])["items"][0]
    assert item["content"] == "&lt;script&gt;x()&lt;/script&gt; &amp; more"
    assert "<" not in item["title"] and "&lt;script&gt;" in item["title"]


def test_vis_empty_timeline_is_valid():
    assert vis([]) == {"items": []}


# ------------------------------------------------------------------ CSV

def read_csv(text):
    assert text.split("\n", 1)[0].endswith("\r") and text.endswith("\r\n")  # CRLF record ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_a_header_and_round_trips_through_the_csv_module():
    summary = 'Ferry "Swan", the oldest, sailed;\nfinally at 5pm'
    events = [make_event(1, "week", summary=summary, actors=("Ferry Company", "Port Board"),
                         locations=(("Riverton", None), ("Lakeside", None)), coordinates=((None, None), (47.1, 2.5))),
              make_event(2, "day", sources=[], coordinates=())]
    body = render(events, "csv")
    assert body.split("\r\n", 1)[0] == ",".join(CSV_COLUMNS)
    rows = read_csv(body)
    assert len(rows) == 2
    first = rows[0]
    assert first["id"] == "1" and first["summary"] == summary
    assert (first["date_value"], first["date_start"], first["date_end"], first["granularity"]) == (
        "2021-W09", "2021-03-01T00:00:00Z", "2021-03-08T00:00:00Z", "week")
    assert (first["date_text"], first["date_source"], first["status"], first["confidence"]) == (
        "on Wednesday", "explicit", "occurred", "0.75")
    assert (first["actors"], first["actor_ids"]) == ("Ferry Company; Port Board", "org:0; org:1")
    assert (first["locations"], first["location_ids"]) == ("Riverton; Lakeside", "geonames:100; geonames:101")
    assert (first["latitude"], first["longitude"]) == ("47.1", "2.5")  # the first place that has coordinates
    assert (first["quote"], first["title"], first["url"], first["published_at"]) == (
        summary, "Ferry back on the river", "https://local.example.test/ferry/1", "2021-03-18T07:30:00Z")
    assert (first["source_count"], first["article_ids"], first["source_urls"]) == (
        "1", "41", "https://local.example.test/ferry/1")
    second = rows[1]
    assert (second["latitude"], second["quote"], second["published_at"], second["source_count"]) == ("", "", "", "0")
    assert render([], "csv") == ",".join(CSV_COLUMNS) + "\r\n"


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil.test","x")', "+1+cmd|' /C calc'!A0",
                                     "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"])
def test_csv_neutralises_formulas_in_text_cells(payload):
    event = make_event(summary=payload, actors=(payload,), locations=((payload, None),))
    row = read_csv(render([event], "csv"))[0]
    assert row["summary"] == "'" + payload
    for column in ("actors", "locations"):  # names come with whitespace collapsed
        assert row[column] == "'" + " ".join(payload.split())
    assert row["id"] == "1" and row["confidence"] == "0.75"  # numbers stay numbers
    assert row["latitude"] == "48.5" and row["longitude"] == "-1.25"  # a negative number is not a formula


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_csv_any_summary_survives_except_a_formula_prefix(summary):
    row = read_csv(render([make_event(summary=summary)], "csv"))[0]
    expected = "'" + summary if summary[:1] in ("=", "+", "-", "@", "\t", "\r") else summary
    # the csv module reads a lone CR inside a quoted field back as written
    assert row["summary"] == expected


# ------------------------------------------------------------------ JSON lines

def test_jsonl_lines_are_the_json_formats_events():
    events = [make_event(1, "week", summary="Ферри «Лебедь» вернулся"), make_event(2, "minute", mod="APPROX")]
    body = render([{**events[0], "group": "org:0"}, events[1]], "jsonl")  # a lane is not part of the event
    lines = body.split("\n")
    assert lines[-1] == "" and len(lines) == 3  # one line per event, each ending in \n
    parsed = [json.loads(line) for line in lines[:-1]]
    assert parsed == [EventSchema().dump(event) for event in events]
    assert parsed[0]["sources"][0]["published_at"] == "2021-03-18T07:30:00Z"
    assert parsed[0]["date"]["start"] == events[0]["date"]["start"]  # the contract's string, as given
    assert "Лебедь" in lines[0]  # UTF-8, not \u escapes
    assert render([], "jsonl") == ""


# ------------------------------------------------------------------ iCalendar

def ics(events, **context):
    body = render(events, "ics", **context)
    assert body.endswith("\r\n") and all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    return calendar


def test_ics_is_a_calendar_of_one_event_per_timeline_event():
    events = [make_event(i, g) for i, g in enumerate(INTERVALS, start=1)]
    calendar = ics(events, title="Ferry, river; news", deployment_uid="3f6c")
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Ferry, river; news"
    vevents = calendar.walk("VEVENT")
    assert [str(v["UID"]) for v in vevents] == [
        f"event-{i}-3f6c@timeline-api" for i in range(1, len(events) + 1)]
    # DTSTAMP: when the calendar was exported (RFC 5545 3.8.7.2 for a calendar without METHOD)
    assert {v.decoded("DTSTAMP") for v in vevents} == {EXPORTED_AT}
    assert ics([make_event()], title="")  # no title: still a calendar


@pytest.mark.parametrize(("granularity", "dtstart", "dtend"), [
    ("year", dt.date(2019, 1, 1), dt.date(2020, 1, 1)),
    ("quarter", dt.date(2020, 7, 1), dt.date(2020, 10, 1)),
    ("month", dt.date(2021, 2, 1), dt.date(2021, 3, 1)),
    ("week", dt.date(2021, 3, 1), dt.date(2021, 3, 8)),
    ("day", dt.date(2021, 3, 17), dt.date(2021, 3, 18)),
    ("hour", dt.datetime(2021, 3, 17, 9, tzinfo=dt.UTC), dt.datetime(2021, 3, 17, 10, tzinfo=dt.UTC)),
    ("minute", dt.datetime(2021, 3, 17, 9, 45, tzinfo=dt.UTC), dt.datetime(2021, 3, 17, 9, 46, tzinfo=dt.UTC)),
])
def test_ics_all_day_for_days_and_coarser_utc_times_below(granularity, dtstart, dtend):
    (vevent,) = ics([make_event(granularity=granularity)]).walk("VEVENT")
    assert vevent.decoded("DTSTART") == dtstart
    assert vevent.decoded("DTEND") == dtend  # exclusive, like the interval
    assert type(vevent.decoded("DTSTART")) is type(dtstart)  # a date is all-day, not midnight UTC


def test_ics_geo_is_the_events_most_precise_place_with_coordinates():
    event = make_event(locations=(("Freedonia", None), ("Riverton", None)), coordinates=((10.0, 20.0), (48.5, -1.25)))
    event["locations"][0]["kind"] = "country"
    (vevent,) = ics([event]).walk("VEVENT")
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (48.5, -1.25)  # the city, not its country
    assert read_csv(render([event], "csv"))[0]["latitude"] == "48.5"


def test_ics_geo_is_the_first_place_with_coordinates():
    (with_place,) = ics([make_event(locations=(("Nowhere", None), ("Riverton", None)),
                                    coordinates=((None, None), (48.5, -1.25)))]).walk("VEVENT")
    assert (with_place["GEO"].latitude, with_place["GEO"].longitude) == (48.5, -1.25)
    assert str(with_place["LOCATION"]) == "Nowhere, Riverton"
    (without,) = ics([make_event(coordinates=())]).walk("VEVENT")
    assert "GEO" not in without


def test_ics_text_round_trips_through_icalendar():
    summary = "Ferry; bridge, and C:\\ferry\\log\nsaid “yes”"
    event = make_event(summary=summary, status="planned",
                       sources=[{"article_id": 5, "url": "https://x.example.test/a,b;c", "title": "T, with; marks",
                                 "published_at": dt.datetime(2021, 3, 20, 6, 0), "start": 0, "end": 3,
                                 "quote": "q"},
                                {"article_id": 6, "url": "javascript:alert(1)", "title": None,
                                 "published_at": dt.datetime(2021, 3, 22, 18, 15), "start": 0, "end": 3,
                                 "quote": "r"}])
    (vevent,) = ics([event]).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == " ".join(summary.split())  # headline: one line
    description = str(vevent["DESCRIPTION"])
    assert description.startswith(" ".join(summary.split()) + "\n")
    assert "T, with; marks <https://x.example.test/a,b;c>" in description
    assert "Places: Riverton (northern)" in description
    assert str(vevent["STATUS"]) == "TENTATIVE"
    assert str(vevent["URL"]) == "https://x.example.test/a,b;c"  # the first http(s) source


def test_ics_lines_are_folded_at_75_octets_without_splitting_characters():
    summary = "Паром «Лебедь» 🚢 " * 20
    (vevent,) = ics([make_event(summary=summary)]).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]).startswith(" ".join(summary.split()))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300))
def test_ics_any_summary_round_trips(text):
    event = make_event(summary=text)
    (vevent,) = ics([event]).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]).startswith(" ".join(text.split()))


def test_ics_empty_calendar_is_valid():
    calendar = ics([], title="Timeline: Atlantis")
    assert calendar.walk("VEVENT") == [] and str(calendar["X-WR-CALNAME"]) == "Timeline: Atlantis"
