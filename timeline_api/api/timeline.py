"""GET /v1/timeline: events in date order, filtered by actor, place and time, a page at a
time; GET /v1/timeline.<format>: the whole filtered timeline (up to EXPORT_MAX_EVENTS),
streamed, for widgets (TimelineJS, vis), calendars (ICS), spreadsheets (CSV) and JSON lines.

Each export format is an operation of its own, so that a client generated from the OpenAPI
document knows each one's media type (one operation with six bodies gives generators a
body they cannot parse). The suffix is the format's name, the way a representation of one
resource is named (`timeline.ics` is also what calendar apps expect to subscribe to), and
`?format=` on /v1/timeline stays an alias of the same export for URLs already handed out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import marshmallow as ma
from flask import Response, request, stream_with_context
from flask.views import MethodView

from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import (
    FlexibleDateTime,
    PageArgs,
    RequestSchema,
    ResponseSchema,
    db_session,
    dumped,
    page_limit,
    settings,
)
from timeline_api.api.events import DATE_SOURCES, GRANULARITIES, STATUSES, EventSchema, event_to_dict
from timeline_api.api.formats import EXPORT_FORMATS, MIMETYPES, ExportContext, Group, render_timeline
from timeline_api.api.widget_schemas import TimelineJSSchema, VisSchema
from timeline_api.entities.normalize import MATCH_SCORES
from timeline_api.store import repository
from timeline_api.store.repository import TimelineQuery

blp = Blueprint("timeline", __name__, url_prefix="/v1", description="Ordered timelines")


class TimelineArgs(PageArgs):
    actor = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
        metadata={"description": "Actor id, name or alias as people write it (case, accents, legal forms, "
                                 "acronyms, nicknames, one typing error); repeat for any of several"})
    location = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
        metadata={"description": "Place id, name or alias, resolved as `actor` is; includes places inside it; "
                                 "repeatable"})
    match = ma.fields.String(load_default="smart", validate=ma.validate.OneOf(("smart", "exact")),
                             metadata={"description": "`exact`: actor and location values match an id, a name or "
                                                      "an alias only (case-insensitive), nothing looser"})
    from_ = FlexibleDateTime(data_key="from",
                             metadata={"description": "Keep events whose interval ends after this instant"})
    to = FlexibleDateTime(metadata={"description": "Keep events whose interval starts before this instant"})
    order = ma.fields.String(load_default="asc", validate=ma.validate.OneOf(("asc", "desc")))
    min_confidence = ma.fields.Float(validate=ma.validate.Range(min=0, max=1),
                                     metadata={"description": "Keep events at least this confident (0-1)"})
    date_source = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(DATE_SOURCES)),
                                 load_default=list, metadata={"description": "explicit and/or inferred"})
    status = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(STATUSES)), load_default=list)
    granularity = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(GRANULARITIES)), load_default=list)
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=200),
                         metadata={"description": "Words that must all occur in the summary"})
    article_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    source = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
                            metadata={"description": "Publishing source of the articles (e.g. Reuters)"})

    @ma.validates_schema
    def _range_is_ordered(self, data, **_kwargs):
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ma.ValidationError("'from' must be before 'to'.", field_name="from")


class ExportArgs(TimelineArgs):
    limit = ma.fields.Integer(
        validate=ma.validate.Range(min=1),
        metadata={"description": "At most this many events; the default and the cap are EXPORT_MAX_EVENTS "
                                 "(10000 unless the deployment sets it)"})


class FormatAlias(RequestSchema):
    # not in the OpenAPI document: generated clients call the export operations instead
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", *EXPORT_FORMATS)))


FORMAT_ALIAS = FormatAlias()


class ResolvedEntitySchema(ResponseSchema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    match = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(MATCH_SCORES)),
                             metadata={"description": "How the value met the entity: id, name, alias, normalised "
                                                      "(case, accents, punctuation, legal form), variant (acronym, "
                                                      "short form, surname, nickname, qualifier) or fuzzy"})
    score = ma.fields.Float(required=True, metadata={"description": "1 for an exact id or name, less for looser"})


class ResolvedQuerySchema(ResponseSchema):
    query = ma.fields.String(required=True, metadata={"description": "The actor or location value as sent"})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(("actor", "location")))
    entities = ma.fields.List(ma.fields.Nested(ResolvedEntitySchema), required=True,
                              metadata={"description": "What the timeline was filtered by; empty when nothing"})


class TimelineSchema(ResponseSchema):
    events = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True,
                                   metadata={"description": "Pass as `cursor` for the next page; null on the last"})
    resolved = ma.fields.List(ma.fields.Nested(ResolvedQuerySchema),
                              metadata={"description": "What each actor and location value resolved to"})
    warnings = ma.fields.List(ma.fields.String(),
                              metadata={"description": "Filter values that name no known entity, that name several, "
                                                       "or that matched only with a typing error"})


EXPORT_HEADERS = {
    "X-Total-Count": {"description": "How many events match (from the cursor on), beyond the limit too",
                      "schema": {"type": "integer"}},
    "Link": {"description": 'rel="next": the events after the limit, when more match', "schema": {"type": "string"}},
}
# Each export's body as the OpenAPI document declares it.
EXPORT_BODIES = {
    "timelinejs": {"application/vnd.timelinejs+json": {"schema": TimelineJSSchema}},
    "vis": {"application/vnd.vis-timeline+json": {"schema": VisSchema}},
    "csv": {"text/csv": {"schema": {"type": "string"}}},
    "ics": {"text/calendar": {"schema": {"type": "string"}}},
    # The same lines as text/plain when Accept asks for it (a browser tab shows it; clients
    # generated by openapi-python-client, which has no reader for x-ndjson, get text).
    "jsonl": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}},
}
EXPORT_SUMMARIES = {
    "timelinejs": "The whole filtered timeline as TimelineJS3 JSON (`new TL.Timeline(element, url)`)",
    "vis": "The whole filtered timeline as vis-timeline items, with a group per entity asked for",
    "csv": "The whole filtered timeline as CSV, one row per event",
    "ics": "The whole filtered timeline as an iCalendar feed to subscribe to",
    "jsonl": "The whole filtered timeline as JSON lines, one event per line",
}
EXPORT_DESCRIPTION = (
    "Streams every event that matches the filters, in timeline order, up to `limit` (at most "
    "EXPORT_MAX_EVENTS, 10000 unless the deployment sets it). `X-Total-Count` says how many match; when "
    "more match than were sent, the `Link` header (rel=\"next\") continues after the last one.")
WIDGET_FORMATS = ("timelinejs", "vis")


@dataclass(frozen=True)
class AskedEntity:
    """One actor or location value of the query, and what it resolved to (docs/entities.md)."""

    role: str  # "actor" or "location"
    resolution: repository.Resolution

    @property
    def query(self) -> str:
        return self.resolution.query

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.entity_id for m in self.resolution.best))


@dataclass(frozen=True)
class Lane:
    """A widget group: the events linked to any of ``entity_ids`` (a place: or to a place inside it)."""

    group: Group
    entity_ids: frozenset[str]


@blp.route("/timeline")
class Timeline(MethodView):
    @blp.arguments(TimelineArgs, location="query")
    @blp.response(200, TimelineSchema)
    @blp.doc(operationId="getTimeline")
    @blp.etag_from_store()
    def get(self, args):
        """Events ordered by date, filtered by actor, location and interval overlap

        A page at a time (`next_cursor`). The whole timeline in another format is an
        operation of its own: `/v1/timeline.timelinejs`, `.vis`, `.csv`, `.ics`, `.jsonl`.
        (`?format=` with one of those names answers as that operation, for URLs handed out
        before they existed.)
        """
        fmt = blp.ARGUMENTS_PARSER.parse(FORMAT_ALIAS, location="query")["format"]
        if fmt != "json":
            return export(fmt, args)
        session = db_session()
        asked = _resolve(session, args)
        query = _query(args, asked, page_limit(args))
        events, next_cursor = query.run(session) if query else ([], None)
        body = {"events": [event_to_dict(e) for e in events], "next_cursor": next_cursor}
        if asked:
            body["resolved"] = [_resolved(a) for a in asked]
        warnings = _warnings(asked)
        if warnings:
            body["warnings"] = warnings
        return dumped(body)


def _export_view(fmt: str) -> type[MethodView]:
    class Export(MethodView):
        @blp.arguments(ExportArgs, location="query")
        @blp.response(200)
        @blp.doc(operationId=f"export{fmt.capitalize()}", summary=EXPORT_SUMMARIES[fmt],
                 description=EXPORT_DESCRIPTION, responses={"200": {
                     "description": "OK", "headers": EXPORT_HEADERS, "content": EXPORT_BODIES[fmt]}})
        @blp.etag_from_store()
        def get(self, args):
            return export(fmt, args)

    Export.__name__ = f"Export{fmt.capitalize()}"
    return Export


for _fmt in EXPORT_FORMATS:
    blp.route(f"/timeline.{_fmt}", endpoint=f"timeline_{_fmt}")(_export_view(_fmt))


def _resolve(session, args) -> list[AskedEntity]:
    exact = args["match"] == "exact"
    return [AskedEntity(role, resolution) for role in ("actor", "location") if args[role]
            for resolution in repository.resolve_names(session, args[role], exact=exact)]


def _resolved(asked: AskedEntity) -> dict:
    return {"query": asked.query, "role": asked.role, "entities": [
        {"id": m.entity_id, "name": m.name, "kind": m.kind, "match": m.match, "score": m.score}
        for m in asked.resolution.best]}


def _warnings(asked: list[AskedEntity]) -> list[str]:
    return [w for a in asked if (w := _warning(a))]


def _warning(asked: AskedEntity) -> str | None:
    best = asked.resolution.best
    if not best:
        return f"No known {asked.role} matches '{asked.query}'."
    if len(best) > 1:
        names = ", ".join(f"{m.name} ({m.entity_id})" for m in best[:5])
        more = f" and {len(best) - 5} more" if len(best) > 5 else ""
        return f"'{asked.query}' is ambiguous: it matches {names}{more}; pass an id to pick one."
    if best[0].match == "fuzzy":
        return f"'{asked.query}' matched only with a typing error: {best[0].name} ({best[0].entity_id})."
    return None


def _query(args, asked: list[AskedEntity], limit: int) -> TimelineQuery | None:
    """The timeline query; None when every value of a role names no known entity (nothing matches)."""
    filters = {role: [i for a in asked if a.role == role for i in a.ids] for role in ("actor", "location")}
    if any(args[role] and not filters[role] for role in filters):
        return None
    return TimelineQuery(
        actors=filters["actor"], locations=filters["location"],
        date_from=args.get("from_"), date_to=args.get("to"), article_id=args.get("article_id"),
        min_confidence=args.get("min_confidence"), date_sources=args["date_source"], statuses=args["status"],
        granularities=args["granularity"], words=(args.get("q") or "").split(), sources=args["source"],
        limit=limit, cursor=args.get("cursor"), order=args["order"],
    )


def _lanes(asked: list[AskedEntity]) -> list[Lane]:
    """A lane per actor asked for when there are several, else per place; else none."""
    for role in ("actor", "location"):
        found = [a for a in asked if a.role == role and a.ids]
        if len(found) > 1:
            lanes: dict[str, Lane] = {}
            for a in found:  # in the order asked; a value naming an entity already there adds nothing
                lanes.setdefault(a.ids[0], Lane(Group(a.ids[0], a.query.strip()), frozenset(a.ids)))
            return list(lanes.values())
    return []


def _lane_of(event: repository.EventRecord, lanes: list[Lane]) -> str | None:
    # the places include those that enclose the named one, as the filter matches them
    linked = {a.entity_id for a in event.actors} | {p.entity_id for p in event.places}
    return next((lane.group.id for lane in lanes if lane.entity_ids & linked), None)


def _stream(query: TimelineQuery, limit: int, page_size: int, lanes: list[Lane]) -> Iterator[dict]:
    """The query's events in order, up to ``limit``, one keyset page at a time. Runs while the
    response is sent, in a session of its own (the view's closes when the view returns)."""
    session = db_session()
    remaining = limit
    while remaining > 0:
        page, next_cursor = replace(query, limit=min(page_size, remaining)).run(session)
        exported = [_exported(event, lanes) for event in page]
        # no transaction stays open while a slow client reads the page (it would hold its
        # locks and snapshot that long); the next page opens the next one
        session.rollback()
        session.expunge_all()
        yield from exported
        remaining -= len(page)
        if next_cursor is None:
            return
        query = replace(query, cursor=next_cursor)


def _exported(event, lanes: list[Lane]) -> dict:
    exported = event_to_dict(event)
    if lanes:
        exported["group"] = _lane_of(event, lanes)
    return exported


def _in_blocks(chunks: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    """The renderer's small chunks joined into blocks of about ``size`` bytes, one write each."""
    block: list[bytes] = []
    length = 0
    for chunk in chunks:
        data = chunk.encode("utf-8")
        block.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(block)
            block, length = [], 0
    if block:
        yield b"".join(block)


def _content_type(fmt: str) -> str:
    if fmt == "jsonl" and request.accept_mimetypes.best_match(("application/x-ndjson", "text/plain")) == "text/plain":
        return "text/plain; charset=utf-8"
    return MIMETYPES[fmt]


def export(fmt: str, args: dict) -> Response:
    """The whole filtered timeline in ``fmt``, streamed; counted first, for the title slide,
    X-Total-Count and the Link to what the limit leaves out."""
    session = db_session()
    asked = _resolve(session, args)
    cap = settings().export_max_events
    limit = min(args.get("limit") or cap, cap)
    query = _query(args, asked, limit)
    total = query.count(session) if query else 0
    next_cursor = query.cursor_after(session, limit) if query and total > limit else None
    lanes = _lanes(asked) if fmt in WIDGET_FORMATS else []
    names = [*args["actor"], *args["location"]]
    context = ExportContext(
        exported_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        title="Timeline: " + ", ".join(names) if names else "Timeline",
        total=total, limit=limit, groups=tuple(lane.group for lane in lanes), notes=tuple(_warnings(asked)),
        deployment_uid=repository.deployment(session).uid,
    )
    session.rollback()  # the view's reads are done: nothing stays open until the body is read
    events = _stream(query, limit, settings().max_page_size, lanes) if query else iter(())
    response = Response(stream_with_context(_in_blocks(render_timeline(events, fmt, context))),
                        content_type=_content_type(fmt))
    response.headers["X-Total-Count"] = str(total)
    if fmt in ("csv", "ics"):  # files people save or subscribe to
        response.headers["Content-Disposition"] = f'inline; filename="timeline.{fmt}"'
    if next_cursor:
        params = request.args.to_dict(flat=False)
        params["cursor"] = [next_cursor]
        response.headers["Link"] = f'<{request.base_url}?{urlencode(params, doseq=True)}>; rel="next"'
    return response
