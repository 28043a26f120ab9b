"""In-article merging: the indexed, incremental fold gives what comparing every pair gives."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline_api.entities import Entity
from timeline_api.pipeline import EventDate, EventDraft, Evidence
from timeline_api.pipeline.events import MERGE_WINDOW, merge_evidence
from timeline_api.pipeline.merging import MergeView, best_match, date_bounds, date_relation

ENTITIES = [Entity(f"org:e{i}", f"E{i}", "organization") for i in range(4)]
WORDS = ["strike", "drone", "depot", "fire", "vote", "court", "ruling", "flood", "bridge"]
DAY = dt.datetime(2024, 3, 1)


def _date(offset: int, granularity: str, source: str) -> EventDate:
    if granularity == "month":
        return EventDate("2024-03", DAY, dt.datetime(2024, 4, 1), "month", "March", source)
    start = DAY + dt.timedelta(days=offset)
    return EventDate(start.date().isoformat(), start, start + dt.timedelta(days=1), "day", None, source)


evidence_items = st.builds(
    lambda start, offset, granularity, source, actors, words: Evidence(
        start=start, end=start + 10, quote=" ".join(words), date=_date(offset, granularity, source),
        confidence=0.9, status="occurred", actors=actors, words=frozenset(words)),
    st.integers(0, 30), st.integers(0, 2), st.sampled_from(["day", "month"]),
    st.sampled_from(["explicit", "explicit", "inferred"]),
    st.lists(st.sampled_from(ENTITIES), max_size=2, unique=True),
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=6, unique=True),
)


def _pairwise_reference(evidence: list[Evidence]) -> list[EventDraft]:
    """The definition: each explicit item joins the most similar earlier explicit draft that
    is the same happening, comparing with every one of them, views rebuilt from scratch."""
    drafts: list[EventDraft] = []
    for item in evidence:
        if item.date.source == "explicit":
            candidates = [(d, d.merge_view()) for d in drafts
                          if d.first.date.source == "explicit" and d.first.start != item.start]
            found = best_match(item.merge_view(), candidates)
            if found is not None:
                found[0].evidence.append(item)
                continue
        drafts.append(EventDraft([item]))
    return drafts


def _shape(drafts: list[EventDraft]) -> list[list[int]]:
    return [[id(item) for item in draft.evidence] for draft in drafts]


@settings(max_examples=300, deadline=None)
@given(st.lists(evidence_items, max_size=25))
def test_merging_equals_the_pairwise_definition(evidence):
    assert _shape(merge_evidence(evidence)) == _shape(_pairwise_reference(evidence))


def _item(start, words, actor, day=0):
    return Evidence(start=start, end=start + 5, quote=words, date=_date(day, "day", "explicit"),
                    confidence=0.9, status="occurred", actors=[actor], words=frozenset(words.split()))


def test_a_caption_and_its_body_merge_across_other_happenings_of_the_same_actor():
    caption = _item(0, "drone strike oil depot fire", ENTITIES[0])
    # other happenings of the caption's actor in between, each told in words of its own
    others = [_item(10 + k, f"alpha{k} beta{k} gamma{k}", ENTITIES[0]) for k in range(MERGE_WINDOW - 1)]
    body = _item(5000, "drone strike hit oil depot fire", ENTITIES[0])
    drafts = merge_evidence([caption, *others, body])
    assert len(drafts) == MERGE_WINDOW and drafts[0].evidence == [caption, body]


def test_the_window_bounds_the_candidates_of_an_entity_in_a_very_long_article():
    caption = _item(0, "drone strike oil depot fire", ENTITIES[0])
    others = [_item(10 + k, f"alpha{k} beta{k} gamma{k}", ENTITIES[0]) for k in range(MERGE_WINDOW)]
    body = _item(5000, "drone strike hit oil depot fire", ENTITIES[0])
    assert len(merge_evidence([caption, *others, body])) == MERGE_WINDOW + 2


_BASE = dt.datetime(2024, 3, 1)
merge_views = st.builds(
    lambda start, length, rank, inferred: MergeView(
        _BASE + dt.timedelta(hours=start), _BASE + dt.timedelta(hours=start + length), rank, frozenset(),
        frozenset(), inferred),
    st.integers(-24 * 40, 24 * 40), st.sampled_from([1, 6, 24, 24 * 7, 24 * 31, 24 * 366, 24 * 3653]),
    st.integers(0, 6), st.booleans())


@settings(max_examples=1000, deadline=None)
@given(merge_views, merge_views)
def test_date_bounds_keep_every_report_the_date_rule_accepts(a, b):
    """The store prunes candidates by these bounds before the rule runs: it must never prune one
    the rule would accept (ranks of a day or finer last at most a day, as the pipeline makes them)."""
    if b.granularity_rank >= 4 and b.end - b.start > dt.timedelta(days=1):
        return
    if date_relation(a, b) is None:
        return
    bounds = date_bounds(a)
    assert (bounds.within_from <= b.start and b.end <= bounds.within_to) or (
        b.start <= bounds.starts_by and b.end >= bounds.ends_from)
