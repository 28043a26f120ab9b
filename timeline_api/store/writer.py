"""Ingest's writes, and the reads they need, as SQLAlchemy Core statements built once.

An article is a handful of statements whatever its size: the entities it names upserted in one
(``ON CONFLICT DO NOTHING``, in id order), the article, its mentions, its new events and their
sources as multi-row inserts that return their ids, the links as executemany, and the events it
joins locked and read in four. No ORM unit of work: an ingest writes rows, and the records it
returns (``WrittenEvent``...) are what it wrote, with the attribute names the ORM models have, so
the HTTP layer renders them as it renders events read back.

The rules (which draft joins which event, what an event's date is) are the service's; this module
only moves rows.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from timeline_api.entities.normalize import indexed_keys, norm_name
from timeline_api.entities.types import Entity as EntityValue
from timeline_api.pipeline import clock
from timeline_api.store.models import (
    Article,
    Entity,
    EntityAlias,
    EntityMention,
    EntityName,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    MergeKey,
    SourceActor,
    SourceLocation,
)
from timeline_api.store.sql import any_of, insert_rows

ARTICLES: Table = Article.__table__
EVENTS: Table = Event.__table__
SOURCES: Table = EventSource.__table__
SOURCE_ACTORS: Table = SourceActor.__table__
SOURCE_LOCATIONS: Table = SourceLocation.__table__
EVENT_ACTORS: Table = EventActor.__table__
EVENT_LOCATIONS: Table = EventLocation.__table__
ENTITIES: Table = Entity.__table__
ALIASES: Table = EntityAlias.__table__
NAMES: Table = EntityName.__table__
MENTIONS: Table = EntityMention.__table__
MERGE_INDEX: Table = MergeKey.__table__


_on_conflict_cache: dict[tuple[str, str], object] = {}


def insert_ignoring_conflicts(conn: Connection, table: Table):
    """INSERT ... ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike (built once per table)."""
    key = (conn.dialect.name, table.name)
    stmt = _on_conflict_cache.get(key)
    if stmt is None:
        stmt = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table).on_conflict_do_nothing()
        _on_conflict_cache[key] = stmt
    return stmt


@functools.lru_cache(maxsize=1 << 16)
def _norm(name: str) -> str:
    """The normalised name as stored (entities.name_norm, entity_aliases.alias_norm); the same
    names come in article after article."""
    return norm_name(name)[:255]


@functools.lru_cache(maxsize=1 << 16)
def _index_rows(entity_id: str, name: str, kind: str | None, is_alias: bool) -> tuple[tuple[str, str, str], ...]:
    return tuple((entity_id, k.key[:255], k.form) for k in indexed_keys(name, kind, is_alias=is_alias))


# ---------------------------------------------------------------- the records an ingest returns

@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as an event shows it."""

    id: str
    name: str
    kind: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class WrittenLink:
    """An actor or a place of an event, as reads give it too (entity_id, name, kind, ...)."""

    entity: EntityRef
    direct: bool = True
    qualifier: str | None = None

    @property
    def entity_id(self) -> str:
        return self.entity.id

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def kind(self) -> str:
        return self.entity.kind

    @property
    def latitude(self) -> float | None:
        return self.entity.latitude

    @property
    def longitude(self) -> float | None:
        return self.entity.longitude


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What an event's source shows of its article."""

    id: int
    url: str | None
    title: str | None
    published_at: dt.datetime  # naive UTC
    published_offset: int | None

    @property
    def published_at_with_offset(self) -> dt.datetime:
        return clock.from_utc(self.published_at, self.published_offset)


