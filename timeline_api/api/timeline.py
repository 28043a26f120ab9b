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
from timeline_api.entities.normalize import MATCH_SCORES
from timeline_api.pipeline.events import STATUSES
from timeline_api.store import repository
from timeline_api.store.repository import TimelineQuery

blp = Blueprint("timeline", __name__, url_prefix="/v1/timeline", description="Ordered timelines")


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
        resolved, warnings, filters = [], [], {}
        events, next_cursor = [], None
        for role in ("actor", "location"):
            refs = args[role]
            resolutions = repository.resolve_names(session, refs, exact=args["match"] == "exact") if refs else []
            filters[role] = list(dict.fromkeys(m.entity_id for r in resolutions for m in r.best))
            resolved += [_resolved(role, r) for r in resolutions]
            warnings += [w for r in resolutions if (w := _warning(role, r))]
        if all(filters[role] or not args[role] for role in ("actor", "location")):
            events, next_cursor = _page(session, args, filters)
        if args["format"] != "json":
            return _export(events, next_cursor, args)
        body = {"events": [event_to_dict(e) for e in events], "next_cursor": next_cursor}
        if resolved:
            body["resolved"] = resolved
        if warnings:
            body["warnings"] = warnings
        return body


def _resolved(role: str, resolution: repository.Resolution) -> dict:
    return {"query": resolution.query, "role": role, "entities": [
        {"id": m.entity_id, "name": m.name, "kind": m.kind, "match": m.match, "score": m.score}
        for m in resolution.best]}


def _warning(role: str, resolution: repository.Resolution) -> str | None:
    best = resolution.best
    if not best:
        return f"No known {role} matches '{resolution.query}'."
    if len(best) > 1:
        names = ", ".join(f"{m.name} ({m.entity_id})" for m in best[:5])
        more = f" and {len(best) - 5} more" if len(best) > 5 else ""
        return f"'{resolution.query}' is ambiguous: it matches {names}{more}; pass an id to pick one."
    if best[0].match == "fuzzy":
        return f"'{resolution.query}' matched only with a typing error: {best[0].name} ({best[0].entity_id})."
    return None


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
