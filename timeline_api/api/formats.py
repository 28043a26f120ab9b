"""Export formats of the timeline: pure functions from the contract's event
dicts (``timeline_api.api.events.event_to_dict``) to the text of a response.

No request, no database: ``render_timeline(events, fmt, context)`` yields the
body chunk by chunk while it reads ``events``, which may be a generator (the
view streams the whole filtered timeline page by page), so an export holds
one event at a time, whatever its size. ``ExportContext`` carries what a
renderer knows besides the events: the title, how many events match, the
lanes (``Group``) and, for calendars, the export time and the deployment's id.
The plain ``json`` format is the view's own (marshmallow schema).

Decisions, so that every format tells the same story about a date:

* Intervals are the contract's half-open ``[date.start, date.end)``, on the wall clock of the
  article that dates the event, with its UTC offset (``2025-11-02T22:30:00-05:00``; ``Z``
  when the article came without one). A date of day precision or coarser has no time of day,
  so no offset: TimelineJS gets date parts, vis a date (``2023-05-03``), iCalendar an all-day
  ``VALUE=DATE``, each on the article's calendar day, drawn on that day in any viewer's zone.
  Times of day (hour, minute) are instants: vis and iCalendar get them with their offset or
  in UTC, and labels name the offset ("2 November 2025, 22:30 UTC-05:00").
* **timelinejs** (TimelineJS3 JSON): ``start_date`` carries only the parts the
  granularity knows: year -> year; quarter and month -> year, month (a quarter
  starts at its first month); week and day -> year, month, day; hour -> + hour;
  minute -> + minute. ``end_date`` (TimelineJS: inclusive) is the last unit of
  that same precision inside the interval, given only when it differs from the
  start (a week ends on its 7th day, a quarter on its 3rd month, "2021-2023"
  on 2023). ``display_date`` is given only where TimelineJS cannot word the
  date itself: quarters ("Q2 2023"), weeks ("week of 1 May 2023"), TIMEX3
  modifiers ("about May 2023"), and times of day, which TimelineJS would show
  in the viewer's clock without a zone ("20 June 2023, 14:00 UTC"). The title
  slide counts every event that matches, not the ones of a page. The media
  of a slide is its first source: the quote as a blockquote, linked to the
  article, with its title and publication day as caption and credit
  (TimelineJS would load a bare article URL as an image). Headline and text
  are HTML-escaped; links only for http(s) URLs; ``autolink`` is off since
  the links are built here. When nothing matches, one slide says so
  (TimelineJS refuses a timeline without events).
* Lanes: an event dict may carry ``group``, the id of one of the context's
  ``groups`` (the view sets it: the entity asked for that the event
  matches). TimelineJS gets the group's name; vis gets ``groups`` with an
  ``order``, so lanes stay in the order the entities were asked for. No
  groups, no lanes. (TimelineJS decodes a group name to text and then writes
  it as HTML, so its group is escaped twice.)
* **vis** (vis-timeline DataSet): an event is a ``range`` when its interval
  lasts longer than one day (week, month, quarter, year, or a multi-day span),
  otherwise a ``point`` at its start. ``end`` is the half-open end (vis draws
  ranges up to that instant). ``content`` and ``title`` are HTML-escaped.
* **csv**: RFC 4180 (CRLF, quoting by the csv module), a header row, one row
  per event, lists joined with ``"; "``. ``quote``, ``title``, ``url`` and
  ``published_at`` are the first source's (the one the summary comes from);
  ``latitude``/``longitude`` are the event's place (its most precise named
  place with coordinates, a city before its country, as in the calendar's GEO). Text cells starting with
  ``= + - @``, tab or CR get a leading apostrophe so spreadsheets do not run
  them as formulas.
* **jsonl**: one contract event per line, written by the JSON format's own
  schema, so identical to the objects in its ``events``.
* **ics**: RFC 5545, written by the ``icalendar`` package. Day and coarser
  granularities are all-day events (``VALUE=DATE``, DTEND exclusive like the
  interval); hour and minute are UTC date-times. UID is
  ``event-<id>-<deployment uid>@timeline-api`` (the deployment's uid is made
  once per database, so two deployments never share a UID, whatever host name
  they are reached by); DTSTAMP is the export time, as RFC 5545 asks of a
  published calendar; GEO is the event's place.
  STATUS: planned and hypothetical -> TENTATIVE, otherwise CONFIRMED.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import icalendar

from timeline_api.api.events import EventSchema

EXPORT_FORMATS = ("timelinejs", "vis", "csv", "jsonl", "ics")

MIMETYPES = {
    "timelinejs": "application/vnd.timelinejs+json",
    "vis": "application/vnd.vis-timeline+json",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "ics": "text/calendar; charset=utf-8",
}

CSV_COLUMNS = (
    "id", "date_value", "date_start", "date_end", "granularity", "date_text", "date_source", "status",
    "confidence", "summary", "actors", "actor_ids", "locations", "location_ids", "latitude", "longitude",
    "quote", "title", "url", "published_at", "source_count", "article_ids", "source_urls",
)

ICS_PRODID = "-//timeline-api//timeline-api//EN"
HEADLINE_LIMIT = 100
EMPTY_SLIDE_ID = "no-events"

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
_TIMES_OF_DAY = ("hour", "minute")
# the most precise first: where an event is put on a map (GEO, CSV coordinates)
_PLACE_PRECISION = {kind: rank for rank, kind in enumerate(("landmark", "city", "region", "country", "continent"))}
_MOD_WORDS = {
    "BEFORE": "before", "AFTER": "after", "ON_OR_BEFORE": "on or before", "ON_OR_AFTER": "on or after",
    "LESS_THAN": "less than", "MORE_THAN": "more than", "EQUAL_OR_LESS": "at most", "EQUAL_OR_MORE": "at least",
    "START": "early", "MID": "mid", "END": "late", "APPROX": "about",
}
_EVENT_FIELDS = frozenset(EventSchema().fields)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# TimelineJS picks a slide's media type by matching patterns against media.url, in order;
# every pattern it tries before "blockquote" that is not anchored at the start of the URL
# needs a ".", a "/" or an "f" ("iframe", "spotify", ".pdf", "imgur.com/", "/maps/@"), so a
# quote with those as character references (the same text once parsed) stays a blockquote.
_MEDIA_TYPE_TRIGGERS = re.compile(r"[./f]")
_SPACE = re.compile(r"\s")  # str.isspace's characters


@dataclass(frozen=True)
class Group:
    """A lane of a widget: the events of one of the entities the timeline was asked for."""

    id: str
    name: str


@dataclass(frozen=True)
class ExportContext:
    """What a rendering knows besides the events."""

    exported_at: dt.datetime  # DTSTAMP of the calendar; the day of TimelineJS's "nothing found" slide
    title: str = "Timeline"
    total: int | None = None  # events matching the filters, when counted
    limit: int | None = None  # at most this many are rendered
    groups: tuple[Group, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. filter values that name no known entity
    deployment_uid: str = "local"  # calendar UIDs: event-<id>-<deployment_uid>@timeline-api

    def shown(self) -> str | None:
        """'12 events', or '500 of 1,234 events' when the limit cuts the timeline."""
        if self.total is None:
            return None
        noun = "event" if self.total == 1 else "events"
        if self.limit is not None and self.total > self.limit:
            return f"{self.limit:,} of {self.total:,} {noun}"
        return f"{self.total:,} {noun}"


def render_timeline(events: Iterable[dict], fmt: str, context: ExportContext) -> Iterator[str]:
    """Render contract event dicts as ``fmt``, chunk by chunk (see the module's docstring).

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
    return renderers[fmt](events, context)


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


def _zone(event: dict) -> dt.tzinfo:
    """The zone the event's interval is written in (UTC for one written without an offset)."""
    return _parse(event["date"]["start"]).tzinfo or dt.UTC


def _zone_label(event: dict) -> str:
    """'UTC' or 'UTC-05:00', as a time of day is labelled."""
    offset = _zone(event).utcoffset(None)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _instant(moment: dt.datetime, event: dict) -> dt.datetime:
    """A wall-clock time of the event as the instant it is (aware)."""
    return moment.replace(tzinfo=_zone(event))


def _granularity(event: dict) -> str:
    granularity = event["date"].get("granularity") or "day"
    return granularity if granularity in _PARTS else "day"


def _iso_z(value: dt.datetime) -> str:
    """ISO 8601 with ``Z``, as the JSON format writes datetimes."""
    return _datetime(value).isoformat() + "Z"


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


def _day(moment: dt.date) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def date_label(event: dict) -> str:
    """The date in words at its own precision: '2023', 'Q2 2023', 'May 2023',
    'week of 1 May 2023', '3 May 2023', '3 May 2023, 14:05 UTC', with the
    TIMEX3 modifier in front ('about May 2023')."""
    start, _end = _interval(event)
    granularity = _granularity(event)
    label = {
        "year": f"{start.year}",
        "quarter": f"Q{(start.month - 1) // 3 + 1} {start.year}",
        "month": f"{_MONTHS[start.month - 1]} {start.year}",
        "week": f"week of {_day(start)}",
        "day": _day(start),
        "hour": f"{_day(start)}, {start:%H}:00 {_zone_label(event)}",
        "minute": f"{_day(start)}, {start:%H:%M} {_zone_label(event)}",
    }[granularity]
    mod = (event["date"].get("mod") or "").upper()
    return f"{_MOD_WORDS[mod]} {label}" if mod in _MOD_WORDS else label


def _names(refs: Iterable[dict] | None, qualified: bool = False) -> list[str]:
    names = []
    for ref in refs or ():
        name = _clean(ref.get("name"))
        if qualified and ref.get("qualifier"):
            name = f"{name} ({_clean(ref['qualifier'])})"
        if name:
            names.append(name)
    return names


def _ids(refs: Iterable[dict] | None) -> list[str]:
    return [str(ref["id"]) for ref in refs or () if ref.get("id")]


def _place(event: dict) -> dict | None:
    """The event's place on a map: its most precise named place with coordinates (a city
    before the country it is in), the first of those in the event's list."""
    located = [loc for loc in event.get("locations") or ()
               if loc.get("latitude") is not None and loc.get("longitude") is not None]
    return min(located, key=lambda loc: _PLACE_PRECISION.get(loc.get("kind"), len(_PLACE_PRECISION)), default=None)


def _safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no javascript: links)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not _SPACE.search(url):
        return url
    return None


