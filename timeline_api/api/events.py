"""Events: the schema every timeline, article and event view shares, and GET /v1/events/{id}."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import FlexibleDateTime, ResponseSchema, db_session
from timeline_api.pipeline.events import TIMELINE_GRANULARITIES
from timeline_api.store import repository
from timeline_api.store.models import Event

blp = Blueprint("events", __name__, url_prefix="/v1/events", description="Dated events and their evidence")

GRANULARITIES = TIMELINE_GRANULARITIES


class EventDateSchema(ResponseSchema):
    value = ma.fields.String(required=True, metadata={"description": "TIMEX3 value: 2023-05-03, 2023-05, 2023-W18"})
    start = ma.fields.String(required=True, metadata={"description": "Interval start (inclusive), ISO 8601"})
    end = ma.fields.String(required=True, metadata={"description": "Interval end (exclusive), ISO 8601"})
    granularity = ma.fields.String(required=True, validate=ma.validate.OneOf(GRANULARITIES))
    text = ma.fields.String(allow_none=True, metadata={"description": "The expression the date comes from"})
    source = ma.fields.String(required=True, validate=ma.validate.OneOf(("explicit", "inferred")))
    mod = ma.fields.String(allow_none=True, metadata={"description": "TIMEX3 mod (BEFORE, AFTER, APPROX...)"})


class EntityRefSchema(ResponseSchema):
    id = ma.fields.String(required=True, metadata={"description": "Stable entity id, e.g. geonames:524901"})
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)


class LocationRefSchema(EntityRefSchema):
    qualifier = ma.fields.String(allow_none=True, metadata={"description": "e.g. 'southern'"})


class EventSourceSchema(ResponseSchema):
    article_id = ma.fields.Integer(required=True)
    url = ma.fields.String(allow_none=True)
    title = ma.fields.String(allow_none=True)
    published_at = FlexibleDateTime(required=True)
    start = ma.fields.Integer(required=True, metadata={"description": "Sentence start offset in the article text"})
    end = ma.fields.Integer(required=True, metadata={"description": "Sentence end offset (exclusive)"})
    quote = ma.fields.String(required=True)


class EventSchema(ResponseSchema):
    id = ma.fields.Integer(required=True)
    date = ma.fields.Nested(EventDateSchema, required=True)
    summary = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(("occurred", "planned", "ongoing")))
    actors = ma.fields.List(ma.fields.Nested(EntityRefSchema), required=True)
    locations = ma.fields.List(ma.fields.Nested(LocationRefSchema), required=True)
    sources = ma.fields.List(ma.fields.Nested(EventSourceSchema), required=True)
    confidence = ma.fields.Float(required=True)


def event_to_dict(event: Event) -> dict:
    """The contract's event shape from a loaded ORM event (relations eagerly loaded)."""
    return {
        "id": event.id,
        "date": {
            "value": event.date_value,
            "start": event.date_start.isoformat(),
            "end": event.date_end.isoformat(),
            "granularity": event.granularity,
            "text": event.date_text,
            "source": event.date_source,
            "mod": event.date_mod,
        },
        "summary": event.summary,
        "status": event.status,
        "actors": [{"id": link.entity.id, "name": link.entity.name, "kind": link.entity.kind}
                   for link in event.actor_links],
        "locations": [{"id": link.entity.id, "name": link.entity.name, "kind": link.entity.kind,
                       "qualifier": link.qualifier}
                      for link in event.location_links if link.direct],
        "sources": [{
            "article_id": source.article_id,
            "url": source.article.url,
            "title": source.article.title,
            "published_at": source.article.published_at,
            "start": source.start,
            "end": source.end,
            "quote": source.quote,
        } for source in event.sources],
        "confidence": round(event.confidence, 3),
    }


@blp.route("/<int(max=2147483647):event_id>")
class EventResource(MethodView):
    @blp.response(200, EventSchema)
    @blp.doc(operationId="getEvent")
    @blp.etag_from_store()
    def get(self, event_id: int):
        """One event with every source that reports it"""
        event = repository.get_event(db_session(), event_id)
        if event is None:
            abort(404, message=f"No event with id {event_id}.")
        return event_to_dict(event)
