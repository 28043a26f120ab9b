"""Publication times with their UTC offset: the wall clock an article is written in.

An article published at ``2025-11-02T23:45:00-05:00`` speaks of "tonight" as the night of
2 November, and of "10:30 p.m." at its own offset. The pipeline works in that wall clock
(naive datetimes); the store orders by UTC and keeps the offset beside; the API writes
wall-clock times back with their offset. A time given without an offset is UTC, as before.
"""
from __future__ import annotations

import datetime as dt


def offset_minutes(moment: dt.datetime) -> int | None:
    """Minutes east of UTC of an aware datetime; None for a naive one."""
    offset = moment.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def wall_clock(moment: dt.datetime) -> dt.datetime:
    """The naive local time of ``moment`` (a naive one is taken as it is)."""
    return moment.replace(tzinfo=None)


def utc(moment: dt.datetime) -> dt.datetime:
    """Naive UTC, as the store keeps instants."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def zone(offset: int | None) -> dt.timezone:
    return dt.UTC if not offset else dt.timezone(dt.timedelta(minutes=offset))


def from_utc(moment: dt.datetime, offset: int | None) -> dt.datetime:
    """A stored naive UTC instant, aware in the offset it was given with (UTC without one)."""
    return moment.replace(tzinfo=dt.UTC).astimezone(zone(offset))


def iso_wall_clock(moment: dt.datetime, offset: int | None) -> str:
    """A wall-clock time as an RFC 3339 date-time: with its offset, ``Z`` when it has none
    (a time given without an offset is UTC)."""
    return moment.replace(tzinfo=zone(offset)).isoformat().replace("+00:00", "Z")
