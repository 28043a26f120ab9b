"""The shapes of the two widget exports, for the OpenAPI document: a client generated from
it gets typed TimelineJS slides and vis items. The renderers in ``api/formats.py`` write
them; the API tests validate what they write against these schemas (schemathesis checks
every response against the document too)."""
from __future__ import annotations

import marshmallow as ma

from timeline_api.api.common import ResponseSchema

_HTML = "HTML, escaped where it holds text from articles"


class TimelineJSDateSchema(ResponseSchema):
    """Only the parts the event's granularity knows."""

    year = ma.fields.Integer(required=True)
    month = ma.fields.Integer()
    day = ma.fields.Integer()
    hour = ma.fields.Integer()
    minute = ma.fields.Integer()


class TimelineJSTextSchema(ResponseSchema):
    headline = ma.fields.String(required=True, metadata={"description": _HTML})
    text = ma.fields.String(required=True, metadata={"description": _HTML})


class TimelineJSMediaSchema(ResponseSchema):
    url = ma.fields.String(required=True, metadata={"description": "The first source's quote as a <blockquote>"})
    caption = ma.fields.String(metadata={"description": "The source's title"})
    credit = ma.fields.String(metadata={"description": "The source's host and publication day"})
    link = ma.fields.String(metadata={"description": "The article (http or https)"})
    link_target = ma.fields.String()


class TimelineJSSlideSchema(ResponseSchema):
    unique_id = ma.fields.String(required=True, metadata={"description": "event-<id>, or no-events"})
    start_date = ma.fields.Nested(TimelineJSDateSchema, required=True)
    end_date = ma.fields.Nested(TimelineJSDateSchema, metadata={"description": "Inclusive, at the same precision"})
    display_date = ma.fields.String(metadata={"description": "Where TimelineJS cannot word the date itself"})
    text = ma.fields.Nested(TimelineJSTextSchema, required=True)
    media = ma.fields.Nested(TimelineJSMediaSchema)
    group = ma.fields.String(metadata={"description": "The entity asked for that the event matches"})
    autolink = ma.fields.Boolean(required=True)


class TimelineJSTitleSchema(ResponseSchema):
    unique_id = ma.fields.String(required=True)
    text = ma.fields.Nested(TimelineJSTextSchema, required=True)
    autolink = ma.fields.Boolean(required=True)


class TimelineJSSchema(ResponseSchema):
    title = ma.fields.Nested(TimelineJSTitleSchema,
                             metadata={"description": "Names the timeline and counts its events; absent when "
                                                      "nothing matches"})
    events = ma.fields.List(ma.fields.Nested(TimelineJSSlideSchema), required=True,
                            metadata={"description": "One slide per event; one no-events slide when nothing "
                                                     "matches"})


class VisGroupSchema(ResponseSchema):
    id = ma.fields.String(required=True)
    content = ma.fields.String(required=True, metadata={"description": _HTML})
    order = ma.fields.Integer(required=True, metadata={"description": "The order the entities were asked in"})


class VisItemSchema(ResponseSchema):
    id = ma.fields.Integer(required=True, metadata={"description": "The event's id"})
    content = ma.fields.String(required=True, metadata={"description": _HTML})
    start = ma.fields.String(required=True, metadata={
        "description": "A date (2023-05-03) for day precision and coarser, else a UTC date-time"})
    end = ma.fields.String(metadata={"description": "Exclusive; ranges only"})
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(("point", "range")))
    title = ma.fields.String(required=True, metadata={"description": "Tooltip: the date in words and the summary"})
    className = ma.fields.String(required=True, metadata={"description": "status-<status> date-<date source>"})
    group = ma.fields.String(metadata={"description": "Id of its group, when there are groups"})


class VisSchema(ResponseSchema):
    groups = ma.fields.List(ma.fields.Nested(VisGroupSchema),
                            metadata={"description": "One per entity asked for, when more than one was"})
    items = ma.fields.List(ma.fields.Nested(VisItemSchema), required=True)