@dataclass(slots=True)
class WrittenArticle:
    """An article as written, and the events it reports, as they stand after it (timeline order)."""

    id: int
    url: str | None
    external_id: str | None
    content_hash: str
    title: str | None
    source: str | None
    language: str
    published_at: dt.datetime
    published_offset: int | None
    text: str
    created_at: dt.datetime
    events: list[WrittenEvent] = field(default_factory=list)

    @property
    def published_at_with_offset(self) -> dt.datetime:
        return clock.from_utc(self.published_at, self.published_offset)

    def ref(self) -> ArticleRef:
        return ArticleRef(self.id, self.url, self.title, self.published_at, self.published_offset)


@dataclass(slots=True)
class WrittenSource:
    """A row of event_sources, with its article and the entities it names."""

    id: int
    article_id: int
    article: ArticleRef
    start: int
    end: int
    quote: str
    date_value: str
    date_start: dt.datetime
    date_end: dt.datetime
    granularity: str
    date_text: str | None
    date_source: str
    date_mod: str | None
    status: str
    confidence: float

    # what a read's source row gives of its article (api.events.event_to_dict reads these)
    @property
    def url(self) -> str | None:
        return self.article.url

    @property
    def title(self) -> str | None:
        return self.article.title

    @property
    def published_at(self) -> dt.datetime:
        return self.article.published_at

    @property
    def published_offset(self) -> int | None:
        return self.article.published_offset


@dataclass(slots=True)
class WrittenEvent:
    """A row of events with its sources (by id) and links (by entity id)."""

    id: int
    date_value: str
    date_start: dt.datetime
    date_end: dt.datetime
    granularity: str
    granularity_rank: int
    date_text: str | None
    date_source: str
    date_mod: str | None
    date_offset: int | None
    summary: str
    status: str
    confidence: float
    first_published_at: dt.datetime
    merge_reason: str | None = None
    merge_score: float | None = None
    words: str | None = None
    sources: list[WrittenSource] = field(default_factory=list)
    actor_links: list[WrittenLink] = field(default_factory=list)
    location_links: list[WrittenLink] = field(default_factory=list)

    def timeline_key(self) -> tuple:
        return self.date_start, self.granularity_rank, self.first_published_at, self.id

    # the names a read's record (repository.EventRecord) gives them
    @property
    def actors(self) -> list[WrittenLink]:
        return self.actor_links

    @property
    def places(self) -> list[WrittenLink]:
        return self.location_links


EVENT_FIELDS = ("date_value", "date_start", "date_end", "granularity", "granularity_rank", "date_text",
                "date_source", "date_mod", "date_offset", "summary", "status", "confidence",
                "first_published_at", "merge_reason", "merge_score", "words")
SOURCE_DATE_FIELDS = ("date_value", "date_start", "date_end", "granularity", "date_text", "date_source",
                      "date_mod", "status", "confidence")


# ---------------------------------------------------------------- entities

@dataclass(frozen=True, slots=True)
class StoredEntity:
    id: str
    name: str
    name_norm: str
    kind: str
    kind_guessed: bool
    curated: bool
    latitude: float | None
    longitude: float | None

    def ref(self) -> EntityRef:
        return EntityRef(self.id, self.name, self.kind, self.latitude, self.longitude)


_STORED = select(ENTITIES.c.id, ENTITIES.c.name, ENTITIES.c.name_norm, ENTITIES.c.kind, ENTITIES.c.kind_guessed,
                 ENTITIES.c.curated, ENTITIES.c.latitude, ENTITIES.c.longitude).where(any_of(ENTITIES.c.id, "ids"))


def stored_entities(conn: Connection, entity_ids: Iterable[str]) -> dict[str, StoredEntity]:
    ids = list(dict.fromkeys(entity_ids))
    if not ids:
        return {}
    return {row.id: StoredEntity(*row) for row in conn.execute(_STORED, {"ids": ids})}


def _depth(key: str, batch: dict[str, EntityValue]) -> int:
    depth, seen = 0, set()
    while key in batch and batch[key].parent_key and key not in seen:
        seen.add(key)
        key = batch[key].parent_key
        depth += 1
    return depth


