"""Calendar arithmetic and TIMEX3 value <-> interval conversion.

Language independent. A *point* is a ``datetime.date`` (or ``datetime.datetime``)
plus a granularity name from ``types.GRANULARITIES``; ``fmt`` renders it as a
TIMEX3 value and ``interval_of`` turns a TIMEX3 value back into the half-open
interval it denotes.
"""
from __future__ import annotations

import datetime as dt
import re

SEASONS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # first month of each season
PARTS_OF_DAY = {"MO": (6, 12), "MI": (11, 13), "AF": (12, 18), "EV": (18, 24), "NI": (21, 30), "DT": (8, 18)}

# Order of fineness (index grows with fineness)
_FINE = {g: i for i, g in enumerate(
    ("century", "decade", "year", "half", "quarter", "season", "month", "week", "day",
     "part_of_day", "hour", "minute", "second"))}


def finer(a: str, b: str) -> str:
    """The finer of two granularities."""
    return a if _FINE.get(a, 0) >= _FINE.get(b, 0) else b


def is_finer(a: str, b: str) -> bool:
    return _FINE.get(a, 0) > _FINE.get(b, 0)


def add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    last = _month_len(y, m)
    return d.replace(year=y, month=m, day=min(d.day, last))


def _month_len(y: int, m: int) -> int:
    if m == 12:
        return 31
    return (dt.date(y, m + 1, 1) - dt.date(y, m, 1)).days


def add(d: dt.date, n: int | float, unit: str) -> dt.date:
    """Shift a date by n units (day, week, month, quarter, half, year, decade, century)."""
    if unit in ("day",):
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    if unit in ("hour", "minute", "second", "part_of_day"):
        secs = {"hour": 3600, "minute": 60, "second": 1, "part_of_day": 6 * 3600}[unit] * n
        if isinstance(d, dt.datetime):
            return d + dt.timedelta(seconds=secs)
        return d + dt.timedelta(days=int(secs // 86400))
    months = {"month": 1, "season": 3, "quarter": 3, "half": 6, "year": 12, "decade": 120,
              "century": 1200}[unit]
    return add_months(d, int(round(n * months)))


def season_of(d: dt.date) -> tuple[int, str]:
    """(year, code) of the meteorological season containing d; winter belongs to its December's year."""
    m = d.month
    if m in (12,):
        return d.year, "WI"
    if m in (1, 2):
        return d.year - 1, "WI"
    for code, first in (("SP", 3), ("SU", 6), ("FA", 9)):
        if first <= m < first + 3:
            return d.year, code
    raise AssertionError(m)


def fmt(d: dt.date, gran: str) -> str:
    """TIMEX3 value of the unit of granularity ``gran`` containing ``d``."""
    if gran == "century":
        return f"{d.year // 100:02d}"
    if gran == "decade":
        return f"{d.year // 10:03d}"
    if gran == "year":
        return f"{d.year:04d}"
    if gran == "half":
        return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
    if gran == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if gran == "season":
        y, code = season_of(d)
        return f"{y:04d}-{code}"
    if gran == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if gran == "week":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if gran in ("day", "part_of_day"):
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if gran == "hour":
        h = d.hour if isinstance(d, dt.datetime) else 0
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{h:02d}"
    if gran in ("minute", "second"):
        h, mi = (d.hour, d.minute) if isinstance(d, dt.datetime) else (0, 0)
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{h:02d}:{mi:02d}"
    raise ValueError(gran)


_VALUE = re.compile(
    r"^(?:(?P<cent>\d{2})|(?P<dec>\d{3})|(?P<year>\d{4})"
    r"(?:-(?:H(?P<half>[12])|Q(?P<q>[1-4])|(?P<season>SP|SU|FA|WI)|W(?P<week>\d{2})(?:-(?P<wd>[1-7]|WE))?"
    r"|(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?:(?P<pod>MO|MI|AF|EV|NI|DT)|XX(?::XX)?|(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?))?)?))?)$")


def _d(y, m=1, d=1):
    return dt.datetime(y, m, d)


def interval_of(value: str) -> tuple[tuple[dt.datetime, dt.datetime], str] | None:
    """((start, end), granularity) for a calendar TIMEX3 value, None when not anchored."""
    m = _VALUE.match(value)
    if not m:
        return None
    g = m.groupdict()
    try:
        if g["cent"]:
            c = int(g["cent"])
            return (_d(max(1, c * 100)), _d(c * 100 + 100)), "century"
        if g["dec"]:
            c = int(g["dec"])
            return (_d(max(1, c * 10)), _d(c * 10 + 10)), "decade"
        y = int(g["year"])
        if y == 0:
            return None
        if g["half"]:
            s = _d(y, 1 if g["half"] == "1" else 7)
            return (s, add_months(s, 6)), "half"
        if g["q"]:
            s = _d(y, 3 * int(g["q"]) - 2)
            return (s, add_months(s, 3)), "quarter"
        if g["season"]:
            s = _d(y, SEASONS[g["season"]])
            return (s, add_months(s, 3)), "season"
        if g["week"]:
            w = int(g["week"])
            s = dt.datetime.combine(dt.date.fromisocalendar(y, w, 1), dt.time())
            if g["wd"] == "WE":
                return (s + dt.timedelta(days=5), s + dt.timedelta(days=7)), "day"
            if g["wd"]:
                s = s + dt.timedelta(days=int(g["wd"]) - 1)
                return (s, s + dt.timedelta(days=1)), "day"
            return (s, s + dt.timedelta(days=7)), "week"
        if not g["month"]:
            return (_d(y), _d(y + 1)), "year"
        mo = int(g["month"])
        if not g["day"]:
            s = _d(y, mo)
            return (s, add_months(s, 1)), "month"
        s = _d(y, mo, int(g["day"]))
        if g["pod"]:
            a, b = PARTS_OF_DAY[g["pod"]]
            return (s + dt.timedelta(hours=a), s + dt.timedelta(hours=b)), "part_of_day"
        if g["hour"]:
            h = int(g["hour"])
            s = s + dt.timedelta(hours=h)
            if g["second"]:
                s = s + dt.timedelta(minutes=int(g["minute"]), seconds=int(g["second"]))
                return (s, s + dt.timedelta(seconds=1)), "second"
            if g["minute"]:
                s = s + dt.timedelta(minutes=int(g["minute"]))
                return (s, s + dt.timedelta(minutes=1)), "minute"
            return (s, s + dt.timedelta(hours=1)), "hour"
        return (s, s + dt.timedelta(days=1)), "day"
    except (ValueError, OverflowError):  # outside the calendar datetime can represent
        return None


_UNDATED_DAY = re.compile(r"^XXXX-\d\d-\d\d$")
_UNDATED_MONTH = re.compile(r"^XXXX-\d\d$")


def granularity_of(value: str) -> str | None:
    r = interval_of(value)
    if r:
        return r[1]
    # unanchored values still have a granularity
    if _UNDATED_DAY.match(value):
        return "day"
    if _UNDATED_MONTH.match(value):
        return "month"
    return None
