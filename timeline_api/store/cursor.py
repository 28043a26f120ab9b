"""Opaque keyset cursors: the sort key of the last row of a page, signed.

A cursor is the key as JSON, signed (itsdangerous) with the deployment's secret and with
the query it pages through (its ``scope``: the filters, the order), so a cursor replayed
with other filters, or made up, is an ``InvalidCursor``: a 400 for the client, never a page
of another query. Decoding then reads each value by what its position must be (a row id,
a timestamp, a name), so even a cursor signed by mistake cannot reach SQL malformed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from itsdangerous import BadData, URLSafeSerializer


class InvalidCursor(ValueError):
    def __init__(self, message: str = "The cursor is not one this service issued for this query."):
        super().__init__(message)


def _serializer(secret: str, scope: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"timeline-api cursor {scope}")


def encode_cursor(key: list, *, secret: str, scope: str) -> str:
    return _serializer(secret, scope).dumps(key)


def decode_cursor(cursor: str, readers: Sequence[Callable[[object], object]], *, secret: str, scope: str) -> list:
    """The key a cursor holds, each value read by the reader of its position."""
    try:
        key = _serializer(secret, scope).loads(cursor)
    except (BadData, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidCursor() from exc
    if not isinstance(key, list) or len(key) != len(readers):
        raise InvalidCursor()
    try:
        return [read(value) for read, value in zip(readers, key, strict=True)]
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidCursor() from exc


def integer(low: int, high: int) -> Callable[[object], int]:
    """A reader of whole numbers in [low, high] (not booleans, not floats)."""
    def read(value: object) -> int:
        if type(value) is not int or not low <= value <= high:
            raise ValueError(value)
        return value
    return read


ROW_ID = integer(1, 2**31 - 1)  # the Integer primary keys


def text(max_length: int) -> Callable[[object], str]:
    def read(value: object) -> str:
        if not isinstance(value, str) or len(value) > max_length:
            raise ValueError(value)
        return value
    return read


def timestamp(value: object) -> dt.datetime:
    """A naive UTC timestamp as the store keeps them."""
    if not isinstance(value, str) or len(value) > 32:
        raise ValueError(value)
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is not None:
        raise ValueError(value)
    return parsed