def _index_kind(kind: str, guessed: bool) -> str | None:
    """The kind the name index goes by: None for a guess, which may be a person's name or not."""
    return None if guessed else kind


def index_names(conn: Connection, names: Iterable[tuple[str, str, str | None, bool]]) -> None:
    """Add the keys of (entity id, name, kind, is an alias) to the normalised-name index."""
    rows = {}
    for entity_id, name, kind, is_alias in names:
        for row in _index_rows(entity_id, name, kind, is_alias):
            rows.setdefault(row, None)
    if rows:
        conn.execute(insert_ignoring_conflicts(conn, NAMES), [dict(entity_id=e, key=k, form=f) for e, k, f in rows])


_HAVE_ALIASES = select(ALIASES.c.entity_id, ALIASES.c.alias_norm).where(
    any_of(ALIASES.c.entity_id, "ids"), any_of(ALIASES.c.alias_norm, "norms"))
_REKIND = (update(ENTITIES).where(ENTITIES.c.id == bindparam("key"))
           .values(kind=bindparam("kind"), kind_guessed=False))


def upsert_entities(conn: Connection, entities: Iterable[EntityValue]) -> tuple[dict[str, EntityRef], list[str],
                                                                                  list[str]]:
    """Insert the entities not stored yet (one statement, in id order: every ingest locks new
    entities in one order; concurrent ingests may race on one, so conflicts are ignored), index
    their names, and store on every entity the aliases this article learnt for it. A stored kind
    that was only the fallback guess gives way to a kind this article had a cue for.

    Returns (every entity as stored now, the ids inserted, the ids whose kind changed: their name
    index needs rebuilding)."""
    batch = {e.key: e for e in entities}
    if not batch:
        return {}, [], []
    stored = stored_entities(conn, batch)
    # parents before children, then by id: every ingest locks new entities in one order
    new = sorted((key for key in batch if key not in stored), key=lambda key: (_depth(key, batch), key))
    known = set(stored) | set(batch)
    if new:  # one executemany, parents first (each row's foreign key is checked as it goes in)
        conn.execute(insert_ignoring_conflicts(conn, ENTITIES), [dict(
            id=e.key, name=e.name[:255], name_norm=_norm(e.name), kind=e.kind, geonames_id=e.geonames_id,
            country_code=e.country_code, latitude=e.latitude, longitude=e.longitude, population=e.population,
            parent_id=e.parent_key if e.parent_key in known else None, curated=False, kind_guessed=e.kind_guessed,
            event_count=0, span_classes=0) for e in map(batch.get, new)])
        index_names(conn, [(e.key, e.name, _index_kind(e.kind, e.kind_guessed), False) for e in map(batch.get, new)])
    rekinded = [key for key, row in stored.items() if not row.curated and row.kind_guessed
                and not batch[key].kind_guessed and batch[key].kind != row.kind]
    if rekinded:
        conn.execute(_REKIND, [dict(key=key, kind=batch[key].kind) for key in rekinded])
    refs = {key: row.ref() for key, row in stored.items()}
    for key in rekinded:
        refs[key] = EntityRef(key, stored[key].name, batch[key].kind, stored[key].latitude, stored[key].longitude)
    for key in new:
        e = batch[key]
        refs[key] = EntityRef(key, e.name[:255], e.kind, e.latitude, e.longitude)
    kinds = {key: _index_kind(row.kind, row.kind_guessed) for key, row in stored.items() if key not in rekinded}
    kinds |= {key: _index_kind(batch[key].kind, batch[key].kind_guessed) for key in new}
    names = {key: row.name_norm for key, row in stored.items()} | {key: _norm(batch[key].name) for key in new}
    _add_learnt_aliases(conn, batch, names, kinds)
    return refs, new, rekinded


