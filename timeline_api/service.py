"""Use cases that join the pure pipeline and the store: ingest and delete an article.

Shared by the HTTP API and the CLI. Ingest is atomic (the article and all its
events in one transaction) and idempotent (the same url, external_id or text
returns the article already stored). A happening already stored from another
article gains a source instead of becoming a duplicate.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from timeline_api.entities import Entity as EntityValue
from timeline_api.entities import EntityMatcher, Mention
from timeline_api.entities.normalize import ID_PREFIX, indexed_keys, name_key
from timeline_api.pipeline import (
    ArticleAnalysis,
    Budget,
    EventDate,
    EventDraft,
    Evidence,
    PlaceLink,
    analyse_article,
    best_date,
    clock,
    corroborated,
    summarise,
)
from timeline_api.pipeline.budget import UNLIMITED
from timeline_api.pipeline.merging import (
    MergeDecision,
    MergeView,
    best_match,
    date_bounds,
    date_relation,
    signature,
)
from timeline_api.registry import matcher_for, value_of
from timeline_api.store import merge_index, repository, writer
from timeline_api.store.models import Article, Event, EventSource, utcnow
from timeline_api.store.models import Entity as EntityRow
from timeline_api.store.retry import ATTEMPTS as STORE_ATTEMPTS
from timeline_api.store.retry import is_transient, retry_transaction
from timeline_api.store.writer import WrittenArticle, WrittenEvent, WrittenLink, WrittenSource


@dataclass(frozen=True)
class ArticleInput:
    text: str
    published_at: dt.datetime  # aware when the publisher gave an offset, else naive UTC
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str = "en"
    external_id: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def ingest_article(session: Session, data: ArticleInput, matcher: EntityMatcher | None = None,
                   budget: Budget = UNLIMITED) -> tuple[Article | WrittenArticle, bool]:
    """Store the article and its events; return (article, created): a created article as written
    (``WrittenArticle``, with its events as they stand after it), an existing one as stored. Without a
    matcher, the registry's (gazetteers plus curated entities) is used. Raises
    ``AnalysisTooLong`` (nothing stored) when the analysis outgrows ``budget``."""
    existing = find_existing(session, data)
    if existing is not None:
        return existing.article, False
    matcher = matcher or matcher_for(session)
    # the article's own wall clock: "tonight" and "10:30 p.m." are at the publisher's offset
    analysis = analyse_article(data.text, clock.wall_clock(data.published_at), matcher=matcher,
                               language=data.language, budget=budget)
    return store_analysed(session, data, analysis)


@dataclass(frozen=True)
class ExistingArticle:
    article: Article
    reason: str  # what it shares with the new one: "same url", "same external_id", "same text"


def find_existing(session: Session, data: ArticleInput) -> ExistingArticle | None:
    """The stored article this one repeats (by url, external_id or identical text), and why."""
    article = repository.find_existing_article(
        session, url=data.url, external_id=data.external_id, content_hash=data.content_hash)
    if article is None:
        return None
    if data.url and article.url == data.url:
        reason = "same url"
    elif data.external_id and article.external_id == data.external_id:
        reason = "same external_id"
    else:
        reason = "same text"
    return ExistingArticle(article, reason)


def store_analysed(session: Session, data: ArticleInput, analysis: ArticleAnalysis) -> tuple[Article | WrittenArticle,
                                                                                         bool]:
    """Store an article analysed elsewhere (a worker process of the bulk ingest), in one
    transaction; return (article, created), as ingest_article does: a created article comes back
    as written (``WrittenArticle``, with its events), an existing one as stored."""
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            repository.lock_for_ingest(session)
            repository.bump_store_version(session)
            record = _write(session, data, analysis)
            session.commit()
            return record, True
        except IntegrityError:
            # a concurrent request stored the same article first, or raced us on a link
            session.rollback()
            existing = find_existing(session, data)
            if existing is not None:
                return existing.article, False
            if attempt == STORE_ATTEMPTS:
                raise
        except OperationalError as exc:
            # concurrent ingests touching the same entities or events may deadlock
            # (PostgreSQL) or find the database locked (SQLite): the loser tries again
            session.rollback()
            if attempt == STORE_ATTEMPTS or not is_transient(exc):
                raise
    raise AssertionError("unreachable")


def write_batch(session: Session, items: Sequence[tuple[ArticleInput, ArticleAnalysis]]
                ) -> list[tuple[Article | WrittenArticle, bool]]:
    """Store articles analysed elsewhere, in order, in one transaction: the bulk writer of
    ``timeline-api ingest`` and of synthetic stores (bench/). Each article is written as
    ``store_analysed`` writes it, merging with the events of those before it in the batch too;
    one that repeats a stored article, or one earlier in the batch, is not written and comes back
    as that article with created False. Returns (article, created) per item. Should the batch
    lose a race to a concurrent writer, it is rolled back and its articles are stored one at a
    time, each in its own transaction with its own retries."""
    results: list[tuple[Article | WrittenArticle, bool] | None] = [None] * len(items)
    try:
        repository.lock_for_ingest(session)
        repository.bump_store_version(session)
        seen: dict[tuple[str, str], WrittenArticle] = {}
        stored = repository.stored_article_keys(session, [data for data, _ in items])
        for n, (data, analysis) in enumerate(items):
            keys = article_keys(data)
            earlier = next((seen[k] for k in keys if k in seen), None)
            if earlier is not None:
                results[n] = (earlier, False)
                continue
            if stored & set(keys):
                existing = find_existing(session, data)
                if existing is not None:
                    results[n] = (existing.article, False)
                    continue
            record = _write(session, data, analysis)
            results[n] = (record, True)
            seen.update((k, record) for k in keys)
        session.commit()
    except (IntegrityError, OperationalError) as exc:
        session.rollback()
        if isinstance(exc, OperationalError) and not is_transient(exc):
            raise
        return [store_analysed(session, data, analysis) for data, analysis in items]
    return results  # type: ignore[return-value]


def article_keys(data: ArticleInput) -> list[tuple[str, str]]:
    """What makes an article the same as another: its url, external_id, and text."""
    keys = [("content_hash", data.content_hash)]
    if data.url:
        keys.append(("url", data.url))
    if data.external_id:
        keys.append(("external_id", data.external_id))
    return keys


def delete_article(session: Session, article_id: int) -> bool:
    """Delete an article (see _delete_article); a deadlock with a concurrent ingest, split or
    delete touching the same events rolls back and tries again, as ingest does."""
    return retry_transaction(session, lambda: _delete_article(session, article_id))


def _delete_article(session: Session, article_id: int) -> bool:
    """Delete an article; events it alone reported go, the others are recomputed from
    their remaining sources. A merge the article made possible is undone: every report that
    came after it, in the events it left and in the events those could have joined instead,
    is offered again, article by article in the order they came, to the events as they stood
    then (_rejoin). One hop: a report that rejoins elsewhere does not set off another replay."""
    repository.lock_for_curation(session)
    counts = merge_index.Counts()
    survivors = repository.delete_article(session, article_id, counts)
    if survivors is None:
        return False
    repository.bump_store_version(session)
    touched = {e.id: e for e in survivors}
    for event in survivors:  # the events a later report could have joined instead
        for other in repository.merge_candidates(session, _probe(_sources_view(event.sources)), list(touched)):
            touched[other.id] = other
    # ingests take the merge keys before any row: so does this, for what it may re-merge
    repository.lock_merge_keys(session, _merge_lock_keys([_sources_view(e.sources) for e in touched.values()]))
    replay: list[Event] = []
    for event in sorted(touched.values(), key=lambda e: e.id):
        repository.lock_event(session, event)  # an ingest may be joining it right now
        groups = _by_article(event.sources)
        later = [g for g in groups if g[0].article_id > article_id]
        if len(later) == len(groups):
            replay.append(event)  # the event itself is made of later reports: it is replayed too
            later = later[1:]
        replay.extend(_move_out(session, event, group, counts) for group in later)
        _refresh(session, event, counts)
    for event in sorted(replay, key=lambda e: min(s.article_id for s in e.sources)):
        _rejoin(session, event, counts)
    counts.write(session.connection())
    session.commit()
    return True


def _by_article(sources: list[EventSource]) -> list[list[EventSource]]:
    """An event's sources, one group per article (one draft each), in the order articles came."""
    groups: dict[int, list[EventSource]] = {}
    for source in sorted(sources, key=lambda s: (s.article_id, s.id)):
        groups.setdefault(source.article_id, []).append(source)
    return list(groups.values())


