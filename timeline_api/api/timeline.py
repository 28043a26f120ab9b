"""GET /v1/timeline: events in date order, filtered by actor, place and time."""
from __future__ import annotations

from urllib.parse import urlencode

import marshmallow as ma
from flask import Response, json, request
from flask.views import MethodView

from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import (
    FlexibleDateTime,
    PageArgs,
    ResponseSchema,
    db_session,
    page_limit,
)
from timeline_api.api.events import GRANULARITIES, EventSchema, event_to_dict
from timeline_api.api.formats import FORMATS, MIMETYPES, render_timeline
from timeline_api.pipeline.events import STATUSES
from timeline_api.store import repository
from timeline_api.store.repository import TimelineQuery

blp = Blueprint("timeline", __name__, url_prefix="/v1/timeline", description="Ordered timelines")


class TimelineArgs(PageArgs):
    actor = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
        metadata={"description": "Actor id, name or alias (case-insensitive); repeat for any of several"})
    location = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
        metadata={"description": "Place id, name or alias; includes places inside it; repeatable"})
    from_ = FlexibleDateTime(data_key="from",
                             metadata={"description": "Keep events whose interval ends after this instant"})
    to = FlexibleDateTime(metadata={"description": "Keep events whose interval starts before this instant"})
    order = ma.fields.String(load_default="asc", validate=ma.validate.OneOf(("asc", "desc")))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(FORMATS),
                              metadata={"description": "json (default), timelinejs, vis, csv, jsonl or ics"})
    min_confidence = ma.fields.Float(validate=ma.validate.Range(min=0, max=1),
                                     metadata={"description": "Keep events at least this confident (0-1)"})
    date_source = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(("explicit", "inferred"))),
                                 load_default=list, metadata={"description": "explicit and/or inferred"})
    status = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(STATUSES)),
                            load_default=list)
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


class TimelineSchema(ResponseSchema):
    events = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True,
                                   metadata={"description": "Pass as `cursor` for the next page; null on the last"})
    warnings = ma.fields.List(ma.fields.String(),
                              metadata={"description": "e.g. filter values that name no known entity"})


# The export formats, documented beside the JSON body; the widget formats are JSON
# of their own shapes, so they have media types of their own.
EXPORT_CONTENT = {
    mimetype.split(";")[0]: {"schema": {"type": "object" if mimetype.endswith("+json") else "string"}}
    for mimetype in MIMETYPES.values()
}


@blp.route("")
class Timeline(MethodView):
    @blp.arguments(TimelineArgs, location="query")
    @blp.response(200, TimelineSchema)
    @blp.doc(operationId="getTimeline", responses={"200": {"description": "OK",
                            "content": {"application/json": {"schema": TimelineSchema}, **EXPORT_CONTENT}}})
    @blp.etag_from_store()
    def get(self, args):
        """Events ordered by date, filtered by actor, location and interval overlap

        `format` picks the body: the JSON below (default), `timelinejs` (TimelineJS3),
        `vis` (vis-timeline items and groups), `csv`, `jsonl` or `ics` (iCalendar).
        For the export formats the next page's cursor is in the `Link` header (rel="next").
        """
        session = db_session()
        warnings: list[str] = []
        filters = {}
        events, next_cursor = [], None
        for name in ("actor", "location"):
            refs = args[name]
            ids, unknown = repository.resolve_entity_refs(session, refs) if refs else ([], [])
            warnings += [f"No known {name} matches '{ref}'." for ref in unknown]
            filters[name] = ids
        if all(filters[name] or not args[name] for name in ("actor", "location")):
            events, next_cursor = _page(session, args, filters)
        if args["format"] != "json":
            return _export(events, next_cursor, args)
        body = {"events": [event_to_dict(e) for e in events], "next_cursor": next_cursor}
        if warnings:
            body["warnings"] = warnings
        return body


def _page(session, args, filters):
    query = TimelineQuery(
        actors=filters["actor"], locations=filters["location"],
        date_from=args.get("from_"), date_to=args.get("to"), article_id=args.get("article_id"),
        min_confidence=args.get("min_confidence"), date_sources=args["date_source"], statuses=args["status"],
        granularities=args["granularity"], words=(args.get("q") or "").split(), sources=args["source"],
        limit=page_limit(args), cursor=args.get("cursor"), order=args["order"],
    )
    return query.run(session)


def _export(events, next_cursor: str | None, args) -> Response:
    names = [*args["actor"], *args["location"]]
    title = "Timeline: " + ", ".join(names) if names else "Timeline"
    body, mimetype = render_timeline([event_to_dict(e) for e in events], args["format"], title=title)
    data = json.dumps(body) if isinstance(body, dict) else body
    response = Response(data, mimetype=mimetype.split(";")[0], content_type=mimetype)
    if args["format"] in ("csv", "ics"):  # files people save or subscribe to
        response.headers["Content-Disposition"] = f'inline; filename="timeline.{args["format"]}"'
    if next_cursor:
        query = request.args.to_dict(flat=False)
        query["cursor"] = [next_cursor]
        response.headers["Link"] = f'<{request.base_url}?{urlencode(query, doseq=True)}>; rel="next"'
    return response
