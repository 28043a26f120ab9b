"""Export formats of GET /v1/timeline: pure functions from the contract's event
dicts (``timeline_api.api.events.event_to_dict``) to a response body.

No Flask, no database: ``render_timeline(events, fmt, title=...)`` returns
``(body, mimetype)``, where body is a ``dict`` for the JSON widget formats
(the view serialises it) and a ``str`` for the text formats. The plain
``json`` format is the view's own (marshmallow schema) and is not rendered here.

Decisions, so that every format tells the same story about a date:

* Intervals are the contract's half-open ``[date.start, date.end)``, on the wall clock of the
  article that dates the event, with its UTC offset when it was published with one
  (``2025-11-02T22:30:00-05:00``; naive means UTC). Every format keeps that clock: TimelineJS
  date parts and vis items are wall-clock times (vis with the offset), labels of times of day
  name the offset ("2 November 2025, 22:30 UTC-05:00"), ICS writes times of day in UTC and
  all-day dates on the article's calendar, CSV copies the contract's strings.
* **timelinejs** (TimelineJS3 JSON): ``start_date`` carries only the parts the
  granularity knows: year -> year; quarter and month -> year, month (a quarter
  starts at its first month); week and day -> year, month, day; hour -> + hour;
  minute -> + minute. ``end_date`` (TimelineJS: inclusive) is the last unit of
  that same precision inside the interval, given only when it differs from the
  start (a week ends on its 7th day, a quarter on its 3rd month, "2021-2023"
  on 2023). ``display_date`` is given only where TimelineJS cannot word the
  date itself: quarters ("Q2 2023"), weeks ("week of 1 May 2023"), TIMEX3
  modifiers ("about May 2023"), and times of day, which TimelineJS would show
  in the viewer's clock without a zone ("20 June 2023, 14:00 UTC"). The date expression as written in the article
  goes into the slide text. Headline and text are HTML-escaped; links only for
  http(s) URLs; ``autolink`` is off since the links are built here. ``group``
  is the first actor's name, omitted when the event has no actor.
* **vis** (vis-timeline DataSet): an event is a ``range`` when its interval
  lasts longer than one day (week, month, quarter, year, or a multi-day span),
  otherwise a ``point`` at its start. ``end`` is the half-open end (vis draws
  ranges up to that instant). Items are grouped by first actor; events without
  an actor go to the group ``"_none"``, because vis hides ungrouped items once
  groups are set. ``content`` and ``title`` are HTML-escaped.
* **csv**: RFC 4180 (CRLF, quoting by the csv module), a header row, lists
  joined with ``"; "``; text cells starting with ``= + - @``, tab or CR get a
  leading apostrophe so spreadsheets do not run them as formulas.
* **jsonl**: one contract event per line, datetimes as ISO 8601 with ``Z``,
  identical to the objects in the JSON format's ``events``.
* **ics**: RFC 5545. Day and coarser granularities are all-day events
  (``VALUE=DATE``, DTEND exclusive like the interval); hour and minute are UTC
  date-times. DTSTAMP is the latest source's ``published_at`` (the event was
  last revised when its newest report arrived), which keeps the output
  deterministic; the current time only when an event has no source. STATUS:
  planned and hypothetical -> TENTATIVE, otherwise CONFIRMED.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

FORMATS = ("json", "timelinejs", "vis", "csv", "jsonl", "ics")

MIMETYPES = {
    "timelinejs": "application/vnd.timelinejs+json",
    "vis": "application/vnd.vis-timeline+json",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "ics": "text/calendar; charset=utf-8",
}

CSV_COLUMNS = (
    "id", "date_value", "date_start", "date_end", "granularity", "date_source", "status", "confidence",
    "summary", "actors", "locations", "source_urls", "article_ids",
)

ICS_PRODID = "-//timeline-api//timeline-api//EN"
HEADLINE_LIMIT = 100
NO_GROUP = "_none"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# the TimelineJS date parts each granularity knows
_PARTS = {
    "year": ("year",),
    "quarter": ("year", "month"),
    "month": ("year", "month"),
    "week": ("year", "month", "day"),
    "day": ("year", "month", "day"),
    "hour": ("year", "month", "day", "hour"),
    "minute": ("year", "month", "day", "hour", "minute"),
}
_MOD_WORDS = {
    "BEFORE": "before", "AFTER": "after", "ON_OR_BEFORE": "on or before", "ON_OR_AFTER": "on or after",
    "LESS_THAN": "less than", "MORE_THAN": "more than", "EQUAL_OR_LESS": "at most", "EQUAL_OR_MORE": "at least",
    "START": "early", "MID": "mid", "END": "late", "APPROX": "about",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ICS_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def render_timeline(events: Sequence[dict], fmt: str, *, title: str | None = None) -> tuple[str | dict, str]:
    """Render contract event dicts as ``fmt``; returns ``(body, mimetype)``.

    ``title`` names the timeline (TimelineJS title slide, calendar name).
    Raises ``ValueError`` for ``"json"`` (the view's own) and unknown formats.
    """
    renderers = {
        "timelinejs": to_timelinejs,
        "vis": to_vis,
        "csv": to_csv,
        "jsonl": to_jsonl,
        "ics": to_ics,
    }
    if fmt not in renderers:
        raise ValueError(f"No renderer for format {fmt!r}; choose one of {', '.join(renderers)}.")
    return renderers[fmt](events, title=title), MIMETYPES[fmt]


# ------------------------------------------------------------------ shared pieces

def _parse(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return value


def _datetime(value: str | dt.datetime) -> dt.datetime:
    """A naive UTC datetime from the contract's ISO text (or a datetime)."""
    value = _parse(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _interval(event: dict) -> tuple[dt.datetime, dt.datetime]:
    """The event's interval on its own wall clock (the article's: "10:30 p.m." stays 22:30)."""
    return _parse(event["date"]["start"]).replace(tzinfo=None), _parse(event["date"]["end"]).replace(tzinfo=None)


def _offset(event: dict) -> dt.timedelta | None:
    """The UTC offset the event's interval is written in; None for a naive (UTC) interval."""
    return _parse(event["date"]["start"]).utcoffset()


def _zone_label(event: dict) -> str:
    """'UTC' or 'UTC-05:00', as a time of day is labelled."""
    offset = _offset(event)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _granularity(event: dict) -> str:
    granularity = event["date"].get("granularity") or "day"
    return granularity if granularity in _PARTS else "day"


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def headline(event: dict, limit: int = HEADLINE_LIMIT) -> str:
    """The summary on one line, cut at a word boundary to ``limit`` characters."""
    text = _clean(event.get("summary")) or date_label(event)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def date_label(event: dict) -> str:
    """The date in words at its own precision: '2023', 'Q2 2023', 'May 2023',
    'week of 1 May 2023', '3 May 2023', '3 May 2023, 14:05 UTC', with the
    TIMEX3 modifier in front ('about May 2023')."""
    start, _end = _interval(event)
    granularity = _granularity(event)
    day = f"{start.day} {_MONTHS[start.month - 1]} {start.year}"
    label = {
        "year": f"{start.year}",
        "quarter": f"Q{(start.month - 1) // 3 + 1} {start.year}",
        "month": f"{_MONTHS[start.month - 1]} {start.year}",
        "week": f"week of {day}",
        "day": day,
        "hour": f"{day}, {start:%H}:00 {_zone_label(event)}",
        "minute": f"{day}, {start:%H:%M} {_zone_label(event)}",
    }[granularity]
    mod = (event["date"].get("mod") or "").upper()
    return f"{_MOD_WORDS[mod]} {label}" if mod in _MOD_WORDS else label


def _names(refs: Iterable[dict], qualified: bool = False) -> list[str]:
    names = []
    for ref in refs or ():
        name = _clean(ref.get("name"))
        if qualified and ref.get("qualifier"):
            name = f"{name} ({_clean(ref['qualifier'])})"
        if name:
            names.append(name)
    return names


def _safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no javascript: links)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c.isspace() for c in url):
        return url
    return None