def _rejoin(session: Session, event: Event, counts: merge_index.Counts) -> None:
    """One article's report, left alone by a deletion, joins what it would have joined at its
    ingest without the deleted article: the best stored event of articles that came before it
    that it is the same happening as, and that none of its article's other reports is part of."""
    (article_id,) = {s.article_id for s in event.sources}
    view = _sources_view(event.sources)
    # each candidate as it stood when the article came: its sources of earlier articles only
    earlier = {c: [s for s in c.sources if s.article_id < article_id]
               for c in repository.merge_candidates(session, _probe(view), [event.id])
               if article_id not in {s.article_id for s in c.sources}}
    found = best_match(view, [(c, _sources_view(sources)) for c, sources in earlier.items() if sources])
    if found is None:
        return
    target, decision = found
    repository.lock_event(session, target)
    repository.move_sources(session, list(event.sources), target)
    repository.delete_event(session, event, counts)
    _record_merge(target, decision)
    _refresh(session, target, counts)


class SplitError(ValueError):
    """A split that names no source of the event, or all of them."""


@dataclass(frozen=True)
class SourceRef:
    """A source of an event: an article, and optionally the sentence's start offset in it."""

    article_id: int
    start: int | None = None

    def matches(self, source: EventSource) -> bool:
        return source.article_id == self.article_id and self.start in (None, source.start)


