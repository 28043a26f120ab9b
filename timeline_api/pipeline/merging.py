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


# Across articles, for reports whose dates nest (``decide``), words are compared folded: the
# -ed / -ing forms of a word with the word ("checked", "checking", "check"), and the words of
# one kind of happening as reports vary them with one another (a family is compared as one
# word, its head). Written for this project:
# general news happenings, not the topics of a corpus; a word appears as ``signature`` leaves it
# (plural and possessive endings cut). Measured on ECB+ topics 1-35 (docs/benchmarks.md).
HAPPENING_FAMILIES = {
    "kill": "kill murder slay slain shoot shot gunned stab assassinate execute",
    "die": "die died dead death",
    "arrest": "arrest detain apprehend custody nab capture",
    "quake": "quake earthquake temblor tremor",
    "rehab": "rehab rehabilitation",
    "dismiss": "sack dismiss dismissal oust axe",
    "unveil": "unveil launch introduce debut unveiling",
    "buy": "buy bought purchase acquire acquisition takeover",
    "hire": "hire appoint appointment",
    "charge": "charge indict indictment accuse",
    "blast": "bomb bombing blast explosion explode",
    "attack": "attack assault raid",
    "resign": "resign resignation quit",
    "crash": "crash collide collision",
    "storm": "storm hurricane cyclone typhoon",
    "hijack": "hijack hijacking seize",
    "sentence": "sentence imprison jail prison",
}
_FAMILY_OF = {word: head for head, words in HAPPENING_FAMILIES.items() for word in words.split()}


def fold(word: str) -> str:
    """The word compared across articles: its happening family's head, else its stem."""
    if word in _FAMILY_OF:
        return _FAMILY_OF[word]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[:-len(suffix)]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # "stopped" -> "stop"
            for form in (stem, stem + "e"):  # "seized" -> "seize"
                if form in _FAMILY_OF:
                    return _FAMILY_OF[form]
            return stem if len(stem) >= 4 else word
    return word


def folded(words: frozenset[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


# Looser wordings across articles, only for reports of the same day (or a day within the other's
# interval: dates "nested"), measured on ECB+ topics 1-35 with TBAQ dating and the trial
# timelines held (docs/benchmarks.md): two shared entities and 3 shared words at 0.3 of the
# shorter wording; or a shared happening family and one more word at 0.2.
ENTITIES_THRESHOLD = 0.3
HAPPENING_THRESHOLD = 0.2


def wording(a: frozenset[str], b: frozenset[str], shared_entities: int = 1,
            across: bool = False) -> tuple[float, str] | None:
    """(overlap, what is shared) when two wordings can be one happening, else None. With
    ``across`` false the words as they are and the base rule; with it (reports of different
    articles whose dates nest) the words folded and the looser rules too."""
    if across:
        a, b = folded(a), folded(b)
    shared = a & b
    if not shared:
        return None
    score = len(shared) / min(len(a), len(b))
    if len(shared) >= MIN_SHARED_WORDS and score >= SIMILARITY_THRESHOLD:
        return score, f"{len(shared)} shared words"
    if not across:
        return None
    if shared_entities >= 2 and len(shared) >= MIN_SHARED_WORDS and score >= ENTITIES_THRESHOLD:
        return score, f"{len(shared)} shared words"
    happenings = sorted(shared & HAPPENING_FAMILIES.keys())
    if happenings and len(shared) >= 2 and score >= HAPPENING_THRESHOLD:
        return score, f"{len(shared)} shared words ('{happenings[0]}')"
    return None


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


# The store keeps a reason in 64 characters (events.merge_reason): the longest the rules can
# write, "99 shared entities, dates nested, 999 shared words ('sentence')", fits; a longer one
# (a hundred shared entities) is cut rather than refused.
REASON_MAX_CHARS = 64


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


def decide(a: MergeView, b: MergeView, across: bool = True) -> MergeDecision | None:
    """The merge of two reports when they are the same happening (all of: agreeing dates, a
    shared actor or place, alike wording), else None. ``across``: reports of different
    articles, where the wording is compared folded and, for nested dates, more loosely
    (``wording``); within one article, the base rule only."""
    dates = date_relation(a, b)
    shared_entities = len(a.entity_keys & b.entity_keys)
    if dates is None or not shared_entities:
        return None
    found = wording(a.words, b.words, shared_entities, across=across)
    if found is None:
        return None
    if across and dates != "nested":
        # a report window ("on or shortly before the report") keeps the base rule: looser
        # wordings there merged reports of other days (TBAQ dating lost 13 sentences)
        if (base := wording(a.words, b.words)) is None:
            return None
        found = base
    score, words = found
    entities = f"{shared_entities} shared {'entity' if shared_entities == 1 else 'entities'}"
    return MergeDecision(round(score, 3), f"{entities}, dates {dates}, {words}"[:REASON_MAX_CHARS])


def same_happening(a: MergeView, b: MergeView) -> bool:
    return decide(a, b) is not None


def best_match(view: MergeView, candidates: Iterable[tuple[object, MergeView]], across: bool = True):
    """(candidate, decision) for the candidate most similar to ``view`` among those that are
    the same happening, or None. ``across``: ``view`` and the candidates are reports of
    different articles (the store's); else of one article (see ``decide``)."""
    best = None
    for key, other in candidates:
        decision = decide(view, other, across)
        if decision is not None and (best is None or decision.score > best[1].score):
            best = (key, decision)
    return best
