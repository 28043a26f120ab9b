"""The timelinejs export loads in TimelineJS3 itself.

``render_timeline(events, "timelinejs")`` is served with TimelineJS3's own
dist build (npm ``@knight-lab/timelinejs``, installed in tests/e2e/browser by
``tests/e2e/browser/setup.sh``) from a loopback http.server, and opened in
headless Debian chromium driven by playwright-core (render_page.mjs). The test
checks what TimelineJS drew: one slide and one time-nav marker per event, in
date order, headlines shown as text (the HTML in a summary stays inert), dates
worded at the event's own precision, actor groups, working source links, and
neither script errors nor requests leaving the loopback server.
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

from timeline_api.api.formats import render_timeline

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-browser")]

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
PAGE = "timelinejs.html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# guard against a hung browser; not a measurement
DRIVER_LIMIT_S = 90


def _event(event_id, value, start, end, granularity, summary, *, actors=(), mod=None, url=None, text=None):
    return {
        "id": event_id,
        "date": {"value": value, "start": start, "end": end, "granularity": granularity,
                 "text": text or value, "source": "explicit", "mod": mod},
        "summary": summary,
        "status": "occurred",
        "actors": [{"id": f"actor:{name.lower()}", "name": name, "kind": "organization"} for name in actors],
        "locations": [{"id": "geonames:2643743", "name": "London", "kind": "city", "qualifier": None}],
        "sources": [{"article_id": event_id, "url": url, "title": f"Report {event_id}",
                     "published_at": dt.datetime(2024, 12, 1, 9, 0), "start": 0, "end": len(summary),
                     "quote": summary}],
        "confidence": 0.9,
    }


EVENTS = [
    _event(1, "2021", "2021-01-01T00:00:00", "2022-01-01T00:00:00", "year",
           "The harbour authority was founded.", actors=["Harbour Authority"]),
    _event(2, "2022-Q3", "2022-07-01T00:00:00", "2022-10-01T00:00:00", "quarter",
           "Cargo volumes fell sharply.", actors=["Harbour Authority"]),
    _event(3, "2023-05", "2023-05-01T00:00:00", "2023-06-01T00:00:00", "month",
           "Dock workers voted for a strike.", actors=["Dockers Union"], mod="APPROX"),
    _event(4, "2023-W23", "2023-06-05T00:00:00", "2023-06-12T00:00:00", "week",
           "The strike closed three terminals.", actors=["Dockers Union"]),
    _event(5, "2023-06-14", "2023-06-14T00:00:00", "2023-06-15T00:00:00", "day",
           "Talks <b>resumed</b> & the <script>alert(1)</script> union said \"yes\".",
           actors=["Dockers Union"], url="https://news.example.test/talks?id=5&lang=en"),
    _event(6, "2023-06-20T14", "2023-06-20T14:00:00", "2023-06-20T15:00:00", "hour",
           "A deal was signed at the town hall."),
]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of tests/e2e/browser, plus /data.json from memory."""

    data: bytes = b"{}"

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.split("?")[0] == "/data.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.data)))
            self.end_headers()
            self.wfile.write(self.data)
            return
        super().do_GET()

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    node = shutil.which("node")
    missing = [what for what, ok in (
        ("node", node),
        (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
        ("tests/e2e/browser/node_modules", (BROWSER_DIR / "node_modules" / "@knight-lab" / "timelinejs").is_dir()),
        ("playwright-core", (BROWSER_DIR / "node_modules" / "playwright-core").is_dir()),
    ) if not ok]
    if missing:
        pytest.fail(f"browser test prerequisites missing: {', '.join(missing)}; "
                    "run tests/e2e/browser/setup.sh", pytrace=False)

    body, mimetype = render_timeline(EVENTS, "timelinejs", title="Harbour dispute")
    assert mimetype == "application/vnd.timelinejs+json"
    handler = type("Handler", (_Handler,), {"data": json.dumps(body).encode()})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(BROWSER_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    screenshot = tmp_path_factory.mktemp("timelinejs") / "timelinejs.png"
    try:
        proc = subprocess.run(
            [node, str(BROWSER_DIR / "render_page.mjs"),
             f"http://127.0.0.1:{server.server_address[1]}/{PAGE}", str(screenshot), "event-5"],
            cwd=BROWSER_DIR, capture_output=True, text=True, timeout=DRIVER_LIMIT_S,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    finally:
        server.shutdown()
        server.server_close()
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(f"driver gave no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    if result.get("fatal"):
        pytest.fail(f"browser run failed: {result['fatal']}\n{proc.stderr}", pytrace=False)
    result["screenshot"] = screenshot
    if os.environ.get("TIMELINEJS_SCREENSHOT"):  # keep the picture for a human look
        shutil.copy(screenshot, os.environ["TIMELINEJS_SCREENSHOT"])
    return result


def _slides(rendered) -> dict[str, dict]:
    return {slide["id"]: slide for slide in rendered["slides"]}


def test_timelinejs_loads_without_errors(rendered):
    assert rendered["state"] == {"state": "loaded", "error": None}
    assert rendered["pageErrors"] == []
    assert rendered["consoleErrors"] == []
    assert rendered["failedRequests"] == []
    # the page is self-contained: TimelineJS, its fonts and locale come from our server
    assert rendered["externalRequests"] == []
    assert rendered["screenshot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_event_becomes_a_slide_and_a_marker_in_date_order(rendered):
    ids = [f"event-{event['id']}" for event in EVENTS]
    assert [slide["id"] for slide in rendered["slides"]] == ["timeline-title", *ids]
    assert [marker["id"] for marker in rendered["markers"]] == [f"{i}-marker" for i in ids]
    slides = _slides(rendered)
    assert slides["timeline-title"]["headline"] == "Harbour dispute"
    assert slides["event-1"]["headline"] == "The harbour authority was founded."
    assert slides["event-6"]["headline"] == "A deal was signed at the town hall."


def test_summary_html_is_shown_as_text_not_markup(rendered):
    slide = _slides(rendered)["event-5"]
    assert slide["headline"] == 'Talks <b>resumed</b> & the <script>alert(1)</script> union said "yes".'
    assert slide["headlineElements"] == 0
    assert slide["links"] == ["https://news.example.test/talks?id=5&lang=en"]


def test_dates_are_shown_at_their_own_precision(rendered):
    dates = {sid: slide["date"] for sid, slide in _slides(rendered).items()}
    assert dates["event-1"] == "2021"
    assert dates["event-2"] == "Q3 2022"
    assert dates["event-3"] == "about May 2023"
    assert dates["event-4"] == "week of 5 June 2023"
    assert dates["event-5"] == "June 14, 2023"
    assert dates["event-6"] == "20 June 2023, 14:00 UTC"


def test_first_actor_groups_the_markers(rendered):
    # event 6 has no actor: TimelineJS puts it in a group of its own without a label
    assert sorted(rendered["groups"]) == ["", "Dockers Union", "Harbour Authority"]