def split_event(session: Session, event_id: int, refs: list[SourceRef]) -> tuple[Event, Event] | None:
    """Move the sources ``refs`` name out of an event into a new one (a merge that was wrong);
    returns (the event, the new event), or None when there is no such event. Retried, as
    delete_article is, when it deadlocks with a concurrent writer."""
    return retry_transaction(session, lambda: _split_event(session, event_id, refs))


def _split_event(session: Session, event_id: int, refs: list[SourceRef]) -> tuple[Event, Event] | None:
    event = repository.get_event(session, event_id)
    if event is None:
        return None
    repository.lock_event(session, event)
    unmatched = [ref for ref in refs if not any(ref.matches(s) for s in event.sources)]
    if unmatched:
        raise SplitError(f"The event has no source of article {unmatched[0].article_id}"
                         + ("" if unmatched[0].start is None else f" at offset {unmatched[0].start}") + ".")
    moving = [s for s in event.sources if any(ref.matches(s) for ref in refs)]
    if len(moving) == len(event.sources):
        raise SplitError("A split must leave at least one source in the event.")
    repository.bump_store_version(session)  # cached pages (ETags) are stale now
    counts = merge_index.Counts()
    new = _move_out(session, event, moving, counts)
    _refresh(session, event, counts)
    counts.write(session.connection())
    session.commit()
    return event, new


def _move_out(session: Session, event: Event, sources: list[EventSource], counts: merge_index.Counts) -> Event:
    """A new event made of some of an event's sources; both are recomputed from what they hold."""
    first = sources[0]
    new = Event(date_value=first.date_value, date_start=first.date_start, date_end=first.date_end,
                granularity=first.granularity, granularity_rank=0, date_source=first.date_source,
                summary="", status=first.status, confidence=first.confidence,
                first_published_at=first.article.published_at)
    session.add(new)
    repository.move_sources(session, sources, new)
    _refresh(session, new, counts)
    session.expire(event, ["sources"])
    return new


def _sources_view(sources: list[EventSource]) -> MergeView:
    dates = [_source_date(s) for s in sources]
    date = best_date(dates)
    keys = frozenset(link.entity_id for s in sources for link in s.actor_links) | frozenset(
        link.entity_id for s in sources for link in s.location_links if link.direct)
    words = frozenset().union(*(signature(s.quote) for s in sources))
    return MergeView(date.start, date.end, date.granularity_rank, keys, words, date.source != "explicit")