def _add_learnt_aliases(conn: Connection, batch: dict[str, EntityValue], names: dict[str, str],
                        kinds: dict[str, str | None]) -> None:
    """Store the aliases an article gives its entities ("BA" for British Airways) on them, new or
    stored, so they serve every later article and query."""
    wanted = {}
    for e in batch.values():
        for alias in e.aliases:
            n = _norm(alias)
            if n and n != names.get(e.key):
                wanted.setdefault((e.key, n), dict(entity_id=e.key, alias=alias[:255], alias_norm=n))
    if not wanted:
        return
    have = {tuple(row) for row in conn.execute(_HAVE_ALIASES, {"ids": sorted({key for key, _ in wanted}),
                                                                "norms": sorted({n for _, n in wanted})})}
    rows = [row for pair, row in wanted.items() if pair not in have]
    if not rows:
        return
    conn.execute(insert_ignoring_conflicts(conn, ALIASES), rows)
    # kinds.get: a rekinded entity's aliases are indexed by its rebuild
    index_names(conn, [(row["entity_id"], row["alias"], kinds.get(row["entity_id"]), True) for row in rows
                       if row["entity_id"] in kinds])


# ---------------------------------------------------------------- articles and mentions

_INSERT_ARTICLE = insert(ARTICLES)


def insert_article(conn: Connection, *, url: str | None, external_id: str | None, content_hash: str,
                   title: str | None, source: str | None, language: str, published_at: dt.datetime,
                   published_offset: int | None, text: str, created_at: dt.datetime) -> WrittenArticle:
    fields = dict(url=url, external_id=external_id, content_hash=content_hash, title=title, source=source,
                  language=language, published_at=published_at, published_offset=published_offset, text=text,
                  created_at=created_at)
    if conn.dialect.name == "postgresql":
        (article_id,) = allocate_ids(conn, ARTICLES, 1)
    else:  # the insert takes the write lock: only then is the highest id this transaction's to follow
        article_id = conn.execute(_INSERT_ARTICLE.returning(ARTICLES.c.id), fields).scalar_one()
        return WrittenArticle(id=article_id, **fields)
    conn.execute(_INSERT_ARTICLE, dict(fields, id=article_id))
    return WrittenArticle(id=article_id, **fields)


def insert_mentions(conn: Connection, article_id: int, mentions: Iterable[tuple[str, int, int, str, str]]) -> None:
    """Where the article names its entities: (entity id, start, end, text, link)."""
    insert_rows(conn, MENTIONS, ("entity_id", "article_id", "start", "end", "text", "link"),
                [(entity_id, article_id, start, end, surface[:255], link)
                 for entity_id, start, end, surface, link in mentions])


# ---------------------------------------------------------------- events, sources, links

def allocate_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """``n`` new ids for ``table``, ascending, so that rows are inserted with their ids by one
    executemany (a multi-row insert that returns ids in order is one row per statement on
    SQLite). PostgreSQL: from the table's sequence. SQLite: after the highest id, which is
    safe because the transaction already holds the database's one write lock (the article
    was inserted first) and SQLite itself would give max + 1."""
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        return sorted(conn.execute(_NEXTVAL[table.name], {"n": n}).scalars())
    first = conn.execute(_MAX_ID[table.name]).scalar_one() + 1
    return list(range(first, first + n))


_MAX_ID = {t.name: select(func.coalesce(func.max(t.c.id), 0)) for t in (ARTICLES, EVENTS, SOURCES)}
_NEXTVAL = {t.name: text(f"SELECT nextval(pg_get_serial_sequence('{t.name}', 'id')) FROM generate_series(1, :n)")
            for t in (ARTICLES, EVENTS, SOURCES)}
_EVENT_COLUMNS = ("id", *EVENT_FIELDS, "created_at")
_SOURCE_COLUMNS = ("id", "event_id", "article_id", "start", "end", "quote", *SOURCE_DATE_FIELDS)


