"""SQLAlchemy 2 models: articles, events with their sources, entities and their links.

Only structure lives here; the rules that fill these tables are in the pure
pipeline, and the queries in ``repository.py``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    literal_column,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

from timeline_api.pipeline import clock

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# How long an event's interval lasts, in classes: class c holds the intervals that last at most
# SPAN_LIMITS[c] (an hour; a day; a week; a month; a quarter; a year of 365 days, of 366; a
# decade; a century), and the last class, SPAN_CLASSES - 1, the longer ones. A time window
# [from, to) can only overlap an event of class c < SPAN_CLASSES - 1 that starts after
# from - SPAN_LIMITS[c], so an index on (class, start) gives each class's part of a window
# as one range bounded at both ends, however long the store's history (TimelineQuery).
# The limits sit on the calendar's own lengths so that the unit before a window's start (the
# year before a window from 1 January) falls outside its class's range.
SPAN_LIMITS = tuple(dt.timedelta(days=days) for days in (1 / 24, 1, 7, 31, 92, 365, 366, 3660, 36600))
SPAN_CLASSES = len(SPAN_LIMITS) + 1
# SQLite computes the length in floating-point days (julianday): a class takes intervals up to
# this much longer than its limit, and every bound a query derives from a limit is this wider
SPAN_SLACK = dt.timedelta(seconds=1)


class span_class(FunctionElement):
    """The class (SPAN_LIMITS) of the interval [start, end): a generated column's expression."""

    type = SmallInteger()
    name = "span_class"
    inherit_cache = True