def _probe(view: MergeView, agreeing: bool = False) -> merge_index.Probe:
    """What the merge index is asked for a report: with ``agreeing``, only events whose dates may
    agree with its (pipeline.merging.date_bounds)."""
    if not agreeing:
        return merge_index.Probe(view.start, view.end, view.search_window, view.entity_keys)
    bounds = date_bounds(view)
    return merge_index.Probe(view.start, view.end, view.search_window, view.entity_keys,
                             within=(bounds.within_from, bounds.within_to),
                             around=(bounds.starts_by, bounds.ends_from))


def _link_to_stored(session: Session, drafts: list[EventDraft], mentions: list[Mention]) -> list[Mention]:
    """Link the article's entities to the stored ones they are: ids merged away through the registry
    to the entity they were folded into, and entities read from this text to the stored entity
    their name identifies uniquely (docs/entities.md, "One id per thing"). Returns the mentions
    relinked; the drafts are relinked in place."""
    entities = {e.key: e for e in _entities_of(drafts, mentions)}
    linked = _stored_identity(session, entities)
    if not linked:
        return mentions

    def canonical(entity):
        return linked.get(entity.key, entity)

    for draft in drafts:
        for item in draft.evidence:
            item.actors = list({e.key: e for e in map(canonical, item.actors)}.values())
            item.locations = list({p.entity.key: p for p in (
                PlaceLink(canonical(p.entity), p.qualifier) for p in item.locations)}.values())
            item.scope = list({e.key: e for e in map(canonical, item.scope)}.values())
    return [replace(m, entity=canonical(m.entity)) for m in mentions]


def _entities_of(drafts: list[EventDraft], mentions: list[Mention]):
    for draft in drafts:
        yield from draft.actors
        yield from (p.entity for p in draft.locations)
        yield from draft.location_scope
    yield from (m.entity for m in mentions)


def _stored_identity(session: Session, entities: dict[str, EntityValue]) -> dict[str, EntityValue]:
    """key -> the stored entity it is, for the keys that are not stored under their own id."""
    linked: dict[str, EntityValue] = {}
    stored, redirects = repository.stored_or_redirected(session, list(entities))
    targets = {key: value_of(row) for key in set(redirects.values())
               if (row := session.get(EntityRow, key)) is not None}
    for key, target in redirects.items():
        if target in targets:
            linked[key] = targets[target]
    # only entities read from this text: gazetteer and registry entities have ids of their own
    read = [e for key, e in entities.items() if key not in stored and key not in linked
            and key.startswith(ID_PREFIX + ":")]
    # a name run that is a curated-table entry named elsewhere in this article ("Reuters" in a
    # byline the gazetteer missed) is that entry
    curated = {name_key(e.name): e for key, e in entities.items()
               if not key.startswith((ID_PREFIX + ":", "geonames:")) and key not in linked}
    for entity in [e for e in read if name_key(e.name) in curated]:
        linked[entity.key] = curated[name_key(entity.name)]
        read.remove(entity)
    # a long name written with one letter off ("Jerymayne Timmons") is the stored one, if alone
    resolutions = repository.resolve_names(
        session, [e.name for e in read],
        fuzzy=lambda name: sum(c.isalpha() for c in name) >= INGEST_FUZZY_MIN_LETTERS)
    for entity, resolution in zip(read, resolutions, strict=True):
        match = _unique_link(entity, resolution)
        if match is not None:
            # the stored entity, carrying what this article knows of it: its name here as an
            # alias, its aliases, and its kind (stored over a guess)
            linked[entity.key] = EntityValue(
                key=match.entity_id, name=match.name, kind=entity.kind, kind_guessed=entity.kind_guessed,
                aliases=(entity.name, *entity.aliases))
    return linked


