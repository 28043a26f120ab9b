"""Value types of the temporal tagger: what it finds and how it resolved it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# TIMEX3 types as TimeML writes them.
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")

# Granularities a resolved DATE/TIME may carry, coarsest first.
GRANULARITIES = ("century", "decade", "year", "half", "quarter", "season", "month",
                 "week", "day", "part_of_day", "hour", "minute", "second")


@dataclass(frozen=True, slots=True)
class Timex:
    """One temporal expression found in a text.

    ``start``/``end`` are character offsets into the text given to the tagger
    (``text[start:end] == self.text``). ``interval`` is the half-open span of
    time the value denotes (naive datetimes), or None when the value is not
    anchored to the calendar (``XXXX-05-03``, ``PAST_REF``, durations, sets).
    """

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    granularity: str | None = None
    interval: tuple[dt.datetime, dt.datetime] | None = None
    # how the value was anchored: "absolute" (self-contained), "document"
    # (against the reference date) or "narrative" (against an earlier timex)
    anchor: str = "absolute"
    # extra TimeML attributes (freq, quant, beginPoint...) when relevant
    extra: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        """JSON form used by /v1/resolve and `timeline-api resolve`."""
        out = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "value": self.value,
            "interval": None
            if self.interval is None
            else {"start": self.interval[0].isoformat(), "end": self.interval[1].isoformat()},
        }
        if self.mod:
            out["mod"] = self.mod
        if self.granularity:
            out["granularity"] = self.granularity
        if self.extra.get("range_end"):
            out["range_end"] = self.extra["range_end"]
        return out