@compiles(span_class, "postgresql")
def _span_class_postgresql(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    cases = " ".join(f"WHEN {end} - {start} <= INTERVAL '{int(limit.total_seconds())} seconds' THEN {c}"
                     for c, limit in enumerate(SPAN_LIMITS))
    return f"CASE {cases} ELSE {len(SPAN_LIMITS)} END"


@compiles(span_class, "sqlite")
def _span_class_sqlite(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    seconds = f"(julianday({end}) - julianday({start})) * 86400"
    slack = SPAN_SLACK.total_seconds()
    cases = " ".join(f"WHEN {seconds} <= {limit.total_seconds() + slack:.0f} THEN {c}"
                     for c, limit in enumerate(SPAN_LIMITS))
    return f"CASE {cases} ELSE {len(SPAN_LIMITS)} END"


def _span_column() -> Computed:
    # stored on PostgreSQL (it requires it), virtual on SQLite (ALTER TABLE can add no other):
    # the migration writes each database's DDL
    return Computed(span_class(literal_column("date_start"), literal_column("date_end")))


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # sha256 of the text: identical text posted again is the same article
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(String(1000))
    source: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(16), default="en")
    # naive UTC throughout the store (it orders articles); the offset the publisher gave, in
    # minutes east of UTC, is kept beside it: None when the time came without one
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    published_offset: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    sources: Mapped[list[EventSource]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def published_at_with_offset(self) -> dt.datetime:
        """The publication time as the publisher gave it: aware, in its own offset (UTC without one)."""
        return clock.from_utc(self.published_at, self.published_offset)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date_value: Mapped[str] = mapped_column(String(64))
    date_start: Mapped[dt.datetime] = mapped_column(DateTime)
    date_end: Mapped[dt.datetime] = mapped_column(DateTime)
    granularity: Mapped[str] = mapped_column(String(16))
    # coarse before fine at the same start: "May 2023" sorts before "3 May 2023"
    granularity_rank: Mapped[int] = mapped_column(SmallInteger)
    date_text: Mapped[str | None] = mapped_column(String(255))
    date_source: Mapped[str] = mapped_column(String(16))
    date_mod: Mapped[str | None] = mapped_column(String(16))
    # the interval is wall-clock time of the source that dates it; its UTC offset in minutes
    # (None: UTC, or an article published without an offset)
    date_offset: Mapped[int | None] = mapped_column(SmallInteger)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="occurred")
    confidence: Mapped[float] = mapped_column(Float)
    # publication date of the earliest source, the last ordering key
    first_published_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # why reports from several articles are this one event (None for one article's):
    # "entities+dates+wording" and the score of the weakest merge (pipeline/merging.py)
    merge_reason: Mapped[str | None] = mapped_column(String(64))
    merge_score: Mapped[float | None] = mapped_column(Float)
    # the content words of its sources' quotes (pipeline.merging.signature), space-separated: what
    # merging compares, kept so that a candidate costs no quotes to read and tokenise. None for
    # events stored before migration 0007 (merging computes them from the quotes then)
    words: Mapped[str | None] = mapped_column(Text, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # the class of the interval's length (SPAN_LIMITS), computed by the database
    span: Mapped[int] = mapped_column(SmallInteger, _span_column())

    sources: Mapped[list[EventSource]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="EventSource.id",
    )
    # by entity id: the order ingest writes and returns them in
    actor_links: Mapped[list[EventActor]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventActor.entity_id"
    )
    location_links: Mapped[list[EventLocation]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventLocation.entity_id"
    )

    __table_args__ = (
        # the timeline's keyset order
        Index("ix_events_timeline_order", "date_start", "granularity_rank", "first_published_at", "id"),
        Index("ix_events_date_end", "date_end"),
        # time windows: each class of length is a range of starts, bounded at both ends; the end
        # rides along so the overlap is checked in the index
        Index("ix_events_window", "span", "date_start", "granularity_rank", "first_published_at", "id", "date_end"),
    )


class EventSource(Base):
    """One piece of evidence for an event: a sentence of an article, with the
    date and the entities that sentence gives the happening. The event's own
    date and links are derived from its sources, so removing an article can
    recompute them."""

    __tablename__ = "event_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    # character offsets of the sentence in the article's text
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    date_value: Mapped[str] = mapped_column(String(64))
    date_start: Mapped[dt.datetime] = mapped_column(DateTime)
    date_end: Mapped[dt.datetime] = mapped_column(DateTime)
    granularity: Mapped[str] = mapped_column(String(16))
    date_text: Mapped[str | None] = mapped_column(String(255))
    date_source: Mapped[str] = mapped_column(String(16))
    date_mod: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)

    event: Mapped[Event] = relationship(back_populates="sources")
    article: Mapped[Article] = relationship(back_populates="sources")
    actor_links: Mapped[list[SourceActor]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    location_links: Mapped[list[SourceLocation]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)


class SourceActor(Base):
    __tablename__ = "source_actors"

    source_id: Mapped[int] = mapped_column(ForeignKey("event_sources.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class SourceLocation(Base):
    __tablename__ = "source_locations"

    source_id: Mapped[int] = mapped_column(ForeignKey("event_sources.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    direct: Mapped[bool] = mapped_column(Boolean, default=True)
    qualifier: Mapped[str | None] = mapped_column(String(64))


class Entity(Base):
    """An actor or place, keyed by its stable id (``geonames:524901``, ``org:cnn``)."""

    __tablename__ = "entities"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    name_norm: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    country_code: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(BigInteger)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    # the kind was the extractor's fallback guess (an unknown name is an organisation): a later
    # article that gives a cue ("Mr", a given name) corrects it
    kind_guessed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the events it is an actor or a named place of (its rows in merge_index), kept by every write
    # that changes them, so that listings and searches read it instead of counting links.
    # Deferred: the ORM's users never need it, and migrations before 0007 run these models.
    event_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    # bit i set: it may have merge_index rows of span class i (set as rows come, never cleared),
    # so a merge-candidate probe skips the classes it has none of, and a new entity costs none
    span_classes: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)

    aliases: Mapped[list[EntityAlias]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EntityAlias.id"
    )


class EntityAlias(Base):
    __tablename__ = "entity_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    alias_norm: Mapped[str] = mapped_column(String(255), index=True)

    __table_args__ = (UniqueConstraint("entity_id", "alias_norm", name="uq_entity_aliases_entity_alias"),)


class EntityName(Base):
    """The normalised-name index: every key under which an entity's name and aliases are found
    (``entities/normalize.py``: "rollsroyce" for "Rolls-Royce plc", "bis" as an acronym, "kopp"
    as a surname). Resolution looks typed names up here, never in Python over all entities.

    The fuzzy step needs a trigram index over ``key``, which the migrations make outside these
    models because it differs by database (``SEARCH_INDEX_OBJECTS``): a pg_trgm GIN index on
    PostgreSQL, an FTS5 trigram table kept in step by triggers on SQLite."""

    __tablename__ = "entity_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255), index=True)
    form: Mapped[str] = mapped_column(String(16))

    # concurrent ingests may index the same new name: inserts ignore what is there
    __table_args__ = (UniqueConstraint("entity_id", "key", "form", name="uq_entity_names_entity_key_form"),)


# made by the migrations for the fuzzy step, per database; not models (see EntityName)
SEARCH_INDEX_OBJECTS = frozenset((
    "ix_entity_names_key_trgm", "entity_names_fts", "entity_names_fts_data", "entity_names_fts_idx",
    "entity_names_fts_docsize", "entity_names_fts_config", "entity_names_fts_content",
))


def include_in_schema_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparison of models and database: leave the search indexes out."""
    return name not in SEARCH_INDEX_OBJECTS


class EntityMention(Base):
    """Where an article names an entity: the span, its text, and how it names it (``name``,
    ``alias``, ``pronoun``, ...), so users can see why an event is in a timeline."""

    __tablename__ = "entity_mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(255))
    link: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_entity_mentions_entity_page", "entity_id", "article_id", "start", "id"),)


class TimelinePosition:
    """Copies of the event's timeline sort key, interval and its class on a link row, so that
    an entity's timeline is a walk of one index in timeline order (entity, class, start, ...):
    a page costs the same for an actor of ten events and one of a hundred thousand. The
    database keeps them (migration 0006r's triggers): a link inserted without them takes its
    event's, and changing an event's sort key or interval changes its links'."""

    date_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    date_end: Mapped[dt.datetime | None] = mapped_column(DateTime)
    granularity_rank: Mapped[int | None] = mapped_column(SmallInteger)
    first_published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    span: Mapped[int | None] = mapped_column(SmallInteger, _span_column())


def _timeline_index(table: str) -> Index:
    return Index(f"ix_{table}_timeline", "entity_id", "span", "date_start", "granularity_rank", "first_published_at",
                 "event_id", "date_end")


class EventActor(TimelinePosition, Base):
    __tablename__ = "event_actors"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[Entity] = relationship()

    __table_args__ = (Index("ix_event_actors_entity_event", "entity_id", "event_id"), _timeline_index("event_actors"))


class EventLocation(TimelinePosition, Base):
    """Where an event happened. Besides the place named (``direct``), every
    enclosing place is linked too, so ``location=Russia`` is one indexed lookup
    that also finds events in Moscow."""

    __tablename__ = "event_locations"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    direct: Mapped[bool] = mapped_column(Boolean, default=True)
    qualifier: Mapped[str | None] = mapped_column(String(64))
    entity: Mapped[Entity] = relationship()

    __table_args__ = (Index("ix_event_locations_entity_event", "entity_id", "event_id"),
                      _timeline_index("event_locations"))


# ---------------------------------------------------------------- the merge index

# Merge candidates are found by entity and interval. A B-tree over (entity, start) bounds the
# start from above (it must be before the window's end) but not from below, unless the
# interval's length is bounded: so each row carries its length's class, and a window probes
# each class from (window start - the class's longest interval). Changing these bounds needs a
# migration that recomputes merge_index.span_class.
MERGE_SPAN_DAYS = (8, 93, 367, 3654)  # a day or a week; a month or quarter; a year; a decade; longer
WIDEST_MERGE_SPAN = len(MERGE_SPAN_DAYS)


def merge_span(start: dt.datetime, end: dt.datetime) -> int:
    """The merge index's class of an interval's length: the first of MERGE_SPAN_DAYS it fits, else
    the widest. (Coarser than SPAN_LIMITS, the timeline's classes: a probe scans each class.)"""
    days = (end - start).total_seconds() / 86400
    return next((i for i, bound in enumerate(MERGE_SPAN_DAYS) if days <= bound), WIDEST_MERGE_SPAN)


class MergeKey(Base):
    """An entity an event is found by when a new report may be the same happening (its actors
    and the places it names: pipeline.merging.MergeView.entity_keys), with the event's interval
    and what comparing dates needs. The index over (entity, span class, start) answers "events of
    these entities overlapping this window" in a few short range scans, whatever the store's
    size; the rows per entity are its ``event_count``."""

    __tablename__ = "merge_index"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    span_class: Mapped[int] = mapped_column(SmallInteger)
    date_start: Mapped[dt.datetime] = mapped_column(DateTime)
    date_end: Mapped[dt.datetime] = mapped_column(DateTime)
    granularity_rank: Mapped[int] = mapped_column(SmallInteger)
    inferred: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        # covering: a probe reads no event row before the dates are known to agree
        Index("ix_merge_index_probe", "entity_id", "span_class", "date_start", "date_end", "granularity_rank",
              "inferred", "event_id"),
    )


class EntityRedirect(Base):
    """An entity folded into another (POST /v1/entities/{id}/merge): later ingests
    that find the old id link the new one."""

    __tablename__ = "entity_redirects"

    from_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    to_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)


class RegistryVersion(Base):
    """One row, bumped by every change to curated entities, so each app process
    knows when to rebuild its matcher with them."""

    __tablename__ = "registry_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class ApiKey(Base):
    """A key that authorises requests (``timeline-api keys create``). Only the SHA-256 of the
    key is stored: keys are 256 random bits, so a fast hash is safe, and a stolen database
    does not give the keys away. ``prefix`` lets people tell their keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    scope: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class StoreVersion(Base):
    """Counts the changes to what the API serves (ingests, deletions, curation). A change
    adds one to a shard picked at random, so that concurrent writers seldom wait on one
    row; the sum grows with every committed change, and only at commit: the ETag of every
    list and timeline, known from one small read before any query runs."""

    __tablename__ = "store_versions"

    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class Deployment(Base):
    """One row, written by the migration that made it: the deployment's own id (calendar
    UIDs that no other deployment gives) and the secret its cursors are signed with, the
    same for every app server that shares the database."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36))
    secret: Mapped[str] = mapped_column(String(64))