# letters a name read from text needs before one typing error links it to a stored name: the
# queries' eight would join "Johnson" and "Johnsen"; two words of a person's name are safer
INGEST_FUZZY_MIN_LETTERS = 12
_GEONAMES_KINDS = frozenset(("continent", "country", "city"))
# variants a name read from text may be linked by. Not a prefix: on the trial set "Apple Corps"
# would join Apple, and "iPhone 3G" the iPhone; a product line is no short form of its models.
_LINKING_VARIANTS = frozenset(("acronym", "surname", "person", "nickname", "core"))


def _unique_link(entity: EntityValue, resolution: repository.Resolution) -> repository.EntityMatch | None:
    """The one stored entity a name read from text identifies, or None: ambiguous names (a bare
    surname two stored people share) stay unresolved rather than guessed. The name, an alias or
    the normalised name link whatever kind each side guessed (one name is one thing); a variant
    (acronym, surname, nickname, first and last name, without a qualifier) only between people or
    only between non-people, and never a product."""
    best = resolution.best
    if len(best) != 1 or best[0].kind in _GEONAMES_KINDS:
        return None
    match = best[0]
    if match.match in ("variant", "fuzzy") and "product" in (entity.kind, match.kind):
        return None
    if match.match == "variant" and match.rule not in _LINKING_VARIANTS:
        return None
    if match.match in ("variant", "fuzzy") and not (entity.kind_guessed or match.kind_guessed) \
            and (entity.kind == "person") != (match.kind == "person"):
        return None
    return match


# the variants by which a longer name was written short ("Lohan", "BIS", "Colts"); not a prefix (above)
_SHORT_FORMS = ("surname", "acronym", "core")


def _absorb_short_forms(session: Session, new: list[EntityValue], in_article: set[str]) -> None:
    """An entity stored earlier under a short form alone ("Lohan", from an article that never gave
    the full name) is the entity now first stored under the full name ("Lindsay Lohan"), when
    that is the only stored entity the short form fits: it is folded in, with a redirect. The
    same rule as linking a later short form to a stored full name, so the order the articles
    came in does not decide how many ids one thing gets. GeoNames places absorb nothing (a
    company named after its town is another thing)."""
    wanted = {k.key: e for e in new if e.kind != "product"
              for k in indexed_keys(e.name, None if e.kind_guessed else e.kind) if k.form in _SHORT_FORMS}
    # an entry of the curated tables ("Reuters") takes over a text entity stored under its name
    wanted |= {name_key(e.name): e for e in new if not e.key.startswith((ID_PREFIX + ":", "geonames:"))}
    holders = [row for row in repository.indexed_names(session, wanted, ["key"])
               if row.entity_id.startswith(ID_PREFIX + ":") and not row.curated and row.geonames_id is None
               and row.entity_id not in in_article and name_key(row.name) == row.key]
    if not holders:
        return
    fits: dict[str, set[str]] = {}  # key -> the entities it is a name or short form of
    for row in repository.indexed_names(session, [h.key for h in holders], (*_SHORT_FORMS, "key")):
        fits.setdefault(row.key, set()).add(row.entity_id)
    for holder in holders:
        full = wanted[holder.key]
        if fits.get(holder.key, set()) - {holder.entity_id} != {full.key}:
            continue  # two stored entities fit: the short form stays apart rather than guessed
        guessed = full.kind_guessed or holder.kind_guessed
        if not guessed and holder.kind != full.kind and "person" in (holder.kind, full.kind):
            continue
        # the rows locked, as a registry merge locks them: a concurrent curator or ingest waits
        rows = {row.id: row for row in repository.lock_entities(session, [holder.entity_id, full.key])}
        if len(rows) == 2:
            repository.merge_entities(session, rows[holder.entity_id], rows[full.key])


