"""Article -> dated events: the pure core of ingest.

One event per sentence and calendar date it names. The date comes from the
temporal tagger run once over the whole article (so anaphoric expressions see
the narrative), the actors and places from the entity matcher run once too;
both are then assigned to sentences by offset.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from timeline_api.entities import Entity, EntityMatcher, Mention
from timeline_api.pipeline.sentences import Sentence, split_sentences
from timeline_api.temporal import Timex, resolve_timexes

# The timeline speaks in these granularities, coarsest first; the tagger's
# finer vocabulary folds onto the nearest one that does not overstate precision.
TIMELINE_GRANULARITIES = ("year", "quarter", "month", "week", "day", "hour", "minute")
_FOLD = {
    "century": "year", "decade": "year", "half": "year", "season": "quarter",
    "part_of_day": "day", "second": "minute",
}
# how much to trust a date by how it was resolved
_CONFIDENCE = {"absolute": 0.9, "document": 0.8, "narrative": 0.7}
SUMMARY_CHARS = 280


@dataclass(frozen=True, slots=True)
class EventDate:
    value: str
    start: dt.datetime
    end: dt.datetime
    granularity: str
    text: str
    source: str  # "explicit" | "inferred"
    mod: str | None = None

    @property
    def granularity_rank(self) -> int:
        return TIMELINE_GRANULARITIES.index(self.granularity)


@dataclass(frozen=True, slots=True)
class PlaceLink:
    entity: Entity
    qualifier: str | None = None


@dataclass(slots=True)
class EventDraft:
    """An event as the pipeline proposes it, before it meets the store."""

    date: EventDate
    summary: str
    quote: str
    start: int  # sentence offsets in the article text
    end: int
    actors: list[Entity] = field(default_factory=list)
    locations: list[PlaceLink] = field(default_factory=list)
    # every place enclosing a location, for hierarchical filtering
    location_scope: list[Entity] = field(default_factory=list)
    confidence: float = 0.5
    status: str = "occurred"


@dataclass(slots=True)
class ArticleAnalysis:
    sentences: list[Sentence]
    timexes: list[Timex]
    mentions: list[Mention]
    events: list[EventDraft]


def timeline_granularity(granularity: str | None) -> str:
    g = _FOLD.get(granularity or "day", granularity or "day")
    return g if g in TIMELINE_GRANULARITIES else "day"


def summarise(sentence: str) -> str:
    text = " ".join(sentence.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text.rfind(" ", 0, SUMMARY_CHARS - 1)
    return text[: cut if cut > 0 else SUMMARY_CHARS - 1] + "…"


def _in(span_start: int, span_end: int, sentence: Sentence) -> bool:
    return sentence.start <= span_start and span_end <= sentence.end


def _event_date(timex: Timex) -> EventDate | None:
    if timex.type not in ("DATE", "TIME") or timex.interval is None:
        return None
    start, end = timex.interval
    return EventDate(
        value=timex.value, start=start, end=end,
        granularity=timeline_granularity(timex.granularity),
        text=timex.text, source="explicit", mod=timex.mod,
    )


def _status(date: EventDate, published_at: dt.datetime) -> str:
    if date.start >= published_at:
        return "planned"
    if date.end > published_at:
        return "ongoing"
    return "occurred"


def _entities_in(sentence: Sentence, mentions: list[Mention], matcher: EntityMatcher):
    actors: dict[str, Entity] = {}
    places: dict[str, PlaceLink] = {}
    scope: dict[str, Entity] = {}
    for mention in mentions:
        if not _in(mention.start, mention.end, sentence):
            continue
        entity = mention.entity
        if "actor" in mention.roles:
            actors.setdefault(entity.key, entity)
        if "location" in mention.roles:
            places.setdefault(entity.key, PlaceLink(entity, mention.qualifier))
            for ancestor in matcher.ancestors(entity.key):
                scope.setdefault(ancestor.key, ancestor)
    for key in places:
        scope.pop(key, None)
    return list(actors.values()), list(places.values()), list(scope.values())


def analyse_article(text: str, published_at: dt.datetime, matcher: EntityMatcher | None = None,
                    language: str = "en") -> ArticleAnalysis:
    """Find the dated events of an article. ``published_at`` is naive UTC."""
    matcher = matcher or EntityMatcher.default()
    sentences = split_sentences(text)
    timexes = resolve_timexes(text, published_at, language=language)
    mentions = matcher.find(text)
    events: list[EventDraft] = []
    for sentence in sentences:
        dates: dict[str, tuple[EventDate, Timex]] = {}
        for timex in timexes:
            if _in(timex.start, timex.end, sentence):
                date = _event_date(timex)
                if date is not None:
                    dates.setdefault(date.value, (date, timex))
        if not dates:
            continue
        actors, places, scope = _entities_in(sentence, mentions, matcher)
        for date, timex in dates.values():
            events.append(EventDraft(
                date=date, summary=summarise(sentence.text), quote=sentence.text,
                start=sentence.start, end=sentence.end,
                actors=actors, locations=places, location_scope=scope,
                confidence=_CONFIDENCE.get(timex.anchor, 0.6),
                status=_status(date, published_at),
            ))
    return ArticleAnalysis(sentences, timexes, mentions, events)
