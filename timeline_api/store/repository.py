"""Queries and writes over the models. No text parsing here: the pipeline
hands over finished drafts, and this module only stores and finds them."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, exists, func, or_, select, text, tuple_, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only, selectinload

from timeline_api.entities.types import ACTOR_KINDS, PLACE_KINDS
from timeline_api.entities.types import Entity as EntityValue
from timeline_api.store import cursor as keyset
from timeline_api.store.cursor import decode_cursor, encode_cursor
from timeline_api.store.models import (
    ApiKey,
    Article,
    Deployment,
    Entity,
    EntityAlias,
    EntityRedirect,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    RegistryVersion,
    SourceActor,
    SourceLocation,
    StoreVersion,
    utcnow,
)


def norm_name(name: str) -> str:
    """The form names and aliases are matched in: case- and space-insensitive."""
    return " ".join(name.casefold().split())


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


# ---------------------------------------------------------------- entities

def _depth(key: str, batch: dict[str, EntityValue]) -> int:
    depth, seen = 0, set()
    while key in batch and batch[key].parent_key and key not in seen:
        seen.add(key)
        key = batch[key].parent_key
        depth += 1
    return depth


def ensure_entities(session: Session, entities: Iterable[EntityValue]) -> None:
    """Insert the entities not stored yet (parents before children); concurrent
    ingests may race on the same entity, so inserts ignore conflicts."""
    batch = {e.key: e for e in entities}
    if not batch:
        return
    stored = set(session.scalars(select(Entity.id).where(Entity.id.in_(list(batch)))))
    # parents before children, then by key: every ingest locks new entities in one order
    new = sorted((k for k in batch if k not in stored), key=lambda k: (_depth(k, batch), k))
    if not new:
        return
    known = stored | set(batch)
    rows, alias_rows = [], []
    for key in new:
        e = batch[key]
        rows.append(dict(
            id=e.key, name=e.name[:255], name_norm=norm_name(e.name)[:255], kind=e.kind,
            geonames_id=e.geonames_id, country_code=e.country_code, latitude=e.latitude,
            longitude=e.longitude, population=e.population,
            parent_id=e.parent_key if e.parent_key in known else None, curated=False,
        ))
        for alias in dict.fromkeys(a for a in e.aliases if norm_name(a) != norm_name(e.name)):
            alias_rows.append(dict(entity_id=e.key, alias=alias[:255], alias_norm=norm_name(alias)[:255]))
    for row in rows:  # one by one keeps parent-before-child order under FK checks
        session.execute(_insert(session, Entity).values(**row).on_conflict_do_nothing())
    if alias_rows:
        session.execute(_insert(session, EntityAlias).values(alias_rows).on_conflict_do_nothing())


def resolve_entity_refs(session: Session, refs: Sequence[str]) -> tuple[list[str], list[str]]:
    """Map ids, names or aliases (case-insensitive) to entity ids; also return the unknown refs."""
    ids: list[str] = []
    unknown: list[str] = []
    for ref in refs:
        n = norm_name(ref)
        found = set(session.scalars(select(Entity.id).where(or_(Entity.id == ref, Entity.name_norm == n))))
        found |= set(session.scalars(select(EntityRedirect.to_id).where(EntityRedirect.from_id == ref)))
        found |= set(session.scalars(select(EntityAlias.entity_id).where(EntityAlias.alias_norm == n)))
        if found:
            ids.extend(sorted(found))
        else:
            unknown.append(ref)
    return ids, unknown


def _entity_event_counts():
    links = union_all(
        select(EventActor.entity_id.label("entity_id"), EventActor.event_id.label("event_id")),
        select(EventLocation.entity_id, EventLocation.event_id).where(EventLocation.direct.is_(True)),
    ).subquery()
    return (select(links.c.entity_id, func.count(func.distinct(links.c.event_id)).label("n"))
            .group_by(links.c.entity_id).subquery())


def search_entities(session: Session, q: str | None, kind: str | None, limit: int,
                    cursor: str | None) -> tuple[list[tuple[Entity, int]], str | None]:
    counts = _entity_event_counts()
    stmt = (select(Entity, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.entity_id == Entity.id)
            .options(selectinload(Entity.aliases)))
    if kind == "actor":
        stmt = stmt.where(Entity.kind.in_(ACTOR_KINDS))
    elif kind == "location":
        stmt = stmt.where(Entity.kind.in_(PLACE_KINDS))
    elif kind:
        stmt = stmt.where(Entity.kind == kind)
    if q:
        pattern = f"%{norm_name(q)}%"
        stmt = stmt.where(or_(
            Entity.name_norm.like(pattern),
            exists().where(and_(EntityAlias.entity_id == Entity.id, EntityAlias.alias_norm.like(pattern))),
        ))
    scope = _scope("entities", q, kind)
    if cursor:
        name, key = decode_cursor(cursor, (keyset.text(255), keyset.text(128)), **_signing(session, scope))
        stmt = stmt.where(tuple_(Entity.name_norm, Entity.id) > tuple_(name, key))
    rows = session.execute(stmt.order_by(Entity.name_norm, Entity.id).limit(limit + 1)).all()
    page = [(entity, count) for entity, count in rows[:limit]]
    next_cursor = (encode_cursor([page[-1][0].name_norm, page[-1][0].id], **_signing(session, scope))
                   if len(rows) > limit else None)
    return page, next_cursor


def get_entity(session: Session, entity_id: str) -> tuple[Entity, int] | None:
    counts = _entity_event_counts()
    row = session.execute(
        select(Entity, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.entity_id == Entity.id)
        .where(Entity.id == entity_id).options(selectinload(Entity.aliases))
    ).first()
    return (row[0], row[1]) if row else None


# ---------------------------------------------------------------- articles

def find_existing_article(session: Session, *, url: str | None, external_id: str | None,
                          content_hash: str) -> Article | None:
    clauses = [Article.content_hash == content_hash]
    if url:
        clauses.append(Article.url == url)
    if external_id:
        clauses.append(Article.external_id == external_id)
    return session.scalars(select(Article).where(or_(*clauses)).order_by(Article.id).limit(1)).first()


def add_source(session: Session, event: Event, source: EventSource, actor_ids: Iterable[str],
               locations: Iterable[tuple[str, bool, str | None]]) -> EventSource:
    """Attach one piece of evidence to an event, with the entities it names
    (locations as (entity id, direct, qualifier)); written at the next flush."""
    source.actor_links = [SourceActor(entity_id=key) for key in dict.fromkeys(actor_ids)]
    source.location_links = [SourceLocation(entity_id=key, direct=direct, qualifier=qualifier)
                             for key, direct, qualifier in {loc[0]: loc for loc in locations}.values()]
    event.sources.append(source)
    return source


def set_event_links(event: Event, actor_ids: Iterable[str],
                    locations: Iterable[tuple[str, bool, str | None]]) -> None:
    """The links of a new event, known from its sources without asking the database."""
    event.actor_links = [EventActor(entity_id=key) for key in dict.fromkeys(actor_ids)]
    places: dict[str, tuple[str, bool, str | None]] = {}
    for key, direct, qualifier in locations:
        if key not in places or (direct and not places[key][1]):
            places[key] = (key, direct, qualifier)
    event.location_links = [EventLocation(entity_id=key, direct=direct, qualifier=qualifier)
                            for key, direct, qualifier in places.values()]


def lock_merge_keys(session: Session, names: Iterable[str]) -> None:
    """Take turns with concurrent ingests that may report the same happening.

    Two ingests can only create the same new event twice when their drafts share
    what merging needs (an entity, overlapping dates): the service names those
    keys. On PostgreSQL each key is a transaction-scoped advisory lock, taken in one
    order by all (no cycles) and held until commit, so the second ingest sees the
    first's event. SQLite needs nothing: its single writer already takes turns (the
    article insert waits for the other's commit)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_lock_key(name) for name in names})
    if keys:
        session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS t(k)"),
                        {"keys": keys})


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(b"timeline-merge:" + name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def move_sources(session: Session, sources: Iterable[EventSource], target: Event) -> None:
    """Re-attach sources (with their entity links) to another event; written at the next flush."""
    for source in sources:
        source.event = target
    session.flush()


def delete_event(session: Session, event: Event) -> None:
    """Remove an event left without sources."""
    session.delete(event)
    session.flush()


def lock_event(session: Session, event: Event) -> None:
    """Hold the event's row until commit, so concurrent ingests joining the same event
    take turns, and reload its sources, which another may just have added."""
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    session.expire(event, ["sources", "actor_links", "location_links"])


def sync_event_links(session: Session, event: Event) -> None:
    """An event's actors and places are the union of its sources' (direct wins over enclosing)."""
    source_ids = [s.id for s in event.sources]
    actors = set(session.scalars(select(SourceActor.entity_id).where(SourceActor.source_id.in_(source_ids))))
    places: dict[str, tuple[bool, str | None]] = {}
    for key, direct, qualifier in session.execute(
            select(SourceLocation.entity_id, SourceLocation.direct, SourceLocation.qualifier)
            .where(SourceLocation.source_id.in_(source_ids)).order_by(SourceLocation.source_id)):
        was_direct, _ = places.get(key, (False, None))
        if not was_direct:
            places[key] = (direct, qualifier)
    session.execute(delete(EventActor).where(EventActor.event_id == event.id))
    session.execute(delete(EventLocation).where(EventLocation.event_id == event.id))
    session.add_all([EventActor(event_id=event.id, entity_id=key) for key in sorted(actors)])
    session.add_all([EventLocation(event_id=event.id, entity_id=key, direct=direct, qualifier=qualifier)
                     for key, (direct, qualifier) in sorted(places.items())])
    session.flush()
    session.expire(event, ["actor_links", "location_links"])


def merge_candidates(session: Session, start: dt.datetime, end: dt.datetime, entity_ids: Iterable[str],
                     exclude_ids: Iterable[int] = (), limit: int = 50) -> list[Event]:
    """Stored events that could be the same happening: their interval overlaps [start, end)
    (the draft's search window), and they share an actor or a named place."""
    ids = list(entity_ids)
    if not ids:
        return []
    shares_entity = or_(
        exists().where(EventActor.event_id == Event.id, EventActor.entity_id.in_(ids)),
        exists().where(EventLocation.event_id == Event.id, EventLocation.direct.is_(True),
                       EventLocation.entity_id.in_(ids)),
    )
    overlaps = and_(Event.date_start < end, Event.date_end > start)
    stmt = (select(Event).where(overlaps, shares_entity)
            .options(selectinload(Event.sources).load_only(EventSource.quote, EventSource.article_id),
                     selectinload(Event.actor_links), selectinload(Event.location_links))
            .order_by(Event.id).limit(limit))
    excluded = list(exclude_ids)
    if excluded:
        stmt = stmt.where(Event.id.not_in(excluded))
    return list(session.scalars(stmt))


def get_article(session: Session, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def list_articles(session: Session, limit: int, cursor: str | None) -> tuple[list[Article], str | None]:
    stmt = select(Article).options(load_only(
        Article.id, Article.url, Article.external_id, Article.title, Article.source,
        Article.language, Article.published_at, Article.published_offset, Article.created_at))
    if cursor:
        (last_id,) = decode_cursor(cursor, (keyset.ROW_ID,), **_signing(session, "articles"))
        stmt = stmt.where(Article.id < last_id)
    rows = list(session.scalars(stmt.order_by(Article.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor([rows[limit - 1].id], **_signing(session, "articles")) if len(rows) > limit else None
    return rows[:limit], next_cursor


def delete_article(session: Session, article_id: int) -> list[Event] | None:
    """Delete an article with its sources and the events it leaves without any
    source. Returns the surviving events that lost a source (their date and links
    need recomputing), or None when there is no such article."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    event_ids = list(session.scalars(
        select(EventSource.event_id).where(EventSource.article_id == article_id).distinct()))
    session.execute(delete(EventSource).where(EventSource.article_id == article_id))
    session.execute(delete(Article).where(Article.id == article_id))
    if not event_ids:
        return []
    orphan_ids = list(session.scalars(select(Event.id).where(
        Event.id.in_(event_ids), ~exists().where(EventSource.event_id == Event.id))))
    if orphan_ids:
        session.execute(delete(Event).where(Event.id.in_(orphan_ids)))
    session.expire_all()
    survivors = [i for i in event_ids if i not in set(orphan_ids)]
    return list(session.scalars(select(Event).where(Event.id.in_(survivors)).options(
        selectinload(Event.sources)))) if survivors else []


# ---------------------------------------------------------------- events and timelines

def _event_loading():
    return (
        selectinload(Event.sources).joinedload(EventSource.article).load_only(
            Article.id, Article.url, Article.title, Article.published_at, Article.published_offset),
        selectinload(Event.actor_links).joinedload(EventActor.entity),
        selectinload(Event.location_links).joinedload(EventLocation.entity),
    )


def get_event(session: Session, event_id: int) -> Event | None:
    return session.scalars(select(Event).where(Event.id == event_id).options(*_event_loading())).first()


def _sort_key(event: Event) -> list:
    return [event.date_start.isoformat(), event.granularity_rank,
            event.first_published_at.isoformat(), event.id]


@dataclass
class TimelineQuery:
    """A page of the timeline: filters, order and keyset position."""

    actors: list[str] = field(default_factory=list)  # entity ids, already resolved
    locations: list[str] = field(default_factory=list)
    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None
    article_id: int | None = None
    min_confidence: float | None = None
    date_sources: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    granularities: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # each must occur in the summary
    sources: list[str] = field(default_factory=list)  # the publishing source of any of its articles
    limit: int = 50
    cursor: str | None = None
    order: str = "asc"

    def scope(self) -> str:
        """What a cursor of this query is bound to: every filter and the order, not the page size."""
        return _scope("timeline", sorted(self.actors), sorted(self.locations), self.date_from, self.date_to,
                      self.article_id, self.min_confidence, sorted(self.date_sources), sorted(self.statuses),
                      sorted(self.granularities), self.words, sorted(self.sources), self.order)

    def statement(self, session: Session):
        stmt = select(Event)
        if self.actors:
            stmt = stmt.where(exists().where(
                EventActor.event_id == Event.id, EventActor.entity_id.in_(self.actors)))
        if self.locations:
            stmt = stmt.where(exists().where(
                EventLocation.event_id == Event.id, EventLocation.entity_id.in_(self.locations)))
        if self.article_id is not None:
            stmt = stmt.where(exists().where(
                EventSource.event_id == Event.id, EventSource.article_id == self.article_id))
        if self.sources:
            stmt = stmt.where(exists().where(
                EventSource.event_id == Event.id, EventSource.article_id == Article.id,
                func.lower(Article.source).in_([s.lower() for s in self.sources])))
        if self.min_confidence is not None:
            stmt = stmt.where(Event.confidence >= self.min_confidence)
        if self.date_sources:
            stmt = stmt.where(Event.date_source.in_(self.date_sources))
        if self.statuses:
            stmt = stmt.where(Event.status.in_(self.statuses))
        if self.granularities:
            stmt = stmt.where(Event.granularity.in_(self.granularities))
        for word in self.words:
            escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(func.lower(Event.summary).like(f"%{escaped}%", escape="\\"))
        # interval overlap with the half-open [from, to)
        if self.date_from is not None:
            stmt = stmt.where(Event.date_end > self.date_from)
        if self.date_to is not None:
            stmt = stmt.where(Event.date_start < self.date_to)
        order_cols = (Event.date_start, Event.granularity_rank, Event.first_published_at, Event.id)
        if self.cursor:
            key = tuple_(*decode_cursor(self.cursor, (keyset.timestamp, keyset.integer(0, 2**15 - 1),
                                                      keyset.timestamp, keyset.ROW_ID),
                                        **_signing(session, self.scope())))
            cols = tuple_(*order_cols)
            stmt = stmt.where(cols > key if self.order == "asc" else cols < key)
        ordering = order_cols if self.order == "asc" else tuple(c.desc() for c in order_cols)
        return stmt.order_by(*ordering).limit(self.limit + 1).options(*_event_loading())

    def run(self, session: Session) -> tuple[list[Event], str | None]:
        rows = list(session.scalars(self.statement(session)))
        page = rows[: self.limit]
        next_cursor = (encode_cursor(_sort_key(page[-1]), **_signing(session, self.scope()))
                       if len(rows) > self.limit else None)
        return page, next_cursor


# ---------------------------------------------------------------- the entity registry

def registry_version(session: Session) -> int:
    return session.scalar(select(RegistryVersion.version).where(RegistryVersion.id == 1)) or 0


def begin_registry_change(session: Session) -> None:
    """Move the registry version, first thing in the transaction: the row stays locked until
    commit (on SQLite the write lock is taken), so curated changes take turns, and each
    reads the entities only once it holds the lock."""
    session.execute(_insert(session, RegistryVersion).values(id=1, version=0).on_conflict_do_nothing())
    session.execute(RegistryVersion.__table__.update().where(RegistryVersion.id == 1)
                    .values(version=RegistryVersion.version + 1))
    bump_store_version(session)  # what entities, timelines and their ETags show changes too


def lock_entities(session: Session, entity_ids: Iterable[str]) -> list[Entity]:
    """The entities, read afresh and locked until commit, in one order (no lock cycles).
    An ingest linking to one of them waits (its foreign key needs the row), so a merge
    moves every link committed before it, and a later ingest finds the redirect."""
    ids = sorted(set(entity_ids))
    return list(session.scalars(select(Entity).where(Entity.id.in_(ids)).order_by(Entity.id)
                                .with_for_update().execution_options(populate_existing=True)))


def curated_entities(session: Session) -> list[Entity]:
    return list(session.scalars(select(Entity).where(Entity.curated.is_(True))
                                .options(selectinload(Entity.aliases)).order_by(Entity.id)))


def entity_redirects(session: Session) -> dict[str, str]:
    return dict(session.execute(select(EntityRedirect.from_id, EntityRedirect.to_id)).all())


def set_aliases(session: Session, entity: Entity, aliases: Iterable[str]) -> None:
    wanted = {norm_name(a): a for a in aliases if norm_name(a) and norm_name(a) != entity.name_norm}
    entity.aliases = [a for a in entity.aliases if a.alias_norm in wanted]
    have = {a.alias_norm for a in entity.aliases}
    entity.aliases += [EntityAlias(alias=alias[:255], alias_norm=n[:255])
                       for n, alias in wanted.items() if n not in have]
    session.flush()


def _move_links(session: Session, model, key_column, source_id: str, target_id: str) -> None:
    """Re-point link rows from one entity to another, dropping those the target already has."""
    taken = select(key_column).where(model.entity_id == target_id)
    session.execute(delete(model).where(model.entity_id == source_id, key_column.in_(taken)))
    session.execute(model.__table__.update().where(model.entity_id == source_id).values(entity_id=target_id))


def merge_entities(session: Session, source: Entity, target: Entity) -> None:
    """Fold ``source`` into ``target``: its links, children, names and redirects."""
    set_aliases(session, target, [*(a.alias for a in target.aliases), source.name,
                                  *(a.alias for a in source.aliases)])
    _move_links(session, EventActor, EventActor.event_id, source.id, target.id)
    _move_links(session, EventLocation, EventLocation.event_id, source.id, target.id)
    _move_links(session, SourceActor, SourceActor.source_id, source.id, target.id)
    _move_links(session, SourceLocation, SourceLocation.source_id, source.id, target.id)
    if target.parent_id == source.id:  # folding a place into a place inside it
        target.parent_id = source.parent_id
    session.execute(Entity.__table__.update().where(Entity.parent_id == source.id, Entity.id != target.id)
                    .values(parent_id=target.id))
    session.execute(EntityRedirect.__table__.update().where(EntityRedirect.to_id == source.id)
                    .values(to_id=target.id))
    session.add(EntityRedirect(from_id=source.id, to_id=target.id))
    target.curated = True
    session.flush()
    session.delete(source)
    session.flush()


# ---------------------------------------------------------------- API keys

def add_api_key(session: Session, *, name: str | None, scope: str, prefix: str, key_hash: str) -> ApiKey:
    row = ApiKey(name=name, scope=scope, prefix=prefix, key_hash=key_hash)
    session.add(row)
    session.flush()
    return row


def active_api_key(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))).first()


def any_active_api_key(session: Session) -> bool:
    return session.scalar(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)) is not None


def list_api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_api_key(session: Session, key_id: int) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


# ---------------------------------------------------------------- deployment, store version

def deployment(session: Session) -> Deployment:
    """The deployment's row (made by its migration; made again if the table was emptied)."""
    row = session.get(Deployment, 1)
    if row is None:
        session.execute(_insert(session, Deployment).values(id=1, uid=str(uuid.uuid4()), secret=secrets.token_hex(32))
                        .on_conflict_do_nothing())
        session.commit()
        row = session.get(Deployment, 1)
    return row


_secrets: dict[str, str] = {}


def _signing(session: Session, scope: str) -> dict[str, str]:
    """The cursor signing arguments: the deployment's secret (read once per database per
    process) and the query's scope."""
    url = str(session.get_bind().url)
    if url not in _secrets:
        _secrets[url] = deployment(session).secret
    return {"secret": _secrets[url], "scope": scope}


def _scope(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


STORE_VERSION_SHARDS = 16


def bump_store_version(session: Session) -> None:
    """Count one change in the transaction under way (see StoreVersion)."""
    shard = random.randrange(STORE_VERSION_SHARDS)
    stmt = _insert(session, StoreVersion).values(shard=shard, version=1)
    session.execute(stmt.on_conflict_do_update(index_elements=[StoreVersion.shard],
                                               set_={"version": StoreVersion.version + 1}))


def store_version(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(StoreVersion.version), 0))))  # a Decimal on PostgreSQL
