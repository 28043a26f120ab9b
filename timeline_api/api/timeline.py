"""GET /v1/timeline: events in date order, filtered by actor, place and time."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from timeline_api.api.common import FlexibleDateTime, PageArgs, ResponseSchema, db_session, page_limit
from timeline_api.api.events import EventSchema, event_to_dict
from timeline_api.store import repository
from timeline_api.store.cursor import InvalidCursor
from timeline_api.store.repository import TimelineQuery

blp = Blueprint("timeline", __name__, url_prefix="/v1/timeline", description="Ordered timelines")


class TimelineArgs(PageArgs):
    actor = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
        metadata={"description": "Actor id, name or alias (case-insensitive); repeat for any of several"})
    location = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=255)), load_default=list,
        metadata={"description": "Place id, name or alias; includes places inside it; repeatable"})
    from_ = FlexibleDateTime(data_key="from", load_default=None,
                             metadata={"description": "Keep events whose interval ends after this instant"})
    to = FlexibleDateTime(load_default=None, metadata={"description": "Keep events whose interval starts before this instant"})
    order = ma.fields.String(load_default="asc", validate=ma.validate.OneOf(("asc", "desc")))

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


@blp.route("")
class Timeline(MethodView):
    @blp.arguments(TimelineArgs, location="query")
    @blp.response(200, TimelineSchema)
    @blp.doc(operationId="getTimeline")
    def get(self, args):
        """Events ordered by date, filtered by actor, location and interval overlap"""
        session = db_session()
        warnings: list[str] = []
        filters = {}
        for name in ("actor", "location"):
            refs = args[name]
            ids, unknown = repository.resolve_entity_refs(session, refs) if refs else ([], [])
            warnings += [f"No known {name} matches '{ref}'." for ref in unknown]
            if refs and not ids:
                return {"events": [], "next_cursor": None, "warnings": warnings}
            filters[name] = ids
        query = TimelineQuery(
            actors=filters["actor"], locations=filters["location"],
            date_from=args["from_"], date_to=args["to"],
            limit=page_limit(args), cursor=args["cursor"], order=args["order"],
        )
        try:
            events, next_cursor = query.run(session)
        except InvalidCursor as exc:
            abort(422, message=str(exc), errors={"cursor": [str(exc)]})
        body = {"events": [event_to_dict(e) for e in events], "next_cursor": next_cursor}
        if warnings:
            body["warnings"] = warnings
        return body
