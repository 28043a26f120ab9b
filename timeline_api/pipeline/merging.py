"""When are two reports the same happening? Conservative rules over dates, entities and wording."""
from __future__ import annotations

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
SIMILARITY_THRESHOLD = 0.5
MIN_SHARED_WORDS = 3


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

    start: object  # datetime
    end: object
    granularity_rank: int
    entity_keys: frozenset[str]
    words: frozenset[str]


def dates_compatible(a: MergeView, b: MergeView) -> bool:
    """One interval contains the other: the same day, or a day inside the month reported elsewhere."""
    return (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)


def same_happening(a: MergeView, b: MergeView) -> bool:
    return (dates_compatible(a, b)
            and bool(a.entity_keys & b.entity_keys)
            and similarity(a.words, b.words) >= SIMILARITY_THRESHOLD)


def best_match(view: MergeView, candidates: Iterable[tuple[object, MergeView]]):
    """The candidate most similar to ``view`` among those that are the same happening, or None."""
    best, best_score = None, 0.0
    for key, other in candidates:
        if same_happening(view, other):
            score = similarity(view.words, other.words)
            if score > best_score:
                best, best_score = key, score
    return best
