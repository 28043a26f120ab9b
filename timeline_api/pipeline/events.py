"""Article -> dated events: the pure core of ingest.

Each sentence that reports a happening becomes evidence for an event:
- dated by the expression of its main clause (``explicit``), or, without one,
  by the narrative time: the last explicit date earlier in its paragraph, else
  the publication date (``inferred``, lower confidence);
- with the actors and places named in it;
- with a status (occurred, planned, ongoing) from tense and the date.
Evidence that reports the same happening twice in one article (a caption and
the body) is merged into one draft. The temporal tagger and the entity matcher
run once over the whole text, so anaphora ("two days later") see the narrative.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict, deque
from dataclasses import dataclass, field

from timeline_api.entities import Entity, EntityMatcher, Mention
from timeline_api.pipeline import clauses
from timeline_api.pipeline.budget import UNLIMITED, Budget
from timeline_api.pipeline.merging import MergeView, best_match, signature
from timeline_api.pipeline.sentences import Sentence, split_sentences
from timeline_api.temporal import Timex, resolve_timexes

# The timeline speaks in these granularities, coarsest first; the tagger's
# finer vocabulary folds onto the nearest one that does not overstate precision.
TIMELINE_GRANULARITIES = ("year", "quarter", "month", "week", "day", "hour", "minute")
_FOLD = {
    "century": "year", "decade": "year", "half": "year", "season": "quarter",
    "part_of_day": "day", "second": "minute",
}
# How much a date is trusted, by how it was found.
EXPLICIT_CONFIDENCE = {"absolute": 0.9, "document": 0.8, "narrative": 0.75}
INFERRED_FROM_PARAGRAPH = 0.5
INFERRED_FROM_PUBLICATION = 0.45  # lead and reporting sentences: news is about its own day
INFERRED_FALLBACK = 0.35
# What a source is reported to have said is a step less certain than what the report states.
REPORTED_DISCOUNT = 0.05
SUMMARY_CHARS = 280
# What a happening is to the report: done, under way, announced for later, or only possible
# (a conditional or a modal: "could face charges", "if the talks fail").
STATUSES = ("occurred", "ongoing", "planned", "hypothetical")


@dataclass(frozen=True, slots=True)
class EventDate:
    value: str
    start: dt.datetime
    end: dt.datetime
    granularity: str
    text: str | None
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
class Evidence:
    """One sentence reporting a happening, with the date and entities it gives it."""

    start: int  # sentence offsets in the article text
    end: int
    quote: str
    date: EventDate
    confidence: float
    status: str
    actors: list[Entity] = field(default_factory=list)
    locations: list[PlaceLink] = field(default_factory=list)
    scope: list[Entity] = field(default_factory=list)  # places enclosing the locations
    words: frozenset[str] = frozenset()

    def merge_view(self) -> MergeView:
        return MergeView(self.date.start, self.date.end, self.date.granularity_rank,
                         frozenset(e.key for e in self.actors) | frozenset(p.entity.key for p in self.locations),
                         self.words, self.date.source != "explicit")


def best_date(dates: list[EventDate]) -> EventDate:
    """The most precise date among a happening's sources: finer granularity wins,
    then explicit over inferred, then the earliest source."""
    return min(enumerate(dates), key=lambda pair: (-pair[1].granularity_rank,
                                                   pair[1].source != "explicit", pair[0]))[1]


@dataclass(slots=True)
class EventDraft:
    """An event as the pipeline proposes it: one happening, one or more evidence sentences."""

    evidence: list[Evidence]

    @property
    def first(self) -> Evidence:
        return self.evidence[0]

    @property
    def date(self) -> EventDate:
        return best_date([e.date for e in self.evidence])

    @property
    def summary(self) -> str:
        return summarise(self.first.quote)

    @property
    def status(self) -> str:
        return self.first.status

    @property
    def confidence(self) -> float:
        # one article: its sentences corroborate nothing; independent articles do (see corroborated)
        return max(e.confidence for e in self.evidence)

    @property
    def actors(self) -> list[Entity]:
        return list({e.key: e for ev in self.evidence for e in ev.actors}.values())

    @property
    def locations(self) -> list[PlaceLink]:
        return list({p.entity.key: p for ev in self.evidence for p in ev.locations}.values())

    @property
    def location_scope(self) -> list[Entity]:
        direct = {p.entity.key for p in self.locations}
        return list({e.key: e for ev in self.evidence for e in ev.scope if e.key not in direct}.values())

    def merge_view(self) -> MergeView:
        date = self.date
        keys = frozenset(e.key for e in self.actors) | frozenset(p.entity.key for p in self.locations)
        return MergeView(date.start, date.end, date.granularity_rank, keys,
                         frozenset().union(*(e.words for e in self.evidence)), date.source != "explicit")


@dataclass(slots=True)
class ArticleAnalysis:
    sentences: list[Sentence]
    timexes: list[Timex]
    mentions: list[Mention]
    events: list[EventDraft]


def corroborated(confidence: float, sources: int) -> float:
    """Each further independent article adds a little trust, never past 0.99."""
    return round(min(0.99, confidence + 0.05 * (sources - 1)), 3)


def timeline_granularity(granularity: str | None) -> str:
    g = _FOLD.get(granularity or "day", granularity or "day")
    return g if g in TIMELINE_GRANULARITIES else "day"


# Quotation marks that open and close; a sentence cut out of a longer quotation holds one
# of a pair ('We are back in the family,'' said Martonyi.').
_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("``", "''"))


def summarise(sentence: str) -> str:
    """The sentence on one line as it reads on its own: quotation marks balanced, and
    past SUMMARY_CHARS cut after a clause (else a word) and marked with an ellipsis."""
    text = " ".join(sentence.split())
    if len(text) > SUMMARY_CHARS:
        window = text[:SUMMARY_CHARS - 1]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < SUMMARY_CHARS // 2:
            cut = window.rfind(" ")
        text = text[:cut if cut > 0 else SUMMARY_CHARS - 1].rstrip(" ,;:") + "…"
    return _balanced(text)


def _balanced(text: str) -> str:
    for opening, closing in _QUOTE_PAIRS:
        opened, closed = text.count(opening), text.count(closing)
        if opening == "``":  # '' is also two apostrophes; only count it as a closer here
            closed = text.count("''")
        if closed > opened:
            text = opening + text
        elif opened > closed:
            text = text + closing
    if text.count('"') % 2:
        last = text.rfind('"')
        opens = last == 0 or text[last - 1].isspace()  # '...said "the suspect' opens; 'fled," police' closes
        text = text + '"' if opens else '"' + text
    return text


class _Spans:
    """Items with .start/.end, sorted by start; ``inside(a, b)`` finds those within [a, b)
    by bisection, so an article costs O(n log n) and not sentences x items."""

    def __init__(self, items):
        self.items = sorted(items, key=lambda item: item.start)
        self.starts = [item.start for item in self.items]

    def inside(self, a: int, b: int) -> list:
        out = []
        for i in range(bisect_left(self.starts, a), bisect_left(self.starts, b)):
            if self.items[i].end <= b:
                out.append(self.items[i])
        return out


def _datable(timex: Timex) -> bool:
    # durations and sets do not date events; undated values ("XXXX-05-03") cannot be placed
    return timex.type in ("DATE", "TIME") and timex.interval is not None


def _explicit_date(timex: Timex, mod: str | None) -> EventDate:
    start, end = timex.interval
    return EventDate(value=timex.value, start=start, end=end,
                     granularity=timeline_granularity(timex.granularity),
                     text=timex.text, source="explicit", mod=timex.mod or mod)


def _day_of(moment: dt.datetime, text: str | None = None) -> EventDate:
    day = dt.datetime.combine(moment.date(), dt.time())
    return EventDate(value=day.date().isoformat(), start=day, end=day + dt.timedelta(days=1),
                     granularity="day", text=text, source="inferred")


def _status(clause: str, date: EventDate, published_at: dt.datetime) -> str:
    if clauses.is_hypothetical(clause):
        return "hypothetical"
    if clauses.is_future(clause) or date.start > published_at:
        return "planned"
    if clauses.is_progressive(clause) or (date.start <= published_at < date.end and date.granularity_rank < 4):
        return "ongoing"
    return "occurred"


class _Entities:
    """Mentions assigned to sentences by offset, with their enclosing places."""

    def __init__(self, text: str, mentions: list[Mention], matcher: EntityMatcher):
        self.text = text
        self.mentions = _Spans(mentions)
        self.matcher = matcher

    def within(self, start: int, end: int):
        """Actors, named places and enclosing places of the span [start, end).

        Names that modify a noun ("iPhone 4 users") or complete one ("the price of the
        iPod") are bystanders, not actors of the happening."""
        actors: dict[str, Entity] = {}
        places: dict[str, PlaceLink] = {}
        scope: dict[str, Entity] = {}
        for mention in self.mentions.inside(start, end):
            entity = mention.entity
            # a country names its affiliates even as a modifier or complement ("US officials");
            # other names do not ("iPhone 4 users", "the price of the iPod")
            bystander = entity.kind != "country" and (
                clauses.modifies_next_noun(self.text[mention.end:mention.end + 40])
                or clauses.is_complement(self.text[start:mention.start]))
            if "actor" in mention.roles and not bystander:
                actors.setdefault(entity.key, entity)
            if "location" in mention.roles:
                places.setdefault(entity.key, PlaceLink(entity, mention.qualifier))
                for ancestor in self.matcher.ancestors(entity.key):
                    scope.setdefault(ancestor.key, ancestor)
        for key in places:
            scope.pop(key, None)
        return list(actors.values()), list(places.values()), list(scope.values())


_END_PUNCTUATION = (".", "!", "?", "\"", "”", "'", "’", "»")
# Which of a clause's dates is its happening's, best first (clauses.date_role).
_ROLE_RANK = {"main": 0, "modifier": 1, "bound": 2, "background": 3}


def _refined(chosen: Timex, others: list[Timex]) -> Timex:
    """A finer date inside the chosen one is the same happening told more precisely
    ("last month's strike, which began on 3 June"): the finest such date wins."""
    if chosen.anchor == "absolute" or chosen.granularity in ("day", "part_of_day", "hour", "minute", "second"):
        return chosen  # only a coarse deictic date ("last month's") yields to a calendar date
    finer = [t for t in others if t.anchor != "narrative" and any(ch.isdigit() for ch in t.text)
             and t.interval[0] >= chosen.interval[0] and t.interval[1] <= chosen.interval[1]
             and t.interval != chosen.interval]
    return min(finer, key=lambda t: (t.interval[1] - t.interval[0], t.start)) if finer else chosen


def _explicit_clause_dates(text: str, sentence: Sentence, timexes: _Spans):
    """(clause text, date, tagger anchor) for each clause of the sentence that a date expression dates.

    The main date of a clause is its first date outside relative clauses and not
    governed by a bounding preposition; then a bounded one ("since 2006", "by
    March", which keeps the bound as its mod); then whatever comes first.
    """
    dated = []
    for c_start, c_end in clauses.clause_spans(sentence.text):
        a, b = sentence.start + c_start, sentence.start + c_end
        relative = clauses.RelativeClauses(text[a:b])
        roles = [(_ROLE_RANK[clauses.date_role(text[max(a, t.start - 60):t.start], text[t.end:t.end + 60],
                                               relative.cover(t.start - a))], t)
                 for t in timexes.inside(a, b) if _datable(t)]
        if not roles:
            continue
        _, chosen = min(roles, key=lambda pair: (pair[0], pair[1].start))
        chosen = _refined(chosen, [t for _, t in roles])
        mod = clauses.governing_mod(text[max(a, chosen.start - 24):chosen.start])
        dated.append((text[a:b], _explicit_date(chosen, mod), chosen.anchor))
    # two dated happenings only when each clause can stand as one; else the first date dates the sentence
    if len(dated) > 1 and not all(clauses.has_verb(clause) for clause, _, _ in dated):
        dated = dated[:1]
    return dated


def analyse_article(text: str, published_at: dt.datetime, matcher: EntityMatcher | None = None,
                    language: str = "en", budget: Budget = UNLIMITED) -> ArticleAnalysis:
    """Find the dated events of an article. ``published_at`` is the publication time on the
    article's own wall clock (naive; see pipeline/clock.py), and so are the dates found.
    Raises ``AnalysisTooLong`` when the work outgrows ``budget`` (checked between steps, each
    of which is linear in the text, and per sentence)."""
    matcher = matcher or EntityMatcher.default()
    sentences = split_sentences(text)
    budget.check()
    timexes = resolve_timexes(text, published_at, language=language)
    budget.check()
    mentions = matcher.find(text)
    budget.check()
    entities = _Entities(text, mentions, matcher)
    timex_spans = _Spans(timexes)
    evidence: list[Evidence | _Undated] = []
    narrative: EventDate | None = None  # last explicit date of the current paragraph
    paragraph = -1
    date_lines = {i for i, s in enumerate(sentences) if _is_date_line(s, timex_spans)}
    headlines = _headline_lines(text, sentences)
    for index, sentence in enumerate(sentences):
        budget.check()
        if sentence.paragraph != paragraph:
            paragraph, narrative = sentence.paragraph, None
        if index in date_lines:
            continue
        captioned = index + 1 in date_lines and sentences[index + 1].paragraph == sentence.paragraph
        if captioned:
            # a caption followed by its date line ("Troops enter the city. 3 May 2023."):
            # the date line dates it, and a dated caption records a happening
            date_line = sentences[index + 1]
            span = Sentence(sentence.start, date_line.end, text[sentence.start:date_line.end], sentence.paragraph)
            dated = _explicit_clause_dates(text, date_line, timex_spans)
        else:
            span = sentence
            dated = _explicit_clause_dates(text, sentence, timex_spans)
        headline = index in headlines
        reports = clauses.is_headline_report(sentence.text) if headline else clauses.reports_happening(sentence.text)
        if not captioned and not reports:
            if dated:
                narrative = dated[-1][1]
            continue
        actors, places, scope = entities.within(span.start, span.end)
        words = signature(span.text)  # the quote's words: what the store keeps and merging compares
        if not dated:
            if not clauses.is_stative(sentence.text):  # a description, not a happening: nothing to date
                evidence.append(_Undated(sentence, index, narrative, span, actors, places, scope, words))
            continue
        narrative = dated[-1][1]
        speech = None if captioned or headline else _ReportedSpeech.find(text, sentence, timex_spans, entities)
        discount = 0.0
        if speech is not None:  # the saying first: in the lead, its day is the story's (_story_time)
            evidence.append(speech.saying(index, words, published_at))
            dated, (actors, places, scope) = speech.said_dates, speech.said_entities
            discount = REPORTED_DISCOUNT
        for clause, date, anchor in dated:
            evidence.append(Evidence(
                start=span.start, end=span.end, quote=span.text, date=date,
                confidence=EXPLICIT_CONFIDENCE.get(anchor, 0.6) - discount,
                status=_status(clause, date, published_at),
                actors=actors, locations=places, scope=scope, words=words,
            ))
    # the day the lead reports dates the undated sentences before it too (a headline)
    story = _story_time(evidence, published_at)
    evidence = [item.dated(story, published_at) if isinstance(item, _Undated) else item for item in evidence]
    return ArticleAnalysis(sentences, timexes, mentions, merge_evidence(evidence))


@dataclass(slots=True)
class _ReportedSpeech:
    """A sentence whose named source said something dated apart from the saying ("Jobs said
    his company sold 13.7 million Macs last year"): two happenings, the thing said with its
    own date and the complement's entities, and the saying with the source as its actor,
    dated by its own expression or, like any undated report, by the lead's or publication day.
    A source that is an actor of what it says ("HP cut 500 jobs, the company said") makes
    one happening: the report adds nothing to the timeline."""

    sentence: Sentence
    said_dates: list  # (clause, date, anchor), as _explicit_clause_dates gives them
    said_entities: tuple
    saying_date: tuple | None  # (clause, date, anchor) of a date inside the saying
    saying_entities: tuple
    saying_text: str

    @classmethod
    def find(cls, text: str, sentence: Sentence, timexes: _Spans, entities: _Entities):
        found = clauses.saying_span(sentence.text)
        if found is None:
            return None
        a, b = sentence.start + found[0], sentence.start + found[1]
        for t in timexes.inside(b, sentence.end):  # "said on Monday its forces ...": Monday is the saying's
            if t.start - b <= 8 and clauses.dates_the_saying(text[b:t.start], text[a:b]):
                b = t.end
            break
        saying_entities = entities.within(a, b)
        if not saying_entities[0]:
            return None  # no named source: nothing to date the saying for
        said_timexes = _Spans(t for t in timexes.inside(sentence.start, sentence.end) if not a <= t.start < b)
        said_dates = _explicit_clause_dates(text, sentence, said_timexes)
        if not said_dates:
            return None
        saying = Sentence(a, b, text[a:b], sentence.paragraph)
        saying_date = next(iter(_explicit_clause_dates(text, saying, timexes)), None)
        before, after = entities.within(sentence.start, a), entities.within(b, sentence.end)
        said_entities = tuple(list({_key(x): x for x in one + other}.values())
                              for one, other in zip(before, after, strict=True))
        if {e.key for e in saying_entities[0]} <= {e.key for e in said_entities[0]}:
            return None  # its own actor reports it ("HP cut 500 jobs, the company said"): one happening
        return cls(sentence, said_dates, said_entities, saying_date, saying_entities, text[a:b])

    def saying(self, index: int, words: frozenset[str], published_at: dt.datetime):
        actors, places, scope = self.saying_entities
        span = self.sentence
        if self.saying_date is not None:
            clause, date, anchor = self.saying_date
            return Evidence(start=span.start, end=span.end, quote=span.text, date=date,
                            confidence=EXPLICIT_CONFIDENCE.get(anchor, 0.6),
                            status=_status(clause, date, published_at),
                            actors=actors, locations=places, scope=scope, words=words)
        return _Undated(span, index, None, span, actors, places, scope, words, self.saying_text)


def _key(item) -> str:
    return item.entity.key if isinstance(item, PlaceLink) else item.key


@dataclass(slots=True)
class _Undated:
    """A sentence reporting a happening without a date of its own, dated once the lead's day is known."""

    sentence: Sentence
    index: int
    narrative: EventDate | None  # the paragraph's last explicit date before it
    span: Sentence
    actors: list[Entity]
    places: list[PlaceLink]
    scope: list[Entity]
    words: frozenset[str]
    clause: str | None = None  # the part of the sentence that reports it, when not all of it

    def dated(self, story: EventDate | None, published_at: dt.datetime) -> Evidence:
        date, confidence = _inferred_date(self.sentence, self.index, self.narrative, story, published_at)
        status = _status(self.clause or self.sentence.text, date, published_at)
        return Evidence(start=self.span.start, end=self.span.end, quote=self.span.text, date=date,
                        confidence=confidence, status=status,
                        actors=self.actors, locations=self.places, scope=self.scope, words=self.words)


def _headline_lines(text: str, sentences: list[Sentence]) -> set[int]:
    """The unpunctuated lines above the first sentence that ends with punctuation: headlines
    (an address or a date line there is furniture, and is told apart as such). A web address
    on a line of its own above them is passed over: its dots end no sentence."""
    out = set()
    for index, sentence in enumerate(sentences):
        if clauses.is_web_address(text[text.rfind("\n", 0, sentence.start) + 1:sentence.end]):
            continue
        if sentence.text.endswith(_END_PUNCTUATION):
            break
        out.add(index)
    return out


def _is_date_line(sentence: Sentence, timexes: _Spans) -> bool:
    """A sentence that is nothing but a date ("3 May 2023."), as under captions and in datelines."""
    rest = sentence.text
    found = False
    for t in timexes.inside(sentence.start, sentence.end):
        if _datable(t):
            a, b = t.start - sentence.start, t.end - sentence.start
            rest = rest[:a] + " " * (b - a) + rest[b:]
            found = True
    return found and not clauses.words(rest)


# The lead's happening is the story's day when it is this recent: news reports
# what happened on or just before its publication.
STORY_WINDOW = dt.timedelta(days=7)
LEAD_SENTENCES = 3


def _story_time(evidence: list, published_at: dt.datetime) -> EventDate | None:
    """The day the article's lead reports (a keynote "yesterday", a death "on Monday"):
    the narrative time of the article's undated happenings, in place of the publication date."""
    for item in evidence[:LEAD_SENTENCES]:
        if not isinstance(item, Evidence):
            continue
        d = item.date
        if (d.source == "explicit" and d.granularity == "day" and d.mod is None
                and published_at - STORY_WINDOW <= d.start <= published_at):
            return d
    return None


def _inherit(date: EventDate) -> EventDate:
    return EventDate(date.value, date.start, date.end, date.granularity, date.text, "inferred", date.mod)


def _inferred_date(sentence: Sentence, index: int, narrative: EventDate | None, story: EventDate | None,
                   published_at: dt.datetime) -> tuple[EventDate, float]:
    """Narrative time: the paragraph's last explicit date, else the day the lead reports,
    else the publication date (lead and reporting sentences are about their own day)."""
    reported = clauses.is_reporting(sentence.text)
    if narrative is not None and not reported:
        return _inherit(narrative), INFERRED_FROM_PARAGRAPH
    if story is not None:
        return _inherit(story), INFERRED_FROM_PUBLICATION
    is_lead = sentence.paragraph == 0 or index == 0
    if is_lead or clauses.is_reporting(sentence.text):
        return _day_of(published_at), INFERRED_FROM_PUBLICATION
    return _day_of(published_at), INFERRED_FALLBACK


# An item is compared with at most this many of the latest explicitly dated drafts
# naming each of its entities, so a long article merges in linear time; no article of
# the development sets (TBAQ, ECB+) has more than 11 such drafts for one entity.
MERGE_WINDOW = 64


@dataclass(slots=True)
class _OpenDraft:
    """A draft being built, with its merge view kept up to date as evidence joins."""

    draft: EventDraft
    order: int
    view: MergeView
    best: EventDate

    def add(self, item: Evidence, view: MergeView) -> None:
        self.draft.evidence.append(item)
        if _precision(item.date) < _precision(self.best):  # best_date's order: first of equals wins
            self.best = item.date
        self.view = MergeView(self.best.start, self.best.end, self.best.granularity_rank,
                              self.view.entity_keys | view.entity_keys, self.view.words | view.words,
                              self.best.source != "explicit")


def _precision(date: EventDate) -> tuple[int, bool]:
    return -date.granularity_rank, date.source != "explicit"


def merge_evidence(evidence: list[Evidence]) -> list[EventDraft]:
    """Fold evidence of one article that reports the same happening (a caption and
    the body). Only explicitly dated evidence merges: sentences dated by the
    narrative alone are too alike to tell apart safely. A draft can only match an
    item it shares an entity with, so candidates come from an index by entity."""
    drafts: list[EventDraft] = []
    latest: dict[str, deque[_OpenDraft]] = defaultdict(lambda: deque(maxlen=MERGE_WINDOW))
    for item in evidence:
        if item.date.source != "explicit":
            drafts.append(EventDraft([item]))
            continue
        view = item.merge_view()
        candidates = {id(o): o for key in view.entity_keys for o in latest[key] if o.draft.first.start != item.start}
        ordered = sorted(candidates.values(), key=lambda o: o.order)
        found = best_match(view, [(o, o.view) for o in ordered], across=False)
        match = found[0] if found else None
        if match is None:
            match = _OpenDraft(EventDraft([item]), len(drafts), view, item.date)
            drafts.append(match.draft)
            new_keys = view.entity_keys
        else:
            new_keys = view.entity_keys - match.view.entity_keys
            match.add(item, view)
        for key in new_keys:
            latest[key].append(match)
    return drafts