def _write(session: Session, data: ArticleInput, analysis: ArticleAnalysis) -> WrittenArticle:
    """Write one article and its events in the transaction under way (store/writer.py): the
    entities it names, the article and its mentions, then each draft as a new event or as sources
    of the stored event it is the same happening as. Returns what it wrote. The transaction has
    taken repository.lock_for_ingest first thing."""
    conn = session.connection()
    drafts = analysis.events
    mentions = _link_to_stored(session, drafts, analysis.mentions)
    entities = {e.key: e for e in _entities_of(drafts, mentions)}
    refs, new, rekinded = writer.upsert_entities(conn, entities.values())
    if rekinded:
        repository.reindex_entity_names(session, rekinded)
    _absorb_short_forms(session, [entities[key] for key in new if not key.startswith("geonames:")], set(entities))
    views = [draft.merge_view() for draft in drafts]
    repository.lock_merge_keys(session, _merge_lock_keys(views))
    now = utcnow()
    article = writer.insert_article(
        conn, url=data.url, external_id=data.external_id, content_hash=data.content_hash, title=data.title,
        source=data.source, language=data.language, published_at=clock.utc(data.published_at),
        published_offset=clock.offset_minutes(data.published_at), text=data.text, created_at=now)
    writer.insert_mentions(conn, article.id, [(m.entity.key, m.start, m.end, m.text, m.link) for m in mentions])
    # The pipeline judged this article's drafts to be different happenings: none may join a
    # stored event another of them joined, and the new ones are no candidates for each other.
    decisions = _same_happenings(conn, views)
    joined = writer.lock_events(conn, [found[0] for found in decisions if found is not None])
    before = {event_id: (_keys_of(event), _interval_of(event)) for event_id, event in joined.items()}
    source = article.ref()
    created: list[WrittenEvent] = []
    sources = []
    for draft, found in zip(drafts, decisions, strict=True):
        if found is None:
            event = _new_event(draft, article, refs)
            created.append(event)
        else:
            event = joined[found[0]]
            _record_merge(event, found[1])
        for evidence in draft.evidence:
            record = _evidence_source(evidence, source)
            event.sources.append(record)
            sources.append((event, record, evidence))
    writer.insert_events(conn, created, now)
    writer.insert_sources(conn, [(event.id, record, [a.key for a in evidence.actors],
                                  _locations(evidence.locations, evidence.scope))
                                 for event, record, evidence in sources])
    counts = merge_index.Counts()
    writer.insert_event_links(
        conn, [(event.id, link.entity.id) for event in created for link in event.actor_links],
        [(event.id, link.entity.id, link.direct, link.qualifier) for event in created for link in event.location_links])
    index_rows = []
    for event in created:
        index_rows += merge_index.rows(event.id, _keys_of(event), _interval_of(event))
    merge_index.add(conn, index_rows, counts)
    added_actors, added_places, made_direct = [], [], []
    for event_id in sorted(joined):  # one order for all ingests: fewer lock cycles
        event = joined[event_id]
        new_sources = [(record, evidence) for e, record, evidence in sources if e is event]
        actors, places, direct = _join_links(event, new_sources, refs)
        added_actors += [(event_id, key) for key in actors]
        added_places += [(event_id, key, is_direct, qualifier) for key, is_direct, qualifier in places]
        made_direct += [(event_id, key, qualifier) for key, qualifier in direct]
        event.words = _words(event, [evidence.words for _, evidence in new_sources])
        _apply(event, _derived(event.sources))
        keys, interval = before[event_id]
        merge_index.sync(conn, event_id, _keys_of(event), _interval_of(event), keys, interval, counts)
    writer.insert_event_links(conn, added_actors, added_places)
    writer.make_places_direct(conn, made_direct)
    writer.update_events(conn, [joined[event_id] for event_id in sorted(joined)])
    counts.write(conn)  # last: the rows of entities many articles name are locked only until commit
    article.events = sorted([*created, *joined.values()], key=WrittenEvent.timeline_key)
    return article


