"""Building blocks for rule modules: the Rule record, the normaliser result and the
resolution context handed to normalisers.

A language's grammar (``rules/<lang>.py``) is data: a dict of regex MACROS, a list of
RULES (pattern + normaliser), left/right MODIFIERS and a tense classifier. The engine
(``engine.py``) compiles it once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class R:
    """What a normaliser returns: the TIMEX3 attributes of one expression."""

    value: str
    type: str = "DATE"
    mod: str | None = None
    anchor: str = "absolute"  # absolute | document | narrative
    extra: dict | None = None
    # the span may be adjusted by the normaliser (relative to the match start/end)
    trim_start: int = 0
    trim_end: int = 0
    # a range: interval override (start, end) for "from March to May 2023"
    interval: tuple[dt.datetime, dt.datetime] | None = None
    # this expression may serve as the narrative anchor for later ones
    explicit: bool = True
    # a reporting period said to have ended ("the fourth quarter ended Sept. 30"),
    # whatever its calendar label
    ended: bool = False


@dataclass(slots=True)
class Rule:
    name: str
    pattern: str
    norm: Callable
    priority: int = 0
    flags: int = 0  # extra re flags; the engine always adds IGNORECASE
    # trigger kinds (letters of the grammar's TRIGGERS): the rule is only tried
    # near such a trigger; "" means everywhere
    kinds: str = ""


@dataclass
class Ctx:
    """Resolution context given to normalisers for one candidate."""

    text: str
    dct: dt.date | None
    start: int = 0
    end: int = 0
    # narrative anchor: (date, granularity) of the last explicit calendar date
    narrative: tuple[dt.date, str] | None = None
    tense_fn: Callable | None = None
    # the language tag as given ("en", "en-GB"): the region decides numeric date order
    language: str = "en"
    last_gran: str | None = None
    # the last reporting period (quarter or half) mentioned: earnings reports
    # compare it with "a year ago" / "the year-earlier period"
    period: tuple[dt.date, str] | None = None
    # the span of months under discussion when named after the last reporting
    # period ("For the nine months, ..."): "the year-earlier period" is that span
    span: str | None = None
    # the last explicit day (or finer) mentioned: clock times without a day refer to it
    last_day: dt.date | None = None
    last_day_end: int = 0  # where it was named
    _tense: object = field(default=False, repr=False)

    def tense(self) -> str | None:
        """'past', 'future', 'present' or None, from the verbs around the expression."""
        if self._tense is False:
            self._tense = self.tense_fn(self.text, self.start, self.end) if self.tense_fn else None
        return self._tense

    @property
    def base(self) -> tuple[dt.date, str] | None:
        """The narrative anchor, falling back to the document date."""
        if self.narrative:
            return self.narrative
        if self.dct:
            return (self.dct, "day")
        return None


class G(dict):
    """The groups of a rule match: ``g["name"]`` is None for absent groups,
    ``g.group(0)`` the matched text."""

    def __getitem__(self, k):
        return self.get(k)

    def group(self, k=0):
        return self.get(k)

    def groupdict(self):
        return {k: v for k, v in self.items() if isinstance(k, str)}

    @classmethod
    def of(cls, m, text: str | None = None) -> G:
        """Groups of a match; with ``text``, taken from it at the match's offsets
        (the engine matches some rules on the lower-cased text)."""
        if text is None:
            g = cls(m.groupdict())
            g[0] = m.group(0)
            return g
        g = cls()
        for name, idx in m.re.groupindex.items():
            a, b = m.span(idx)
            g[name] = text[a:b] if a >= 0 else None
        g[0] = text[m.start():m.end()]
        return g