def _published(source: dict) -> dt.datetime | None:
    value = source.get("published_at")
    if not value:
        return None
    try:
        return _datetime(value)
    except (TypeError, ValueError):
        return None


def _with_offset(moment: dt.datetime, event: dict) -> str:
    """A wall-clock time of the event, ISO 8601 with the event's offset when it has one."""
    offset = _offset(event)
    return moment.isoformat() if offset is None else moment.replace(tzinfo=dt.timezone(offset)).isoformat()


def _iso_z(value: dt.datetime) -> str:
    """ISO 8601 with ``Z``, as the JSON format writes datetimes."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


# ------------------------------------------------------------------ TimelineJS3

def _truncate(moment: dt.datetime, granularity: str) -> dict[str, int]:
    return {part: getattr(moment, part) for part in _PARTS[granularity]}


def _timelinejs_dates(event: dict) -> tuple[dict, dict | None]:
    """start_date with only the known parts; end_date (inclusive) when the
    interval reaches past the start's own unit."""
    start, end = _interval(event)
    granularity = _granularity(event)
    start_date = _truncate(start, granularity)
    if end <= start:
        return start_date, None
    end_date = _truncate(end - dt.timedelta(microseconds=1), granularity)
    return start_date, (end_date if end_date != start_date else None)


def _timelinejs_text(event: dict, head: str) -> str:
    esc = html.escape
    parts = []
    summary = _clean(event.get("summary"))
    if summary and summary != head:
        parts.append(f"<p>{esc(summary)}</p>")
    facts = []
    date = event["date"]
    if date.get("text"):
        facts.append(f"Date: “{esc(_clean(date['text']))}” ({esc(date_label(event))}, {esc(date.get('source') or '')})")
    if event.get("status") and event["status"] != "occurred":
        facts.append(f"Status: {esc(event['status'])}")
    actors = _names(event.get("actors"))
    if actors:
        facts.append("Actors: " + esc(", ".join(actors)))
    places = _names(event.get("locations"), qualified=True)
    if places:
        facts.append("Places: " + esc(", ".join(places)))
    if facts:
        parts.append("<p>" + "<br>".join(facts) + "</p>")
    items = []
    for source in event.get("sources") or ():
        name = esc(_clean(source.get("title")) or _clean(source.get("url")) or f"article {source.get('article_id')}")
        url = _safe_url(source.get("url"))
        item = f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{name}</a>' if url else name
        published = _published(source)
        if published:
            item += f" ({published:%Y-%m-%d})"
        quote = _clean(source.get("quote"))
        if quote and quote != summary:
            item += f": “{esc(quote)}”"
        items.append(f"<li>{item}</li>")
    if items:
        parts.append("<p>Sources:</p><ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def to_timelinejs(events: Sequence[dict], *, title: str | None = None) -> dict:
    """TimelineJS3 JSON: ``{"title"?, "events": [slide, ...]}``."""
    slides = []
    for event in events:
        start_date, end_date = _timelinejs_dates(event)
        head = headline(event)
        slide: dict[str, Any] = {
            "unique_id": f"event-{event['id']}",
            "start_date": start_date,
            "text": {"headline": html.escape(head), "text": _timelinejs_text(event, head)},
            "autolink": False,
        }
        if end_date is not None:
            slide["end_date"] = end_date
        modified = (event["date"].get("mod") or "").upper() in _MOD_WORDS
        if modified or _granularity(event) in ("quarter", "week", "hour", "minute"):
            slide["display_date"] = date_label(event)
        actors = _names(event.get("actors"))
        if actors:
            slide["group"] = actors[0]
        slides.append(slide)
    body: dict[str, Any] = {"events": slides}
    if title:
        count = f"{len(slides)} event{'s' if len(slides) != 1 else ''}"
        body["title"] = {"unique_id": "timeline-title",
                         "text": {"headline": html.escape(_clean(title)), "text": f"<p>{count}</p>"}}
    return body


# ------------------------------------------------------------------ vis-timeline

def to_vis(events: Sequence[dict], *, title: str | None = None) -> dict:
    """vis-timeline DataSets: ``{"items": [...], "groups": [{"id", "content"}]}``."""
    items, groups = [], {}
    for event in events:
        start, end = _interval(event)
        actors = [a for a in event.get("actors") or () if _clean(a.get("name"))]
        if actors:
            group = str(actors[0].get("id") or _clean(actors[0]["name"]))
            groups.setdefault(group, html.escape(_clean(actors[0]["name"])))
        else:
            group = NO_GROUP
            groups.setdefault(group, "(no actor)")
        is_range = end - start > dt.timedelta(days=1)
        head = headline(event)
        item: dict[str, Any] = {
            "id": event["id"],
            "content": html.escape(head),
            "start": _with_offset(start, event),
            "group": group,
            "type": "range" if is_range else "point",
            "title": html.escape(f"{date_label(event)}: {_clean(event.get('summary')) or head}"),
            "className": f"status-{event.get('status') or 'occurred'} date-{event['date'].get('source') or 'explicit'}",
        }
        if is_range:
            item["end"] = _with_offset(end, event)
        items.append(item)
    return {"items": items, "groups": [{"id": gid, "content": content} for gid, content in groups.items()]}


# ------------------------------------------------------------------ CSV

def _cell(value: Any) -> Any:
    """Numbers as they are; text neutralised against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(events: Sequence[dict], *, title: str | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled
    writer.writerow(CSV_COLUMNS)
    for event in events:
        date = event["date"]
        sources = event.get("sources") or ()
        row = (
            event["id"], date.get("value"), date.get("start"), date.get("end"), date.get("granularity"),
            date.get("source"), event.get("status"), event.get("confidence"), event.get("summary"),
            "; ".join(_names(event.get("actors"))),
            "; ".join(_names(event.get("locations"))),
            "; ".join(s["url"] for s in sources if s.get("url")),
            "; ".join(str(s["article_id"]) for s in sources if s.get("article_id") is not None),
        )
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


# ------------------------------------------------------------------ JSON lines

def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _iso_z(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def to_jsonl(events: Sequence[dict], *, title: str | None = None) -> str:
    return "".join(json.dumps(_jsonable(event), ensure_ascii=False, separators=(",", ":")) + "\n"
                   for event in events)


# ------------------------------------------------------------------ iCalendar

def ics_escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma escaped, newlines as ``\\n``,
    other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _ICS_CONTROL.sub("", text.replace("\n", "\\n").replace("\t", " "))


def ics_fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (UTF-8), never
    splitting a character; continuation lines start with one space."""
    out, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _ics_description(event: dict) -> str:
    lines = [_clean(event.get("summary")), ""]
    date = event["date"]
    when = date_label(event)
    if date.get("text"):
        when += f" (“{_clean(date['text'])}”, {date.get('source') or 'explicit'} date)"
    lines.append(f"When: {when}")
    if event.get("status") and event["status"] != "occurred":
        lines.append(f"Status: {event['status']}")
    actors = _names(event.get("actors"))
    if actors:
        lines.append("Actors: " + ", ".join(actors))
    places = _names(event.get("locations"), qualified=True)
    if places:
        lines.append("Places: " + ", ".join(places))
    if event.get("confidence") is not None:
        lines.append(f"Confidence: {event['confidence']}")
    sources = event.get("sources") or ()
    if sources:
        lines += ["", "Sources:"]
        for source in sources:
            entry = "- " + (_clean(source.get("title")) or f"article {source.get('article_id')}")
            if source.get("url"):
                entry += f" <{_clean(source['url'])}>"
            published = _published(source)
            if published:
                entry += f" (published {published:%Y-%m-%d})"
            lines.append(entry)
            quote = _clean(source.get("quote"))
            if quote and quote != lines[0]:
                lines.append(f"  “{quote}”")
    return "\n".join(lines)


def _ics_dates(event: dict) -> list[str]:
    start, end = _interval(event)
    if _granularity(event) in ("hour", "minute"):
        offset = _offset(event) or dt.timedelta(0)  # a time of day on the article's clock, written in UTC
        start, end = start - offset, end - offset
        end = max(end, start + dt.timedelta(minutes=1))
        return [f"DTSTART:{start:%Y%m%dT%H%M%S}Z", f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
    first = start.date()
    last = end.date() if end.time() == dt.time() else end.date() + dt.timedelta(days=1)
    last = max(last, first + dt.timedelta(days=1))
    return [f"DTSTART;VALUE=DATE:{first:%Y%m%d}", f"DTEND;VALUE=DATE:{last:%Y%m%d}"]


def to_ics(events: Sequence[dict], *, title: str | None = None) -> str:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ICS_PRODID}", "CALSCALE:GREGORIAN"]
    if title:
        lines += [f"NAME:{ics_escape(_clean(title))}", f"X-WR-CALNAME:{ics_escape(_clean(title))}"]
    for event in events:
        published = [p for p in (_published(s) for s in event.get("sources") or ()) if p]
        stamp = max(published) if published else now
        lines += ["BEGIN:VEVENT", f"UID:event-{event['id']}@timeline-api", f"DTSTAMP:{stamp:%Y%m%dT%H%M%S}Z"]
        lines += _ics_dates(event)
        lines.append(f"SUMMARY:{ics_escape(headline(event))}")
        lines.append(f"DESCRIPTION:{ics_escape(_ics_description(event))}")
        places = _names(event.get("locations"))
        if places:
            lines.append(f"LOCATION:{ics_escape(', '.join(places))}")
        url = next((u for u in (_safe_url(s.get("url")) for s in event.get("sources") or ()) if u), None)
        if url:
            lines.append(f"URL:{url}")
        tentative = event.get("status") in ("planned", "hypothetical")
        lines.append(f"STATUS:{'TENTATIVE' if tentative else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)
