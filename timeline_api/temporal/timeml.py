"""The TimeML view of tagged expressions: TIMEX3 elements as TimeML annotates them.

Our tagger gives a range ("from 1991 to 1997") as one expression with one
interval, which is what a timeline needs; TimeML has no range value and
annotates its two ends as two TIMEX3 around the connective. `timeml_timexes`
gives that reading (used by `timeline-api resolve --timeml` and by the TempEval
benchmark), and `to_timeml` the text with inline TIMEX3 tags.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from html import escape

from . import calendar as cal
from .types import Timex


def timeml_timexes(timexes: Iterable[Timex]) -> Iterator[Timex]:
    """The timexes with each range split into its start and its end."""
    for t in timexes:
        parts = t.extra.get("range_parts")
        if not parts:
            yield t
            continue
        for (a, b), value in zip(parts, (t.value, t.extra["range_end"]), strict=True):
            iv = cal.interval_of(value)
            yield replace(t, start=a, end=b, text=t.text[a - t.start:b - t.start], value=value,
                          granularity=iv[1] if iv else None, interval=iv[0] if iv else None,
                          extra={k: v for k, v in t.extra.items() if k not in ("range_end", "range_parts")})


def to_timeml(text: str, timexes: Iterable[Timex]) -> str:
    """``text`` with an inline ``<TIMEX3>`` element around each expression (tids t1, t2, ...)."""
    out, pos = [], 0
    for i, t in enumerate(timeml_timexes(timexes), 1):
        attrs = f'tid="t{i}" type="{t.type}" value="{escape(t.value)}"'
        if t.mod:
            attrs += f' mod="{t.mod}"'
        for k in ("freq", "quant"):
            if t.extra.get(k):
                attrs += f' {k}="{escape(str(t.extra[k]))}"'
        out.append(escape(text[pos:t.start], quote=False))
        out.append(f"<TIMEX3 {attrs}>{escape(t.text, quote=False)}</TIMEX3>")
        pos = t.end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)