def insert_events(conn: Connection, events: list[WrittenEvent], created_at: dt.datetime) -> None:
    """Insert events; their ``id`` is set (ascending, in the order given)."""
    if not events:
        return
    for event, event_id in zip(events, allocate_ids(conn, EVENTS, len(events)), strict=True):
        event.id = event_id
    insert_rows(conn, EVENTS, _EVENT_COLUMNS,
                [(e.id, *(getattr(e, f) for f in EVENT_FIELDS), created_at) for e in events])


def insert_sources(conn: Connection, sources: list[tuple[int, WrittenSource, Sequence[str],
                                                         Sequence[tuple[str, bool, str | None]]]]) -> None:
    """Insert (event id, source, actor ids, (place id, direct, qualifier)...) rows with their links;
    each source's ``id`` is set (ascending, in the order given)."""
    if not sources:
        return
    actors, places, rows = [], [], []
    for (event_id, source, actor_ids, locations), source_id in zip(
            sources, allocate_ids(conn, SOURCES, len(sources)), strict=True):
        source.id = source_id
        rows.append((source_id, event_id, source.article_id, source.start, source.end, source.quote,
                     *(getattr(source, f) for f in SOURCE_DATE_FIELDS)))
        actors.extend((source_id, key) for key in dict.fromkeys(actor_ids))
        places.extend((source_id, key, direct, qualifier)
                      for key, direct, qualifier in {loc[0]: loc for loc in locations}.values())
    insert_rows(conn, SOURCES, _SOURCE_COLUMNS, rows)
    insert_rows(conn, SOURCE_ACTORS, ("source_id", "entity_id"), actors)
    insert_rows(conn, SOURCE_LOCATIONS, ("source_id", "entity_id", "direct", "qualifier"), places)


def insert_event_links(conn: Connection, actors: list[tuple[int, str]],
                       places: list[tuple[int, str, bool, str | None]]) -> None:
    insert_rows(conn, EVENT_ACTORS, ("event_id", "entity_id"), actors)
    insert_rows(conn, EVENT_LOCATIONS, ("event_id", "entity_id", "direct", "qualifier"), places)


_MAKE_DIRECT = (update(EVENT_LOCATIONS)
                .where(EVENT_LOCATIONS.c.event_id == bindparam("event"),
                       EVENT_LOCATIONS.c.entity_id == bindparam("key"))
                .values(direct=True, qualifier=bindparam("qualifier")))


def make_places_direct(conn: Connection, places: list[tuple[int, str, str | None]]) -> None:
    """(event id, place id, qualifier): an enclosing place a new source names itself."""
    if places:
        conn.execute(_MAKE_DIRECT, [dict(event=e, key=k, qualifier=q) for e, k, q in places])


_UPDATE_EVENT = (update(EVENTS).where(EVENTS.c.id == bindparam("event"))
                 .values({f: bindparam(f) for f in EVENT_FIELDS}))


def update_events(conn: Connection, events: Iterable[WrittenEvent]) -> None:
    rows = [dict({f: getattr(e, f) for f in EVENT_FIELDS}, event=e.id) for e in events]
    if rows:
        conn.execute(_UPDATE_EVENT, rows)


# ---------------------------------------------------------------- events another article reported

_LOCK_EVENTS = select(*(EVENTS.c[f] for f in ("id", *EVENT_FIELDS))).where(
    any_of(EVENTS.c.id, "ids")).order_by(EVENTS.c.id).with_for_update()
_SOURCES_OF = (select(SOURCES.c.event_id, SOURCES.c.id, SOURCES.c.article_id, SOURCES.c.start, SOURCES.c.end,
                      SOURCES.c.quote, *(SOURCES.c[f] for f in SOURCE_DATE_FIELDS), ARTICLES.c.url, ARTICLES.c.title,
                      ARTICLES.c.published_at, ARTICLES.c.published_offset)
               .join(ARTICLES, ARTICLES.c.id == SOURCES.c.article_id)
               .where(any_of(SOURCES.c.event_id, "ids")).order_by(SOURCES.c.id))
