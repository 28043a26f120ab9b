"""POST /v1/resolve: the temporal tagger alone, stateless."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import (
    FlexibleDateTime,
    RequestSchema,
    ResponseSchema,
    language_field,
    require_text_within_limit,
)
from timeline_api.pipeline import clock
from timeline_api.temporal import resolve_timexes

blp = Blueprint("resolve", __name__, url_prefix="/v1/resolve", description="Temporal expressions in a text")

TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")


class ResolveRequestSchema(RequestSchema):
    class Meta:
        unknown = ma.RAISE

    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1))
    reference_date = FlexibleDateTime(
        required=True, keep_offset=True,
        metadata={"description": "The date relative expressions are resolved against; with an offset, on that "
                                 "clock (intervals come back with it)"})
    language = language_field()


class IntervalSchema(ResponseSchema):
    start = FlexibleDateTime(required=True, metadata={"description": "Inclusive, UTC"})
    end = FlexibleDateTime(required=True, metadata={"description": "Exclusive, UTC"})


class TimexSchema(ResponseSchema):
    start = ma.fields.Integer(required=True, metadata={"description": "Character offset in the text"})
    end = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(TIMEX_TYPES))
    value = ma.fields.String(required=True, metadata={"description": "TIMEX3 value"})
    mod = ma.fields.String(metadata={"description": "TIMEX3 mod, when the expression has one"})
    granularity = ma.fields.String()
    range_end = ma.fields.String(metadata={
        "description": "For a range ('from 1991 to 1997'): the TIMEX3 value of its end; `value` is its start "
                       "and `interval` covers the whole range"})
    # with a description apispec writes anyOf [Interval, null-object] in this order, which
    # generated clients read as an Interval (the other order types it as an empty object)
    interval = ma.fields.Nested(IntervalSchema, allow_none=True, required=True, metadata={
        "description": "The half-open interval the expression denotes; null for durations and sets"})


class ResolveResponseSchema(ResponseSchema):
    timexes = ma.fields.List(ma.fields.Nested(TimexSchema), required=True)


@blp.route("")
class Resolve(MethodView):
    @blp.arguments(ResolveRequestSchema)
    @blp.response(200, ResolveResponseSchema)
    @blp.doc(operationId="resolveTimexes")
    def post(self, data):
        """Find and normalise the temporal expressions of a text (TIMEX3)"""
        require_text_within_limit(data["text"])
        reference = data["reference_date"]
        timexes = resolve_timexes(data["text"], clock.wall_clock(reference), language=data["language"])
        offset = clock.offset_minutes(reference)
        return {"timexes": [_on_clock(t.to_dict(), t, offset) for t in timexes]}


def _on_clock(body: dict, timex, offset: int | None) -> dict:
    """A timex's interval on the reference's clock, with its offset when it had one."""
    if timex.interval is not None and offset is not None:
        body["interval"] = {"start": clock.iso_wall_clock(timex.interval[0], offset),
                            "end": clock.iso_wall_clock(timex.interval[1], offset)}
    return body
