"""Events: the schema every timeline, article and event view shares, GET /v1/events/{id} and
POST /v1/events/{id}/split."""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import FlexibleDateTime, RequestSchema, ResponseSchema, db_session
from timeline_api.pipeline import clock
from timeline_api.pipeline.events import STATUSES, TIMELINE_GRANULARITIES
from timeline_api.registry import KINDS
from timeline_api.service import SourceRef, SplitError, split_event
from timeline_api.store import repository
from timeline_api.store.repository import EventRecord, SourceRow

blp = Blueprint("events", __name__, url_prefix="/v1/events", description="Dated events and their evidence")

GRANULARITIES = TIMELINE_GRANULARITIES
DATE_SOURCES = ("explicit", "inferred")


class EventDateSchema(ResponseSchema):
    value = ma.fields.String(required=True, metadata={"description": "TIMEX3 value: 2023-05-03, 2023-05, 2023-W18"})
    start = ma.fields.String(required=True, metadata={
        "format": "date-time",
        "description": "Interval start (inclusive), ISO 8601, on the clock of the article that dates it: with "
                       "its offset when it was published with one (2025-11-02T22:30:00-05:00), else UTC (Z)"})
    end = ma.fields.String(required=True, metadata={"format": "date-time",
                                                     "description": "Interval end (exclusive), ISO 8601, as start"})
    granularity = ma.fields.String(required=True, validate=ma.validate.OneOf(GRANULARITIES))
    text = ma.fields.String(allow_none=True, metadata={"description": "The expression the date comes from"})
    source = ma.fields.String(required=True, validate=ma.validate.OneOf(DATE_SOURCES))
    mod = ma.fields.String(allow_none=True, metadata={"description": "TIMEX3 mod (BEFORE, AFTER, APPROX...)"})


class EntityRefSchema(ResponseSchema):
    id = ma.fields.String(required=True, metadata={"description": "Stable entity id, e.g. geonames:524901"})
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))


class LocationRefSchema(EntityRefSchema):
    qualifier = ma.fields.String(allow_none=True, metadata={"description": "e.g. 'southern'"})
    # maps, calendars (GEO) and CSV exports place the event with these
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)


class EventSourceSchema(ResponseSchema):
    article_id = ma.fields.Integer(required=True)
    url = ma.fields.String(allow_none=True)
    title = ma.fields.String(allow_none=True)
    published_at = FlexibleDateTime(required=True)
    start = ma.fields.Integer(required=True, metadata={"description": "Sentence start offset in the article text"})
    end = ma.fields.Integer(required=True, metadata={"description": "Sentence end offset (exclusive)"})
    quote = ma.fields.String(required=True)


class MergeSchema(ResponseSchema):
    reason = ma.fields.String(required=True, metadata={
        "description": "What the reports share: '2 shared entities, dates nested, 5 shared words'"})
    score = ma.fields.Float(required=True, metadata={
        "description": "How alike their wording is (overlap of content words, 0-1); the weakest of the merges"})


class EventSchema(ResponseSchema):
    id = ma.fields.Integer(required=True)
    date = ma.fields.Nested(EventDateSchema, required=True)
    summary = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(STATUSES))
    actors = ma.fields.List(ma.fields.Nested(EntityRefSchema), required=True)
    locations = ma.fields.List(ma.fields.Nested(LocationRefSchema), required=True)
    sources = ma.fields.List(ma.fields.Nested(EventSourceSchema), required=True)
    confidence = ma.fields.Float(required=True)
    merge = ma.fields.Nested(MergeSchema, allow_none=True, required=True, metadata={
        "description": "Why the reports of several articles are this one event; null for one article's"})


def event_to_dict(event: EventRecord) -> dict:
    """The contract's event, as EventSchema dumps it (strings for dates, rounded scores), so the
    views send it as it is, without a second pass through the schema."""
    offset = event.date_offset
    return {
        "id": event.id,
        "date": {
            "value": event.date_value,
            "start": _wall_clock(event.date_start, offset),
            "end": _wall_clock(event.date_end, offset),
            "granularity": event.granularity,
            "text": event.date_text,
            "source": event.date_source,
            "mod": event.date_mod,
        },
        "summary": event.summary,
        "status": event.status,
        "actors": [{"id": a.entity_id, "name": a.name, "kind": a.kind} for a in event.actors],
        "locations": [{"id": p.entity_id, "name": p.name, "kind": p.kind, "qualifier": p.qualifier,
                       "latitude": p.latitude, "longitude": p.longitude}
                      for p in event.places if p.direct],
        "sources": [{
            "article_id": source.article_id,
            "url": source.url,
            "title": source.title,
            "published_at": _published_at(source),
            "start": source.start,
            "end": source.end,
            "quote": source.quote,
        } for source in event.sources],
        "confidence": round(event.confidence, 3),
        "merge": None if event.merge_reason is None else {"reason": event.merge_reason,
                                                           "score": round(event.merge_score, 3)},
    }


def _wall_clock(moment: dt.datetime, offset: int | None) -> str:
    # clock.iso_wall_clock, without making an aware datetime for the usual case of UTC
    return moment.isoformat() + "Z" if not offset else clock.iso_wall_clock(moment, offset)


def _published_at(source: SourceRow) -> str:
    """When the source's article was published, on the publisher's clock, as FlexibleDateTime
    writes it (``2025-11-02T23:45:00-05:00``; ``Z`` for UTC)."""
    if not source.published_offset:
        return source.published_at.isoformat() + "Z"
    return clock.from_utc(source.published_at, source.published_offset).isoformat()


@blp.route("/<int(max=2147483647):event_id>")
class EventResource(MethodView):
    @blp.response(200, EventSchema)
    @blp.doc(operationId="getEvent")
    @blp.etag_from_store()
    def get(self, event_id: int):
        """One event with every source that reports it"""
        event = repository.event_record(db_session(), event_id)
        if event is None:
            abort(404, message=f"No event with id {event_id}.")
        return event_to_dict(event)


class SourceRefSchema(RequestSchema):
    class Meta:
        unknown = ma.RAISE

    article_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2147483647))
    start = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=0),
                              metadata={"description": "The sentence's start offset; without it, every "
                                                       "source of that article"})


class SplitRequestSchema(RequestSchema):
    class Meta:
        unknown = ma.RAISE

    sources = ma.fields.List(ma.fields.Nested(SourceRefSchema), required=True,
                             validate=ma.validate.Length(min=1, max=500),
                             metadata={"description": "The sources to move out into a new event"})


class SplitResponseSchema(ResponseSchema):
    event = ma.fields.Nested(EventSchema, required=True, metadata={"description": "The event, without them"})
    split = ma.fields.Nested(EventSchema, required=True, metadata={"description": "The new event they make"})


@blp.route("/<int(max=2147483647):event_id>/split")
class EventSplit(MethodView):
    @blp.requires("admin")
    @blp.arguments(SplitRequestSchema)
    @blp.response(200, SplitResponseSchema)
    @blp.doc(operationId="splitEvent")
    def post(self, data, event_id: int):
        """Undo a merge: move some of an event's sources out into a new event"""
        session = db_session()
        refs = [SourceRef(r["article_id"], r["start"]) for r in data["sources"]]
        try:
            result = split_event(session, event_id, refs)
        except SplitError as exc:
            session.rollback()
            abort(422, message=str(exc), errors={"sources": [str(exc)]})
        if result is None:
            abort(404, message=f"No event with id {event_id}.")
        event, new = result
        return {"event": event_to_dict(repository.event_record(session, event.id)),
                "split": event_to_dict(repository.event_record(session, new.id))}
