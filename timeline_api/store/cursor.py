"""Opaque keyset cursors: the sort key of the last row of a page, base64url JSON."""
from __future__ import annotations

import base64
import json


class InvalidCursor(ValueError):
    pass


def encode_cursor(key: list) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:  # binascii.Error and JSONDecodeError are ValueErrors
        raise InvalidCursor("cursor is not one this service issued") from exc
    if not isinstance(key, list) or len(key) != arity:
        raise InvalidCursor("cursor is not one this service issued")
    return key
