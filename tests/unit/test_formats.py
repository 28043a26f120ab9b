"""Export formats of the timeline (timeline_api.api.formats): what a widget,
a spreadsheet or a calendar client gets from the contract's event dicts."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline_api.api.events import EventSchema
from timeline_api.api.formats import (
    CSV_COLUMNS,
    FORMATS,
    NO_GROUP,
    ics_escape,
    ics_fold,
    render_timeline,
)

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


def make_event(event_id=1, granularity="day", *, summary="The river ferry resumed service.", interval=None,
               mod=None, actors=("Ferry Company",), locations=(("Riverton", "northern"),), status="occurred",
               sources=None, date_text="on Wednesday"):
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
        "locations": [{"id": f"geonames:{100 + i}", "name": name, "kind": "city", "qualifier": qualifier}
                      for i, (name, qualifier) in enumerate(locations)],
        "sources": sources,
        "confidence": 0.75,
    }


# ------------------------------------------------------------------ dispatch

def test_every_export_format_has_a_renderer_and_its_media_type():
    event = make_event()
    expected = {"timelinejs": "application/vnd.timelinejs+json", "vis": "application/vnd.vis-timeline+json",
                "csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
                "ics": "text/calendar; charset=utf-8"}
    assert set(FORMATS) == {"json", *expected}
    for fmt, mimetype in expected.items():
        body, got = render_timeline([event], fmt)
        assert got == mimetype
        assert isinstance(body, dict if mimetype.endswith("+json") else str)


@pytest.mark.parametrize("fmt", ["json", "xml", ""])
def test_json_and_unknown_formats_are_not_rendered_here(fmt):
    with pytest.raises(ValueError):
        render_timeline([make_event()], fmt)


# ------------------------------------------------------------------ TimelineJS3

def tjs(events, **kwargs):
    body, _ = render_timeline(events, "timelinejs", **kwargs)
    json.dumps(body)  # must be plain JSON
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
    assert "&lt;i&gt;Bad&lt;/i&gt; link" in text and "&lt;b&gt;quote&lt;/b&gt;" in text
    assert "javascript:" not in text
    assert re.findall(r'href="([^"]*)"', text) == ["https://ok.example.test/a?x=1&amp;y=&quot;2&quot;"]
    assert "&lt;Crew&gt;" in text
    assert slide["autolink"] is False


def test_timelinejs_slide_ids_groups_and_title():
    body = tjs([make_event(7, actors=("Ferry Company", "Port Board")), make_event(8, actors=())],
               title="Ferries & <rivers>")
    first, second = body["events"]
    assert (first["unique_id"], first["group"]) == ("event-7", "Ferry Company")
    assert second["unique_id"] == "event-8" and "group" not in second
    assert body["title"]["text"]["headline"] == "Ferries &amp; &lt;rivers&gt;"
    assert "title" not in tjs([make_event()])


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

def vis(events):
    body, _ = render_timeline(events, "vis")
    json.dumps(body)
    return body


def test_vis_points_for_a_day_or_less_ranges_beyond():
    events = [make_event(i, g) for i, g in enumerate(INTERVALS, start=1)]
    events.append(make_event(99, "day", interval=("2021-03-17/2021-03-19", "2021-03-17T00:00:00",
                                                  "2021-03-20T00:00:00")))
    items = {item["id"]: item for item in vis(events)["items"]}
    kinds = {items[e["id"]]["type"] for e in events if e["date"]["granularity"] in ("day", "hour", "minute")
             and e["id"] != 99}
    assert kinds == {"point"}
    for event in events:
        item = items[event["id"]]
        assert item["start"] == event["date"]["start"]
        if event["date"]["granularity"] in ("year", "quarter", "month", "week") or event["id"] == 99:
            assert item["type"] == "range"
            assert item["end"] == event["date"]["end"]  # vis ranges end at the half-open end
        else:
            assert "end" not in item


def test_vis_groups_by_first_actor_with_a_group_for_the_rest():
    body = vis([make_event(1, actors=("Ferry Company", "Port Board")), make_event(2, actors=("Port Board",)),
                make_event(3, actors=()), make_event(4, actors=("Ferry Company",))])
    assert [item["group"] for item in body["items"]] == ["org:0", "org:0", NO_GROUP, "org:0"]
    assert body["groups"] == [{"id": "org:0", "content": "Ferry Company"}, {"id": NO_GROUP, "content": "(no actor)"}]
    group_ids = {g["id"] for g in body["groups"]}
    assert all(item["group"] in group_ids for item in body["items"])  # vis hides items of unknown groups


def test_vis_content_and_tooltip_are_escaped():
    item = vis([make_event(summary="<script>x()</script> & more", actors=("<b>Crew</b>",))])["items"][0]
    assert item["content"] == "&lt;script&gt;x()&lt;/script&gt; &amp; more"
    assert "<" not in item["title"] and "&lt;script&gt;" in item["title"]
    assert "<" not in vis([make_event(actors=("<b>Crew</b>",))])["groups"][0]["content"]


# ------------------------------------------------------------------ CSV

def read_csv(text):
    assert text.split("\n", 1)[0].endswith("\r") and text.endswith("\r\n")  # CRLF record ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_a_header_and_round_trips_through_the_csv_module():
    summary = 'Ferry "Swan", the oldest, sailed;\nfinally at 5pm'
    events = [make_event(1, "week", summary=summary, actors=("Ferry Company", "Port Board"),
                         locations=(("Riverton", None), ("Lakeside", None))),
              make_event(2, "day", sources=[])]
    body, mimetype = render_timeline(events, "csv")
    assert mimetype == "text/csv; charset=utf-8"
    assert body.split("\r\n", 1)[0] == ",".join(CSV_COLUMNS)
    rows = read_csv(body)
    assert len(rows) == 2
    first = rows[0]
    assert first["id"] == "1" and first["summary"] == summary
    assert (first["date_value"], first["date_start"], first["date_end"], first["granularity"]) == (
        "2021-W09", "2021-03-01T00:00:00", "2021-03-08T00:00:00", "week")
    assert (first["date_source"], first["status"], first["confidence"]) == ("explicit", "occurred", "0.75")
    assert first["actors"] == "Ferry Company; Port Board"
    assert first["locations"] == "Riverton; Lakeside"
    assert first["source_urls"] == "https://local.example.test/ferry/1"
    assert first["article_ids"] == "41"
    assert rows[1]["source_urls"] == "" and rows[1]["article_ids"] == ""


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil.test","x")', "+1+cmd|' /C calc'!A0",
                                     "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"])
def test_csv_neutralises_formulas_in_text_cells(payload):
    event = make_event(summary=payload, actors=(payload,), locations=((payload, None),))
    row = read_csv(render_timeline([event], "csv")[0])[0]
    assert row["summary"] == "'" + payload
    for column in ("actors", "locations"):  # names come with whitespace collapsed
        assert row[column] == "'" + " ".join(payload.split())
    assert row["id"] == "1" and row["confidence"] == "0.75"  # numbers stay numbers


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_csv_any_summary_survives_except_a_formula_prefix(summary):
    row = read_csv(render_timeline([make_event(summary=summary)], "csv")[0])[0]
    expected = "'" + summary if summary[:1] in ("=", "+", "-", "@", "\t", "\r") else summary
    # the csv module reads a lone CR inside a quoted field back as written
    assert row["summary"] == expected


# ------------------------------------------------------------------ JSON lines

def test_jsonl_lines_are_the_json_formats_events():
    events = [make_event(1, "week", summary="Ферри «Лебедь» вернулся"), make_event(2, "minute", mod="APPROX")]
    body, mimetype = render_timeline(events, "jsonl")
    assert mimetype == "application/x-ndjson"
    lines = body.split("\n")
    assert lines[-1] == "" and len(lines) == 3  # one line per event, each ending in \n
    parsed = [json.loads(line) for line in lines[:-1]]
    assert parsed == [EventSchema().dump(event) for event in events]
    assert parsed[0]["sources"][0]["published_at"] == "2021-03-18T07:30:00Z"
    assert "Лебедь" in lines[0]  # UTF-8, not \u escapes
    assert render_timeline([], "jsonl")[0] == ""


# ------------------------------------------------------------------ iCalendar

def unfold(text):
    """RFC 5545 3.1: physical lines end in CRLF; a line starting with a space
    or tab continues the previous one."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    logical = []
    for line in physical:
        if line[:1] in (" ", "\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return physical, logical


def parse_ics(text):
    """Components as lists of (name, params, value), nested by BEGIN/END."""
    _, logical = unfold(text)
    stack, root = [], None
    for line in logical:
        head, value = line.split(":", 1)
        name, *params = head.split(";")
        if name == "BEGIN":
            component = {"type": value, "props": [], "children": []}
            if stack:
                stack[-1]["children"].append(component)
            stack.append(component)
            root = root or component
        elif name == "END":
            assert stack.pop()["type"] == value
        else:
            stack[-1]["props"].append((name, tuple(params), value))
    assert not stack
    return root


def prop(component, name):
    found = [(params, value) for n, params, value in component["props"] if n == name]
    assert len(found) == 1, (name, found)
    return found[0]


def unescape_text(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_ics_is_a_calendar_of_one_event_per_timeline_event():
    events = [make_event(i, g) for i, g in enumerate(INTERVALS, start=1)]
    body, mimetype = render_timeline(events, "ics", title="Ferry, river; news")
    assert mimetype == "text/calendar; charset=utf-8"
    calendar = parse_ics(body)
    assert calendar["type"] == "VCALENDAR"
    assert prop(calendar, "VERSION")[1] == "2.0"
    assert prop(calendar, "PRODID")[1]
    assert unescape_text(prop(calendar, "X-WR-CALNAME")[1]) == "Ferry, river; news"
    vevents = calendar["children"]
    assert [v["type"] for v in vevents] == ["VEVENT"] * len(events)
    assert [prop(v, "UID")[1] for v in vevents] == [f"event-{i}@timeline-api" for i in range(1, len(events) + 1)]
    for vevent in vevents:
        assert re.fullmatch(r"\d{8}T\d{6}Z", prop(vevent, "DTSTAMP")[1])


@pytest.mark.parametrize(("granularity", "dtstart", "dtend"), [
    ("year", (("VALUE=DATE",), "20190101"), (("VALUE=DATE",), "20200101")),
    ("quarter", (("VALUE=DATE",), "20200701"), (("VALUE=DATE",), "20201001")),
    ("month", (("VALUE=DATE",), "20210201"), (("VALUE=DATE",), "20210301")),
    ("week", (("VALUE=DATE",), "20210301"), (("VALUE=DATE",), "20210308")),
    ("day", (("VALUE=DATE",), "20210317"), (("VALUE=DATE",), "20210318")),
    ("hour", ((), "20210317T090000Z"), ((), "20210317T100000Z")),
    ("minute", ((), "20210317T094500Z"), ((), "20210317T094600Z")),
])
def test_ics_all_day_for_days_and_coarser_utc_times_below(granularity, dtstart, dtend):
    vevent = parse_ics(render_timeline([make_event(granularity=granularity)], "ics")[0])["children"][0]
    assert prop(vevent, "DTSTART") == dtstart
    assert prop(vevent, "DTEND") == dtend  # exclusive, like the interval


def test_ics_text_is_escaped_and_round_trips():
    summary = "Ferry; bridge, and C:\\ferry\\log\nsaid “yes”"
    event = make_event(summary=summary, status="planned",
                       sources=[{"article_id": 5, "url": "https://x.example.test/a,b;c", "title": "T, with; marks",
                                 "published_at": dt.datetime(2021, 3, 20, 6, 0), "start": 0, "end": 3,
                                 "quote": "q"},
                                {"article_id": 6, "url": None, "title": None,
                                 "published_at": dt.datetime(2021, 3, 22, 18, 15), "start": 0, "end": 3,
                                 "quote": "r"}])
    body = render_timeline([event], "ics")[0]
    vevent = parse_ics(body)["children"][0]
    summary_value = prop(vevent, "SUMMARY")[1]
    assert "\\;" in summary_value and "\\," in summary_value and "\\\\" in summary_value
    assert unescape_text(summary_value) == " ".join(summary.split())  # headline: one line
    description = unescape_text(prop(vevent, "DESCRIPTION")[1])
    assert description.startswith(" ".join(summary.split()) + "\n")
    assert "T, with; marks <https://x.example.test/a,b;c>" in description
    assert "Places: Riverton (northern)" in description
    assert prop(vevent, "STATUS")[1] == "TENTATIVE"
    assert prop(vevent, "DTSTAMP")[1] == "20210322T181500Z"  # the newest report
    assert prop(vevent, "URL")[1] == "https://x.example.test/a,b;c"


def test_ics_lines_are_folded_at_75_octets_without_splitting_characters():
    summary = "Паром «Лебедь» 🚢 " * 20
    body = render_timeline([make_event(summary=summary)], "ics")[0]
    physical, _ = unfold(body)
    assert max(len(line.encode("utf-8")) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)
    body.encode("utf-8").decode("utf-8")  # every physical line is whole characters
    vevent = parse_ics(body)["children"][0]
    assert unescape_text(prop(vevent, "DESCRIPTION")[1]).startswith(" ".join(summary.split()))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_ics_escape_and_fold_round_trip(text):
    line = "DESCRIPTION:" + ics_escape(text)
    folded = ics_fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    unfolded = "".join([physical[0], *(p[1:] for p in physical[1:])])
    assert unfolded == line
    value = unfolded.split(":", 1)[1]
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value)
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "",
                      text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    assert unescape_text(value) == expected
