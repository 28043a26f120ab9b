"""Opaque keyset cursors: the sort key of the last row of a page, base64url JSON.

A cursor comes back from clients, so decoding checks each value against what that position
of the key must be (a row id, a timestamp, a name): a forged or damaged cursor is an
``InvalidCursor`` (a 400 for the client), never a query with an overflowing integer.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Sequence


class InvalidCursor(ValueError):
    def __init__(self, message: str = "The cursor is not one this service issued."):
        super().__init__(message)


def encode_cursor(key: list) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, readers: Sequence[Callable[[object], object]]) -> list:
    """The key a cursor holds, each value read by the reader of its position."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:  # binascii.Error and JSONDecodeError are ValueErrors
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