_ENTITY_REF = (ENTITIES.c.id, ENTITIES.c.name, ENTITIES.c.kind, ENTITIES.c.latitude, ENTITIES.c.longitude)
_ACTORS_OF = (select(EVENT_ACTORS.c.event_id, *_ENTITY_REF).join(ENTITIES, ENTITIES.c.id == EVENT_ACTORS.c.entity_id)
              .where(any_of(EVENT_ACTORS.c.event_id, "ids"))
              .order_by(EVENT_ACTORS.c.event_id, EVENT_ACTORS.c.entity_id))
_PLACES_OF = (select(EVENT_LOCATIONS.c.event_id, EVENT_LOCATIONS.c.direct, EVENT_LOCATIONS.c.qualifier, *_ENTITY_REF)
              .join(ENTITIES, ENTITIES.c.id == EVENT_LOCATIONS.c.entity_id)
              .where(any_of(EVENT_LOCATIONS.c.event_id, "ids"))
              .order_by(EVENT_LOCATIONS.c.event_id, EVENT_LOCATIONS.c.entity_id))


def lock_events(conn: Connection, event_ids: Sequence[int]) -> dict[int, WrittenEvent]:
    """The events, locked until commit in id order (concurrent ingests joining one take turns)
    and read afresh after the lock, with all their sources and links: another ingest may just
    have added some."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    events = {row.id: WrittenEvent(**row._mapping) for row in conn.execute(_LOCK_EVENTS, {"ids": ids})}
    articles: dict[int, ArticleRef] = {}
    for row in conn.execute(_SOURCES_OF, {"ids": ids}):
        article = articles.get(row.article_id)
        if article is None:
            article = articles[row.article_id] = ArticleRef(row.article_id, row.url, row.title, row.published_at,
                                                            row.published_offset)
        events[row.event_id].sources.append(WrittenSource(
            id=row.id, article_id=row.article_id, article=article, start=row.start, end=row.end, quote=row.quote,
            **{f: getattr(row, f) for f in SOURCE_DATE_FIELDS}))
    for event_id, *entity in conn.execute(_ACTORS_OF, {"ids": ids}):
        events[event_id].actor_links.append(WrittenLink(EntityRef(*entity)))
    for event_id, direct, qualifier, *entity in conn.execute(_PLACES_OF, {"ids": ids}):
        events[event_id].location_links.append(WrittenLink(EntityRef(*entity), bool(direct), qualifier))
    return events


_KEYS_AND_WORDS = (select(MERGE_INDEX.c.event_id, MERGE_INDEX.c.entity_id, EVENTS.c.words)
                   .join(EVENTS, EVENTS.c.id == MERGE_INDEX.c.event_id)
                   .where(any_of(MERGE_INDEX.c.event_id, "ids")))
_QUOTES = select(SOURCES.c.event_id, SOURCES.c.quote).where(any_of(SOURCES.c.event_id, "ids"))


def candidate_details(conn: Connection, event_ids: Sequence[int]
                      ) -> tuple[dict[int, set[str]], dict[int, str], dict[int, list[str]]]:
    """What merging compares of these events, in one statement: the entities each is found by,
    and its stored words; and the quotes of those stored without words (before migration 0007)."""
    keys: dict[int, set[str]] = {event_id: set() for event_id in event_ids}
    words: dict[int, str] = {}
    missing = set()
    for event_id, entity_id, value in conn.execute(_KEYS_AND_WORDS, {"ids": list(event_ids)}):
        keys[event_id].add(entity_id)
        if value is None:
            missing.add(event_id)
        else:
            words[event_id] = value
    quotes: dict[int, list[str]] = {}
    if missing:
        for event_id, quote in conn.execute(_QUOTES, {"ids": sorted(missing)}):
            quotes.setdefault(event_id, []).append(quote)
    return keys, words, quotes
