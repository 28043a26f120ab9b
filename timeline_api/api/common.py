"""Pieces every resource shares: the request's database session, date fields, paging arguments."""
from __future__ import annotations

import datetime as dt
import re
from importlib.metadata import version

import marshmallow as ma
from flask import Response, current_app, g
from flask_smorest import abort
from sqlalchemy.orm import Session

from timeline_api.config import Settings
from timeline_api.pipeline import clock
from timeline_api.store.db import Database

API_VERSION = version("timeline-api")  # the spec is versioned with the package


def settings() -> Settings:
    return current_app.extensions["timeline_settings"]


def database() -> Database:
    return current_app.extensions["timeline_db"]


def db_session() -> Session:
    """The request's session, closed when the request ends."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session


def close_db_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


# Not only white space. Python and the ECMA dialect of the OpenAPI document disagree on
# what \s matches, so the space characters are listed; the same for the end of string.
NOT_BLANK = r"[\s\S]*[^ \t\n\r\f\v]"


# No database text type holds NUL, and UTF-8 has no lone surrogates (JSON's "\ud800"):
# each becomes U+FFFD, one character for one, so every offset stays as sent.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# No field takes anything deeper than a list of strings: deeper nesting is refused early,
# before anything walks it recursively.
MAX_NESTING = 32


def storable_text(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text)


def _storable(value, depth: int = 0):
    if isinstance(value, str):
        return storable_text(value)
    if depth >= MAX_NESTING and isinstance(value, (list, dict)):
        raise ma.ValidationError(f"Nested more than {MAX_NESTING} levels deep.", field_name="_schema")
    if isinstance(value, list):
        return [_storable(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_storable(k, depth + 1): _storable(v, depth + 1) for k, v in value.items()}
    return value


class RequestSchema(ma.Schema):
    """Base of what clients send: text is made storable (see _UNSTORABLE) before validation."""

    @ma.pre_load
    def _make_storable(self, data, **_kwargs):
        if not isinstance(data, (dict, list)) and hasattr(data, "multiple_keys"):
            # webargs' MultiDictProxy (query strings): read each key as the schema wants it
            data = {key: data[key] for key in data}
        return _storable(data)


class ResponseSchema(ma.Schema):
    """Base of what the API returns: documented without additionalProperties: false,
    so clients generated from the OpenAPI document accept fields added later."""

    class Meta:
        unknown = ma.EXCLUDE


# A valid date-time the store cannot hold; a rule beyond the document's `format: date-time`.
OUT_OF_CALENDAR = "Outside the years 1 to 9998 once converted to UTC."


class FlexibleDateTime(ma.fields.DateTime):
    """ISO 8601 date or date-time. With ``keep_offset`` (publication times, reference dates)
    an offset is kept (``2025-11-02T23:45:00-05:00`` stays at -05:00) and a time without one
    is naive, read as UTC; otherwise (filters) offsets are converted to naive UTC. Dumped
    values carry their offset, ``Z`` for UTC and for naive values."""

    default_error_messages = {"invalid": "Not a valid ISO 8601 date or date-time.",
                              "out_of_range": OUT_OF_CALENDAR}

    def __init__(self, *args, keep_offset: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_offset = keep_offset

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 64:
            raise self.make_error("invalid")
        text = value.strip()
        try:
            if len(text) == 10:
                parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
            else:
                parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        if parsed.tzinfo is not None:
            offset = parsed.utcoffset()
            if offset.seconds % 60 or abs(offset) >= dt.timedelta(hours=24):
                raise self.make_error("invalid")
            try:
                # "0001-01-01T00:00:00+14:00" is in year 0 in UTC: out of the calendar
                utc = clock.utc(parsed)
            except OverflowError:
                raise self.make_error("out_of_range") from None
            if not 1 <= utc.year <= 9998:
                raise self.make_error("out_of_range")
            parsed = parsed.astimezone(dt.timezone(offset)) if self.keep_offset else utc
        if not 1 <= parsed.year <= 9998:
            raise self.make_error("out_of_range")
        return parsed

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):  # ISO text from the pure core (e.g. a timex interval)
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat().replace("+00:00", "Z")


def language_field() -> ma.fields.String:
    """A BCP 47 tag of a language the tagger has a grammar for: English today; the
    region picks the numeric date order (en-US 5/3 is May 3, en-GB 3 May)."""
    return ma.fields.String(
        load_default="en", validate=ma.validate.Regexp(r"^en(-[A-Za-z]{2}|-[0-9]{3})?$",
                                                        error="Only English (en, en-US, en-GB, ...) is supported."),
        metadata={"description": "BCP 47 language tag; English (en, en-US, en-GB...) is supported today"})


class PageArgs(RequestSchema):
    limit = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=500),
        metadata={"description": "Page size (default 50, at most 500)"},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=512),
        metadata={"description": "Opaque cursor from a previous page's `next_cursor`"},
    )


def require_text_within_limit(text: str) -> None:
    """422 for a text longer than MAX_TEXT_CHARS: the tagger's work grows with it."""
    limit = settings().max_text_chars
    if len(text) > limit:
        abort(422, message=f"Text is longer than {limit} characters.",
              errors={"text": [f"Longer than the limit of {limit} characters."]})


def dumped(body: dict) -> Response:
    """The JSON response of a body already in the form its schema dumps (the view's
    ``@blp.response`` still documents the schema, and passes a Response through untouched):
    a page is serialised once, not built and then dumped again."""
    return current_app.json.response(body)


def page_limit(args: dict) -> int:
    limit = args.get("limit") or settings().default_page_size
    return min(limit, settings().max_page_size)