def _published(source: dict) -> dt.datetime | None:
    """When the source was published, on its own clock (an article of 23:45 at -05:00 is of
    that day, not of the next in UTC)."""
    value = source.get("published_at")
    if not value:
        return None
    try:
        return _parse(value)
    except (TypeError, ValueError):
        return None


def _rfc3339(value: str | dt.datetime) -> str:
    """The contract's date-time as it is, its offset kept (``Z`` for UTC and for naive)."""
    moment = _parse(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat().replace("+00:00", "Z")


def _source_name(source: dict) -> str:
    return _clean(source.get("title")) or _clean(source.get("url")) or f"article {source.get('article_id')}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_array(prefix: str, items: Iterable[Any], suffix: str) -> Iterator[str]:
    """``prefix`` + the items as a JSON array's members + ``suffix``, one chunk per item."""
    yield prefix
    for index, item in enumerate(items):
        yield ("," if index else "") + _dumps(item)
    yield suffix


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
    for number, source in enumerate(event.get("sources") or ()):
        url = _safe_url(source.get("url"))
        name = esc(_source_name(source))
        item = f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{name}</a>' if url else name
        published = _published(source)
        if published:
            item += f" ({published:%Y-%m-%d})"
        quote = _clean(source.get("quote"))
        if number and quote and quote != summary:  # the first source's quote is the slide's media
            item += f": “{esc(quote)}”"
        items.append(f"<li>{item}</li>")
    if items:
        parts.append("<p>Sources:</p><ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def _timelinejs_media(event: dict) -> dict | None:
    """The first source as media: its quote, linked to the article."""
    sources = event.get("sources") or ()
    if not sources:
        return None
    source = sources[0]
    quote = _clean(source.get("quote")) or _clean(event.get("summary"))
    if not quote:
        return None
    inert = _MEDIA_TYPE_TRIGGERS.sub(lambda m: f"&#{ord(m.group())};", html.escape(quote))
    media: dict[str, Any] = {"url": f"<blockquote>{inert}</blockquote>", "caption": html.escape(_source_name(source))}
    url = _safe_url(source.get("url"))
    if url:
        media["link"] = url
        media["link_target"] = "_blank"
    published = _published(source)
    if published:
        media["credit"] = html.escape(f"{urlsplit(url).hostname}, {_day(published)}" if url else _day(published))
    return media


def _timelinejs_slide(event: dict, group_names: dict[str, str]) -> dict:
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
    if modified or _granularity(event) in ("quarter", "week", *_TIMES_OF_DAY):
        slide["display_date"] = date_label(event)
    media = _timelinejs_media(event)
    if media:
        slide["media"] = media
    group = group_names.get(event.get("group"))
    if group:
        # TimelineJS reads a group as HTML, takes its text (DOMParser), then writes that text
        # into the page as HTML: escaped once, "&lt;img onerror=…&gt;" would come back as a tag
        slide["group"] = html.escape(html.escape(_clean(group)))
    return slide


def _notes_html(context: ExportContext) -> str:
    return "".join(f"<p>{html.escape(note)}</p>" for note in context.notes)


def _empty_slide(context: ExportContext) -> dict:
    """TimelineJS shows an error for a timeline without events: one slide says what happened."""
    day = context.exported_at
    return {
        "unique_id": EMPTY_SLIDE_ID,
        "start_date": {"year": day.year, "month": day.month, "day": day.day},
        "display_date": "No events",
        "text": {"headline": html.escape(_clean(context.title)),
                 "text": "<p>No events match these filters.</p>" + _notes_html(context)},
        "autolink": False,
    }


def to_timelinejs(events: Iterable[dict], context: ExportContext) -> Iterator[str]:
    """TimelineJS3 JSON: ``{"title", "events": [slide, ...]}``; a single slide
    that says so, and no title slide, when nothing matches."""
    group_names = {group.id: group.name for group in context.groups}
    slides = (_timelinejs_slide(event, group_names) for event in events)
    first = next(slides, None)
    if first is None:
        yield _dumps({"events": [_empty_slide(context)]})
        return
    shown = context.shown()
    title = {"unique_id": "timeline-title", "autolink": False,
             "text": {"headline": html.escape(_clean(context.title)),
                      "text": (f"<p>{html.escape(shown)}</p>" if shown else "") + _notes_html(context)}}
    yield from _json_array('{"title":' + _dumps(title) + ',"events":[', itertools.chain([first], slides), "]}")


# ------------------------------------------------------------------ vis-timeline

def _vis_moment(moment: dt.datetime, event: dict) -> str:
    """A date for day precision and coarser (vis draws it on that day in any zone), else the
    instant with the article's offset."""
    if _granularity(event) in _TIMES_OF_DAY:
        return _instant(moment, event).isoformat().replace("+00:00", "Z")
    return moment.date().isoformat()


def _vis_item(event: dict) -> dict:
    start, end = _interval(event)
    is_range = end - start > dt.timedelta(days=1)
    head = headline(event)
    item: dict[str, Any] = {
        "id": event["id"],
        "content": html.escape(head),
        "start": _vis_moment(start, event),
        "type": "range" if is_range else "point",
        "title": html.escape(f"{date_label(event)}: {_clean(event.get('summary')) or head}"),
        "className": f"status-{event.get('status') or 'occurred'} date-{event['date'].get('source') or 'explicit'}",
    }
    if is_range:
        item["end"] = _vis_moment(end, event)
    if event.get("group") is not None:
        item["group"] = event["group"]
    return item


def to_vis(events: Iterable[dict], context: ExportContext) -> Iterator[str]:
    """vis-timeline DataSets: ``{"groups": [{"id", "content", "order"}], "items": [...]}``
    (``groups`` only when there are lanes)."""
    groups = [{"id": g.id, "content": html.escape(_clean(g.name)), "order": order}
              for order, g in enumerate(context.groups)]
    prefix = '{"groups":' + _dumps(groups) + "," if groups else "{"
    yield from _json_array(prefix + '"items":[', (_vis_item(event) for event in events), "]}")


# ------------------------------------------------------------------ CSV

def _cell(value: Any) -> Any:
    """Numbers as they are; text neutralised against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_row(event: dict) -> tuple:
    date = event["date"]
    sources = event.get("sources") or ()
    first = sources[0] if sources else {}
    published = _published(first) if first else None
    place = _place(event) or {}
    return (
        event["id"], date.get("value"), _rfc3339(date["start"]), _rfc3339(date["end"]), date.get("granularity"),
        date.get("text"), date.get("source"), event.get("status"), event.get("confidence"), event.get("summary"),
        "; ".join(_names(event.get("actors"))), "; ".join(_ids(event.get("actors"))),
        "; ".join(_names(event.get("locations"))), "; ".join(_ids(event.get("locations"))),
        place.get("latitude"), place.get("longitude"),
        first.get("quote"), first.get("title"), first.get("url"), _rfc3339(published) if published else None,
        len(sources),
        "; ".join(str(s["article_id"]) for s in sources if s.get("article_id") is not None),
        "; ".join(s["url"] for s in sources if s.get("url")),
    )


def to_csv(events: Iterable[dict], context: ExportContext) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled
    rows = itertools.chain([CSV_COLUMNS], (_csv_row(event) for event in events))
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()


# ------------------------------------------------------------------ JSON lines

def to_jsonl(events: Iterable[dict], context: ExportContext) -> Iterator[str]:
    """Each event as the JSON format's schema writes it (so not the view's ``group``). The
    view's dicts are in that form already; a datetime (a caller's own dicts) is written as the
    schema writes it."""
    for event in events:
        yield json.dumps({key: value for key, value in event.items() if key in _EVENT_FIELDS},
                         ensure_ascii=False, separators=(",", ":"), default=_iso_datetime) + "\n"


def _iso_datetime(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return _rfc3339(value)


# ------------------------------------------------------------------ iCalendar

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


def _ics_dates(event: dict) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    """All-day dates (DTEND exclusive) for a day and coarser; UTC instants below."""
    start, end = _interval(event)
    if _granularity(event) in _TIMES_OF_DAY:  # instants, written in UTC
        end = max(end, start + dt.timedelta(minutes=1))
        return _instant(start, event).astimezone(dt.UTC), _instant(end, event).astimezone(dt.UTC)
    first = start.date()
    last = end.date() if end.time() == dt.time() else end.date() + dt.timedelta(days=1)
    return first, max(last, first + dt.timedelta(days=1))


def _ics_event(event: dict, context: ExportContext) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event['id']}-{context.deployment_uid}@timeline-api")
    vevent.add("dtstamp", _datetime(context.exported_at).replace(tzinfo=dt.UTC, microsecond=0))
    start, end = _ics_dates(event)
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", headline(event))
    vevent.add("description", _ics_description(event))
    places = _names(event.get("locations"))
    if places:
        vevent.add("location", ", ".join(places))
    place = _place(event)
    if place:
        vevent.add("geo", (float(place["latitude"]), float(place["longitude"])))
    url = next((u for u in (_safe_url(s.get("url")) for s in event.get("sources") or ()) if u), None)
    if url:
        vevent.add("url", url)
    vevent.add("status", "TENTATIVE" if event.get("status") in ("planned", "hypothetical") else "CONFIRMED")
    return vevent


def to_ics(events: Iterable[dict], context: ExportContext) -> Iterator[str]:
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", ICS_PRODID)
    calendar.add("calscale", "GREGORIAN")
    title = _clean(context.title)
    if title:
        calendar.add("name", title)
        calendar.add("x-wr-calname", title)
    # the calendar's own lines, then each event's as it comes, then the closing line
    head, end_line = calendar.to_ical().decode("utf-8").rsplit("END:VCALENDAR", 1)
    yield head
    for event in events:
        yield _ics_event(event, context).to_ical().decode("utf-8")
    yield "END:VCALENDAR" + end_line
