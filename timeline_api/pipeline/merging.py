"""When are two reports the same happening? Conservative rules over dates, entities and wording."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]+|\d+")
_STOP = frozenset("""
a an the and or but of in on at to for from by with without into onto over under about after before
as is are was were be been being has have had do does did will would could should may might must can
that this these those it its it's he she they them their his her we our you your i me my
said says say told tell reported according also not no than then there here which who whom whose what when
where while other another some any all more most such only just very one two three new
""".split())

# Dates are compared as intervals, not as words.
_DATE_WORDS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
today yesterday tomorrow week month year day days weeks months years ago last next earlier later
""".split())

# Two wordings are one happening when most of the shorter one's content words are in the
# longer one (overlap coefficient), and they share enough words for that to mean something.
# Measured on ECB+ (bench/merge_eval.py, with the report window below): 0.5 gives pairwise
# P 90.5 / R 6.0, 0.4 gives 86.3 / 8.1 but merges "a car bomb exploded outside the market in
# Kirkuk" with "police arrested protesters outside the governor's office in Kirkuk" (three
# shared words of seven, two of them the place and "police"), and 0.3 merges across topics.
SIMILARITY_THRESHOLD = 0.5
MIN_SHARED_WORDS = 3
# A date inferred from the publication day stands for "on or shortly before the report": an
# explicit date in the week before it, or another report's inferred day within a week, can be
# the same happening ("checked into rehab on Thursday" / an undated report of it on Saturday).
REPORT_WINDOW = dt.timedelta(days=7)


def signature(text: str) -> frozenset[str]:
    """Content words, lower-cased and crudely singularised: the wording to compare."""
    out = set()
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        token = token.removesuffix("'s").strip("'-")
        if token in _STOP or token in _DATE_WORDS or len(token) < 3 or token.isdigit():
            continue
        if token.endswith("ies") and len(token) > 4:
            token = token[:-3] + "y"
        elif token.endswith("s") and not token.endswith("ss") and len(token) > 3:
            token = token[:-1]
        out.add(token)
    return frozenset(out)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient, 0.0 unless at least MIN_SHARED_WORDS are shared."""
    shared = len(a & b)
    if shared < MIN_SHARED_WORDS:
        return 0.0
    return shared / min(len(a), len(b))


@dataclass(frozen=True, slots=True)
class MergeView:
    """What merging needs to know of an event or a draft."""

    start: dt.datetime
    end: dt.datetime
    granularity_rank: int
    entity_keys: frozenset[str]
    words: frozenset[str]
    inferred: bool = False  # the date is the report's day, not one the text gives

    @property
    def search_window(self) -> tuple[dt.datetime, dt.datetime]:
        """The span a stored event must overlap to be compared with this one."""
        return self.start - REPORT_WINDOW, self.end + REPORT_WINDOW


@dataclass(frozen=True, slots=True)
class MergeDecision:
    """Why two reports are one happening: what they share, and how alike their wording is."""

    score: float
    reason: str


_DAY_RANK = 4  # granularity rank of a day (pipeline.events.TIMELINE_GRANULARITIES)


def date_relation(a: MergeView, b: MergeView) -> str | None:
    """How two reports' dates agree: ``nested`` (the same day, or a day inside the month
    reported elsewhere), ``report window`` (an inferred day and a date in the week before it,
    or two inferred days within a week), else None."""
    if (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end):
        return "nested"
    for x, y in ((a, b), (b, a)):
        if x.inferred and x.granularity_rank >= _DAY_RANK:
            if x.start - REPORT_WINDOW <= y.start and y.end <= x.end:
                return "report window"
            if y.inferred and y.granularity_rank >= _DAY_RANK and abs(y.start - x.start) <= REPORT_WINDOW:
                return "report window"
    return None


@dataclass(frozen=True, slots=True)
class DateBounds:
    """What the interval of a stored report must satisfy for ``date_relation`` to accept it with a
    given one, loosely (a superset: the rule itself decides): lie within [``within_from``,
    ``within_to``], or start by ``starts_by`` and end at ``ends_from`` or later. A store can check
    this in an index before it reads anything else of a candidate."""

    within_from: dt.datetime
    within_to: dt.datetime
    starts_by: dt.datetime
    ends_from: dt.datetime


# the longest interval of a day's rank or finer (a day; "tonight" and "10:30 p.m." are shorter)
_DAY_LENGTH = dt.timedelta(days=1)


def date_bounds(view: MergeView) -> DateBounds:
    """The loose bounds of the reports ``date_relation`` can accept with ``view``: nested inside it
    (or inside the week before an inferred day, or within a week of it); or around it (starting as
    late as a week after it, as an inferred day that it falls in the week before may)."""
    inferred_day = view.inferred and view.granularity_rank >= _DAY_RANK
    within_from = view.start - REPORT_WINDOW if inferred_day else view.start
    within_to = max(view.end, view.start + REPORT_WINDOW + _DAY_LENGTH) if inferred_day else view.end
    return DateBounds(within_from, within_to, view.start + REPORT_WINDOW, view.end)


def dates_compatible(a: MergeView, b: MergeView) -> bool:
    return date_relation(a, b) is not None


def decide(a: MergeView, b: MergeView) -> MergeDecision | None:
    """The merge of two reports when they are the same happening (all of: agreeing dates, a
    shared actor or place, alike wording), else None."""
    dates = date_relation(a, b)
    shared_entities = len(a.entity_keys & b.entity_keys)
    if dates is None or not shared_entities:
        return None
    score = similarity(a.words, b.words)
    if score < SIMILARITY_THRESHOLD:
        return None
    entities = f"{shared_entities} shared {'entity' if shared_entities == 1 else 'entities'}"
    return MergeDecision(round(score, 3), f"{entities}, dates {dates}, {len(a.words & b.words)} shared words")


def same_happening(a: MergeView, b: MergeView) -> bool:
    return decide(a, b) is not None


def best_match(view: MergeView, candidates: Iterable[tuple[object, MergeView]]):
    """(candidate, decision) for the candidate most similar to ``view`` among those that are
    the same happening, or None."""
    best = None
    for key, other in candidates:
        decision = decide(view, other)
        if decision is not None and (best is None or decision.score > best[1].score):
            best = (key, decision)
    return best
