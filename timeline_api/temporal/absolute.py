"""Absolute date strings through dateparser, for the formats it is good at
(numeric dates in the locale's order, and whatever the grammar hands it).

dateparser is imported lazily on first use (about 0.2 s), so texts without such
strings never pay for it; results are cached.
"""
from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache

_PARSERS: dict = {}
_LOCK = threading.Lock()  # dateparser's parsers are not documented as thread-safe

# dateparser's period names -> our granularities
_PERIOD = {"day": "day", "month": "month", "year": "year", "week": "week", "time": "minute"}


def _parser(language: str, order: str):
    key = (language, order)
    p = _PARSERS.get(key)
    if p is None:
        from dateparser.date import DateDataParser

        p = _PARSERS[key] = DateDataParser(
            languages=[language],
            settings={"DATE_ORDER": order, "PREFER_DAY_OF_MONTH": "first",
                      "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": True})
    return p


@lru_cache(maxsize=4096)
def parse_absolute(s: str, language: str = "en", order: str = "MDY") -> tuple[dt.datetime, str] | None:
    """(datetime, granularity) of an absolute date string, or None."""
    try:
        with _LOCK:
            data = _parser(language, order).get_date_data(s)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.replace(tzinfo=None), _PERIOD.get(data.period or "day", "day")