def _same_happenings(conn, views: list[MergeView]) -> list[tuple[int, MergeDecision] | None]:
    """For each draft, the stored event it is the same happening as and why, or None: one
    batched probe of the merge index for the whole article (candidates closest first, those
    whose dates cannot agree left out before anything else is read), then their words and
    entities, then the pipeline's rule, draft by draft."""
    probes = [_probe(view, agreeing=True) for view in views]

    def dates_agree(n: int, span: merge_index.Span) -> bool:
        return date_relation(views[n], MergeView(span.start, span.end, span.granularity_rank, frozenset(),
                                                 frozenset(), span.inferred)) is not None

    found = merge_index.candidates(conn, probes, keep=dates_agree)
    spans = {span.event_id: span for candidates in found for span in candidates}
    if not spans:
        return [None] * len(views)
    keys, stored_words, quotes = writer.candidate_details(conn, list(spans))
    candidate_views = {}
    for event_id, span in spans.items():
        words = (frozenset(stored_words[event_id].split()) if event_id in stored_words
                 else frozenset().union(*(signature(q) for q in quotes.get(event_id, ()))))
        candidate_views[event_id] = MergeView(span.start, span.end, span.granularity_rank,
                                              frozenset(keys[event_id]), words, span.inferred)
    joined: set[int] = set()
    decisions: list[tuple[int, MergeDecision] | None] = []
    for view, candidates in zip(views, found, strict=True):
        match = best_match(view, [(s.event_id, candidate_views[s.event_id]) for s in candidates
                                  if s.event_id not in joined])
        if match is not None:
            joined.add(match[0])
        decisions.append(match)
    return decisions


def _keys_of(event) -> set[str]:
    """What merging finds an event by: its actors and the places it names (not those enclosing them)."""
    return {link.entity_id for link in event.actor_links} | {
        link.entity_id for link in event.location_links if link.direct}


def _interval_of(event) -> merge_index.Interval:
    return merge_index.Interval(event.date_start, event.date_end, event.granularity_rank,
                                event.date_source != "explicit")


def _words(event: WrittenEvent, new: list[frozenset[str]]) -> str:
    """The event's words after new sources: those stored (from the quotes when there are none)
    and theirs."""
    if event.words is not None:
        old = frozenset(event.words.split())
    else:
        old = frozenset().union(*(signature(s.quote) for s in event.sources[:len(event.sources) - len(new)]))
    return _stored_words(old.union(*new))


def _stored_words(words: frozenset[str]) -> str:
    return " ".join(sorted(words))


def _join_links(event: WrittenEvent, new_sources: list[tuple[WrittenSource, Evidence]], refs):
    """The links a stored event gains from new sources (an event's links are the union of its
    sources', a place named directly by any winning over one only enclosing): actors and places
    to add, and enclosing places now named. The event's own link lists are updated."""
    actors = {link.entity_id for link in event.actor_links}
    places = {link.entity_id: link for link in event.location_links}
    added_actors, added_places, made_direct = [], {}, {}
    for _, evidence in new_sources:
        for key in dict.fromkeys(a.key for a in evidence.actors):
            if key not in actors:
                actors.add(key)
                added_actors.append(key)
        for key, direct, qualifier in {loc[0]: loc for loc in _locations(evidence.locations, evidence.scope)}.values():
            link = places.get(key)
            if link is None:
                places[key] = WrittenLink(refs[key], direct, qualifier)
                added_places[key] = (key, direct, qualifier)
            elif direct and not link.direct:
                places[key] = WrittenLink(link.entity, True, qualifier)
                if key in added_places:
                    added_places[key] = (key, True, qualifier)
                else:
                    made_direct[key] = qualifier
    event.actor_links = sorted([*event.actor_links, *(WrittenLink(refs[key]) for key in added_actors)],
                               key=lambda link: link.entity_id)
    event.location_links = sorted(places.values(), key=lambda link: link.entity_id)
    return sorted(added_actors), sorted(added_places.values()), sorted(made_direct.items())


def _merge_lock_keys(views: list[MergeView]) -> set[str]:
    """What concurrent ingests take turns on: a happening merges only with an event
    sharing an entity and overlapping its search window, so (entity, year) for each year of
    the draft's search window (a decade: ten keys and the neighbours the window's week
    reaches); one of more than a dozen years (a century) only serialises with others as wide."""
    keys = set()
    for view in views:
        start, end = view.search_window
        first, last = start.year, (end - dt.timedelta(microseconds=1)).year
        years = range(first, last + 1) if last - first < _LOCK_YEARS else ("wide",)
        keys.update(f"{entity}@{year}" for entity in view.entity_keys for year in years)
    return keys


