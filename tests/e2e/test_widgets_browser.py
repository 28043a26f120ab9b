"""The widget exports load in the widgets themselves, and show what a person should see.

The output of ``render_timeline(..., "timelinejs" | "vis")`` is served with TimelineJS3's
and vis-timeline's own dist builds (npm ``@knight-lab/timelinejs`` and ``vis-timeline``,
installed in tests/e2e/browser by ``setup.sh``) from a loopback http.server, and opened in
headless Debian chromium driven by playwright-core (render_widgets.mjs), one browser for
every case: a full timeline, many groups, nothing found, hostile text. The checks read what
was drawn: slides and markers in date order, dates worded at the event's own precision,
lanes and their labels, the source quote as slide media with its link, the friendly slide
when nothing matches, text shown as text, the day an item sits on in the viewer's own time
zone, and neither script errors nor requests leaving the loopback server.

Screenshots of every case are kept in ``var/test-artifacts/widgets/<case>.png`` (or under
``$TEST_ARTIFACTS_DIR``), for a person to look at after the run.
"""
from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from timeline_api.api.formats import ExportContext, Group, render_timeline

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-browser")]

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent / "browser"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or ROOT / "var" / "test-artifacts") / "widgets"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# guard against a hung browser; not a measurement
DRIVER_LIMIT_S = 240
EXPORTED_AT = dt.datetime(2024, 12, 2, 8, 0, tzinfo=dt.UTC)
HOSTILE = 'Talks <img src=x onerror="window.__injected=\'headline\'"> & <b>resumed</b> "yes"'


def _event(event_id, value, start, end, granularity, summary, *, actors=(), mod=None, url=None, quote=None,
           group=None):
    event = {
        "id": event_id,
        "date": {"value": value, "start": start, "end": end, "granularity": granularity,
                 "text": value, "source": "explicit", "mod": mod},
        "summary": summary,
        "status": "occurred",
        "actors": [{"id": f"actor:{name.lower()}", "name": name, "kind": "organization"} for name in actors],
        "locations": [{"id": "geonames:2643743", "name": "London", "kind": "city", "qualifier": None,
                       "latitude": 51.51, "longitude": -0.13}],
        "sources": [{"article_id": event_id, "url": url, "title": f"Report {event_id}",
                     "published_at": dt.datetime(2024, 12, 1, 9, 0), "start": 0, "end": len(summary),
                     "quote": quote or summary}],
        "confidence": 0.9,
    }
    if group:
        event["group"] = group
    return event


FULL = [
    _event(1, "2021", "2021-01-01T00:00:00Z", "2022-01-01T00:00:00Z", "year",
           "The harbour authority was founded.", actors=["Harbour Authority"]),
    _event(2, "2022-Q3", "2022-07-01T00:00:00Z", "2022-10-01T00:00:00Z", "quarter",
           "Cargo volumes fell sharply.", actors=["Harbour Authority"]),
    _event(3, "2023-05", "2023-05-01T00:00:00Z", "2023-06-01T00:00:00Z", "month",
           "Dock workers voted for a strike.", actors=["Dockers Union"], mod="APPROX"),
    _event(4, "2023-W23", "2023-06-05T00:00:00Z", "2023-06-12T00:00:00Z", "week",
           "The strike closed three terminals.", actors=["Dockers Union"]),
    _event(5, "2023-06-14", "2023-06-14T00:00:00Z", "2023-06-15T00:00:00Z", "day",
           "Talks resumed at the port.", actors=["Dockers Union"],
           url="https://news.example.test/talks?id=5&lang=en",
           quote="Talks resumed at the port on Wednesday, the union said."),
    _event(6, "2023-06-20T14", "2023-06-20T14:00:00Z", "2023-06-20T15:00:00Z", "hour",
           "A deal was signed at the town hall."),
]
LANES = (Group("actor:police", "Port Police"), Group("actor:council", "City Council"),
         Group("actor:dockers", "Dockers Union"), Group("actor:harbour", "Harbour Authority"),
         Group("actor:shipping", "Shipping Line"))
# 60 events, one a day from 1 January 2023, taking turns in the five lanes
MANY = [_event(i, day.isoformat(), f"{day}T00:00:00Z", f"{day + dt.timedelta(days=1)}T00:00:00Z", "day",
               f"Incident {i} at the port.", group=LANES[i % len(LANES)].id)
        for i, day in ((i, dt.date(2023, 1, 1) + dt.timedelta(days=i - 1)) for i in range(1, 61))]
ESCAPING = [
    _event(1, "2023-06-14", "2023-06-14T00:00:00Z", "2023-06-15T00:00:00Z", "day", HOSTILE,
           url="https://news.example.test/a?x=1&y=2", group="actor:crew",
           quote="<script>window.__injected='media'</script> See report.pdf, the iframe demo and spotify."),
    _event(2, "2023-06-15", "2023-06-15T00:00:00Z", "2023-06-16T00:00:00Z", "day",
           "Second <i>report</i>.", url="javascript:window.__injected='link'", group="actor:other"),
]
CREW = """<b>Crew</b> <img src=x onerror="window.__injected='group'">"""
ESCAPING_LANES = (Group("actor:crew", CREW), Group("actor:other", "Other & co"))