_LOCK_YEARS = 12


def _record_merge(event, decision: MergeDecision) -> None:
    """An event of several articles says why they are one happening: the weakest of its merges."""
    if event.merge_score is None or decision.score < event.merge_score:
        event.merge_score, event.merge_reason = decision.score, decision.reason


def _new_event(draft: EventDraft, article: WrittenArticle, refs: dict[str, writer.EntityRef]) -> WrittenEvent:
    """A draft as a new event (written later, when its id is known), with its links."""
    date = draft.date
    places: dict[str, tuple[str, bool, str | None]] = {}
    for key, direct, qualifier in _locations(draft.locations, draft.location_scope):
        if key not in places or (direct and not places[key][1]):
            places[key] = (key, direct, qualifier)
    return WrittenEvent(
        id=0, date_value=date.value, date_start=date.start, date_end=date.end, granularity=date.granularity,
        granularity_rank=date.granularity_rank, date_text=_clip(date.text), date_source=date.source,
        date_mod=date.mod, date_offset=article.published_offset, summary=draft.summary, status=draft.status,
        confidence=corroborated(draft.confidence, 1), first_published_at=article.published_at,
        words=_stored_words(frozenset().union(*(e.words for e in draft.evidence))),
        actor_links=[WrittenLink(refs[key]) for key in sorted({a.key for a in draft.actors})],
        location_links=[WrittenLink(refs[key], direct, qualifier)
                        for key, direct, qualifier in sorted(places.values())],
    )


def _evidence_source(evidence: Evidence, article: writer.ArticleRef) -> WrittenSource:
    d = evidence.date
    return WrittenSource(
        id=0, article_id=article.id, article=article, start=evidence.start, end=evidence.end, quote=evidence.quote,
        date_value=d.value, date_start=d.start, date_end=d.end, granularity=d.granularity, date_text=_clip(d.text),
        date_source=d.source, date_mod=d.mod, status=evidence.status, confidence=evidence.confidence)


def _locations(places: list[PlaceLink], scope: list) -> list[tuple[str, bool, str | None]]:
    """(entity id, direct, qualifier) for the places named and the places enclosing them."""
    return [(p.entity.key, True, p.qualifier) for p in places] + [(e.key, False, None) for e in scope]


def _source_date(source) -> EventDate:
    return EventDate(source.date_value, source.date_start, source.date_end, source.granularity,
                     source.date_text, source.date_source, source.date_mod)


def _derived(sources) -> dict:
    """An event's own fields from its sources (rows or records): the most precise date (on the
    clock of the source that gives it), the best confidence corroborated by each further article,
    the first report's status and summary. Without reports of two articles, no merge to explain."""
    sources = sorted(sources, key=lambda s: (s.article.published_at, s.id))
    dates = [_source_date(s) for s in sources]
    date = best_date(dates)
    first = sources[0]
    articles = len({s.article_id for s in sources})
    fields = dict(
        date_offset=sources[dates.index(date)].article.published_offset,  # the clock of the source that dates it
        date_value=date.value, date_start=date.start, date_end=date.end, granularity=date.granularity,
        date_text=_clip(date.text), date_source=date.source, date_mod=date.mod,
        granularity_rank=date.granularity_rank,
        confidence=corroborated(max(s.confidence for s in sources), articles),
        status=first.status, summary=summarise(first.quote), first_published_at=first.article.published_at,
    )
    if articles < 2:
        fields |= dict(merge_score=None, merge_reason=None)
    return fields


def _apply(event, fields: dict) -> None:
    for name, value in fields.items():
        setattr(event, name, value)


def _refresh(session: Session, event: Event, counts: merge_index.Counts) -> None:
    """Derive a stored event's date, confidence, summary, words and links from its sources."""
    _apply(event, _derived(event.sources))
    event.words = _stored_words(frozenset().union(*(signature(s.quote) for s in event.sources)))
    repository.sync_event_links(session, event, counts)


def _clip(text: str | None) -> str | None:
    return text[:255] if text else text