def _body(fmt, events, **context) -> bytes:
    context = ExportContext(exported_at=EXPORTED_AT, **context)
    return "".join(render_timeline(iter(events), fmt, context)).encode()


CASES = {
    # name: (widget, body, time zone of the viewer, TimelineJS slide for the screenshot)
    "timelinejs-full": ("timelinejs", _body("timelinejs", FULL, title="Harbour dispute", total=6), None, "event-5"),
    "timelinejs-groups": ("timelinejs", _body("timelinejs", MANY, title="Port incidents", total=60, groups=LANES),
                          None, None),
    "timelinejs-empty": ("timelinejs", _body("timelinejs", [], title="Timeline: Atlantis", total=0,
                                             notes=("No known actor matches 'Atlantis'.",)), None, None),
    "timelinejs-escaping": ("timelinejs", _body("timelinejs", ESCAPING, title="<b>Bold</b> title", total=2,
                                                groups=ESCAPING_LANES), None, "event-1"),
    "vis-full": ("vis", _body("vis", FULL), "America/New_York", None),
    "vis-groups": ("vis", _body("vis", MANY, groups=LANES), "Asia/Tokyo", None),
    "vis-empty": ("vis", _body("vis", []), None, None),
    "vis-escaping": ("vis", _body("vis", ESCAPING, groups=ESCAPING_LANES), None, None),
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of tests/e2e/browser, plus /data/<case>.json from memory."""

    bodies: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.path.split("?")[0]
        if path.startswith("/data/"):
            data = self.bodies[path.removeprefix("/data/").removesuffix(".json")]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict]:
    node = shutil.which("node")
    missing = [what for what, ok in (
        ("node", node),
        (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
        ("@knight-lab/timelinejs", (BROWSER_DIR / "node_modules" / "@knight-lab" / "timelinejs").is_dir()),
        ("vis-timeline", (BROWSER_DIR / "node_modules" / "vis-timeline").is_dir()),
        ("playwright-core", (BROWSER_DIR / "node_modules" / "playwright-core").is_dir()),
    ) if not ok]
    if missing:
        pytest.fail(f"browser test prerequisites missing: {', '.join(missing)}; "
                    "run tests/e2e/browser/setup.sh", pytrace=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    handler = type("Handler", (_Handler,), {"bodies": {name: case[1] for name, case in CASES.items()}})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(BROWSER_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    specs = [{"name": name, "widget": widget, "url": f"{base}/{widget}.html?data=/data/{name}.json",
              "screenshot": str(ARTIFACTS / f"{name}.png"), "timezone": timezone or "UTC", "slide": slide}
             for name, (widget, _body, timezone, slide) in CASES.items()]
    cases_file = tmp_path_factory.mktemp("widgets") / "cases.json"
    cases_file.write_text(json.dumps(specs), encoding="utf-8")
    try:
        proc = subprocess.run([node, str(BROWSER_DIR / "render_widgets.mjs"), str(cases_file)],
                              cwd=BROWSER_DIR, capture_output=True, text=True, timeout=DRIVER_LIMIT_S,
                              env={**os.environ, "CHROMIUM": CHROMIUM})
    finally:
        server.shutdown()
        server.server_close()
    try:
        output = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(f"driver gave no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    if output.get("fatal"):
        pytest.fail(f"browser run failed: {output['fatal']}\n{proc.stderr}", pytrace=False)
    return output["cases"]


def _case(rendered, name) -> dict:
    case = rendered[name]
    assert not case.get("fatal"), case.get("fatal")
    return case


@pytest.mark.parametrize("name", list(CASES))
def test_every_case_draws_without_errors_or_foreign_requests(rendered, name):
    case = _case(rendered, name)
    assert case["state"] == {"state": "loaded", "error": None}
    assert case["pageErrors"] == [] and case["consoleErrors"] == [] and case["failedRequests"] == []
    # the page is self-contained: the widget, its fonts and locale come from our server
    assert case["externalRequests"] == []
    assert case["injected"] is None  # no text from an article ran as script
    assert (ARTIFACTS / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ TimelineJS3

def _slides(case) -> dict[str, dict]:
    return {slide["id"]: slide for slide in case["slides"]}


def test_timelinejs_full_timeline_in_date_order_with_its_title_count(rendered):
    case = _case(rendered, "timelinejs-full")
    ids = [f"event-{event['id']}" for event in FULL]
    assert [slide["id"] for slide in case["slides"]] == ["timeline-title", *ids]
    assert [marker["id"] for marker in case["markers"]] == [f"{i}-marker" for i in ids]
    slides = _slides(case)
    assert slides["timeline-title"]["headline"] == "Harbour dispute"
    assert slides["timeline-title"]["text"] == "6 events"
    assert slides["event-6"]["headline"] == "A deal was signed at the town hall."
    assert case["groups"] == []  # no lanes asked for: none drawn
    assert case["message"] == ""


def test_timelinejs_dates_are_shown_at_their_own_precision(rendered):
    dates = {sid: slide["date"] for sid, slide in _slides(_case(rendered, "timelinejs-full")).items()}
    assert dates["event-1"] == "2021"
    assert dates["event-2"] == "Q3 2022"
    assert dates["event-3"] == "about May 2023"
    assert dates["event-4"] == "week of 5 June 2023"
    assert dates["event-5"] == "June 14, 2023"
    assert dates["event-6"] == "20 June 2023, 14:00 UTC"


def test_timelinejs_slide_media_is_the_source_quote_linking_to_the_article(rendered):
    media = _slides(_case(rendered, "timelinejs-full"))["event-5"]["media"]
    assert "tl-media-blockquote" in media["kind"]
    assert media["text"] == "Talks resumed at the port on Wednesday, the union said."
    assert media["link"] == "https://news.example.test/talks?id=5&lang=en"
    assert media["caption"] == "Report 5" and media["credit"] == "news.example.test, 1 December 2024"


def test_timelinejs_many_groups_each_with_its_label(rendered):
    case = _case(rendered, "timelinejs-groups")
    assert len(case["slides"]) == 61 and len(case["markers"]) == 60
    assert _slides(case)["timeline-title"]["text"] == "60 events"
    # TimelineJS orders its lanes by their first event; every lane is there, labelled
    assert case["groups"] == [LANES[i % len(LANES)].name for i in range(1, 6)]


def test_timelinejs_nothing_found_is_a_friendly_slide_not_an_error(rendered):
    case = _case(rendered, "timelinejs-empty")
    assert case["message"] == ""  # TimelineJS's error box ("no events") is not shown
    (slide,) = case["slides"]
    assert slide["id"] == "no-events" and slide["headline"] == "Timeline: Atlantis"
    assert slide["date"] == "No events"
    assert "No events match these filters." in slide["text"] and "Atlantis" in slide["text"]


def test_timelinejs_article_text_is_shown_as_text(rendered):
    slides = _slides(_case(rendered, "timelinejs-escaping"))
    first = slides["event-1"]
    assert first["headline"] == HOSTILE and first["headlineElements"] == 0
    assert slides["timeline-title"]["headline"] == "<b>Bold</b> title"
    media = first["media"]
    # a quote naming TimelineJS's embed patterns (iframe, .pdf, spotify) is still a quote, inert
    assert "tl-media-blockquote" in media["kind"] and "script" not in media["elements"]
    assert media["text"].endswith("See report.pdf, the iframe demo and spotify.")
    assert media["link"] == "https://news.example.test/a?x=1&y=2"
    second = slides["event-2"]
    assert second["links"] == [] and "javascript:" not in json.dumps(second)  # a javascript: source is no link
    assert _case(rendered, "timelinejs-escaping")["groups"] == [CREW, "Other & co"]


# ------------------------------------------------------------------ vis-timeline

def _items(case) -> dict[int, dict]:
    return {item["id"]: item for item in case["items"]}


def test_vis_items_sit_on_their_day_in_the_viewers_zone(rendered):
    case = _case(rendered, "vis-full")
    assert case["timezone"] == "America/New_York"
    items = _items(case)
    assert set(items) == {event["id"] for event in FULL}
    assert all(item["onScreen"] for item in items.values())
    seen = {i: (item["type"], item["day"]) for i, item in items.items()}
    assert seen == {
        1: ("range", "2021-01-01"), 2: ("range", "2022-07-01"), 3: ("range", "2023-05-01"),
        4: ("range", "2023-06-05"), 5: ("point", "2023-06-14"),
        6: ("point", "2023-06-20"),  # 14:00 UTC is 10:00 in New York
    }
    assert items[6]["clock"] == "10:00"
    assert items[5]["text"] == "Talks resumed at the port."
    assert case["labels"] == []  # no lanes


def test_vis_lanes_in_the_order_asked_hold_their_items(rendered):
    case = _case(rendered, "vis-groups")
    assert [label["text"] for label in case["labels"]] == [lane.name for lane in LANES]
    items = _items(case)
    assert len(items) == 60 and all(item["onScreen"] for item in items.values())
    assert {i: item["group"] for i, item in items.items()} == {e["id"]: e["group"] for e in MANY}
    # Tokyo is 9 hours ahead of UTC: a day is still drawn on its own day
    assert {items[e["id"]]["day"] for e in MANY} == {e["date"]["value"] for e in MANY}


def test_vis_nothing_found_draws_an_empty_timeline(rendered):
    case = _case(rendered, "vis-empty")
    assert case["items"] == [] and case["labels"] == []


def test_vis_article_text_is_shown_as_text(rendered):
    case = _case(rendered, "vis-escaping")
    items = _items(case)
    assert items[1]["text"] == HOSTILE and items[1]["elements"] == 0
    assert items[2]["text"] == "Second <i>report</i>."
    assert [(label["text"], label["elements"]) for label in case["labels"]] == [(CREW, 0), ("Other & co", 0)]
