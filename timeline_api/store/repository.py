"""Queries and writes over the models. No text parsing here: the pipeline
hands over finished drafts, and this module only stores and finds them."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import secrets
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    Integer,
    Row,
    String,
    and_,
    any_,
    bindparam,
    delete,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only, selectinload

from timeline_api.entities.normalize import (
    FUZZY_MIN_LETTERS,
    MATCH_RANK,
    MATCH_SCORES,
    MEETS,
    fuzzy_probe,
    match_of,
    name_key,
    norm_name,
    query_keys,
    within_one_edit,
)
from timeline_api.entities.types import ACTOR_KINDS, PLACE_KINDS
from timeline_api.entities.types import Entity as EntityValue
from timeline_api.store import cursor as keyset
from timeline_api.store import merge_index, writer
from timeline_api.store.cursor import InvalidCursor, decode_cursor, encode_cursor
from timeline_api.store.models import (
    SPAN_CLASSES,
    SPAN_LIMITS,
    SPAN_SLACK,
    ApiKey,
    Article,
    Deployment,
    Entity,
    EntityAlias,
    EntityMention,
    EntityName,
    EntityRedirect,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    MergeKey,
    RegistryVersion,
    SourceActor,
    SourceLocation,
    StoreVersion,
    utcnow,
)
from timeline_api.store.sql import any_of


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


# ---------------------------------------------------------------- entities

def ensure_entities(session: Session, entities: Iterable[EntityValue]) -> list[str]:
    """Insert the entities not stored yet and the aliases learnt for stored ones, as ingest does
    (store/writer.py); returns the ids inserted."""
    _, new, rekinded = writer.upsert_entities(session.connection(), entities)
    if rekinded:
        reindex_entity_names(session, rekinded)
    return new


def _index_kind(kind: str, guessed: bool) -> str | None:
    """The kind the name index goes by: None for a guess, which may be a person's name or not."""
    return None if guessed else kind


def reindex_entity_names(session: Session, entity_ids: Iterable[str] | None = None) -> int:
    """Rebuild the index rows of these entities (all when None) from their names, aliases and
    kinds: after a rename, a new kind, a merge, or a change of the normalisation's word lists.
    Returns the number of entities indexed."""
    ids = None if entity_ids is None else list(dict.fromkeys(entity_ids))
    done, last = 0, ""
    while True:
        stmt = select(Entity.id, Entity.name, Entity.kind, Entity.kind_guessed).order_by(Entity.id).limit(1000)
        stmt = stmt.where(Entity.id.in_(ids)) if ids is not None else stmt.where(Entity.id > last)
        rows = session.execute(stmt).all()
        if not rows:
            return done
        batch = [row.id for row in rows]
        session.execute(delete(EntityName).where(EntityName.entity_id.in_(batch)))
        aliases = session.execute(select(EntityAlias.entity_id, EntityAlias.alias)
                                  .where(EntityAlias.entity_id.in_(batch)).order_by(EntityAlias.id)).all()
        kinds = {row.id: _index_kind(row.kind, row.kind_guessed) for row in rows}
        writer.index_names(session.connection(), [(row.id, row.name, kinds[row.id], False) for row in rows]
                           + [(a.entity_id, a.alias, kinds[a.entity_id], True) for a in aliases])
        done += len(rows)
        if ids is not None:
            return done
        last = batch[-1]


# ---------------------------------------------------------------- resolving typed names

@dataclass(frozen=True)
class EntityMatch:
    """One entity a typed name resolved to, and how ("name", "alias", "normalised", ...)."""

    entity_id: str
    name: str
    kind: str
    match: str
    # for a variant, the rule that made it: acronym, short, surname, person, nickname or core
    rule: str | None = None
    kind_guessed: bool = False

    @property
    def score(self) -> float:
        return MATCH_SCORES[self.match]

    @property
    def rank(self) -> int:
        return MATCH_RANK[self.match]


@dataclass(frozen=True)
class Resolution:
    """What a typed name resolved to: every entity it met, best match first."""

    query: str
    matches: list[EntityMatch]

    @property
    def best(self) -> list[EntityMatch]:
        """The entities of the best rank met: what a filter by this name means."""
        return [m for m in self.matches if m.rank == self.matches[0].rank] if self.matches else []


def resolve_names(session: Session, queries: Sequence[str], *, exact: bool = False,
                  fuzzy: bool | Callable[[str], bool] = True, all_ranks: bool = False) -> list[Resolution]:
    """Resolve typed names to entities, in rank order: exact id or name (redirects of merged ids
    too), alias, the normalised key, its variants (acronym, short form, surname, nickname, without
    a qualifier), then one typing error. All through indexes, a step at a time, each only for the
    queries the steps before left unmet (``all_ranks``: every step for every query, as a search
    lists them): one lookup of the exact and normalised keys of every query, one of their variants,
    and a trigram-index probe. ``exact`` keeps the first three ranks only (``match=exact``);
    ``fuzzy`` may say which queries the typing-error step is for."""
    found: dict[str, dict[str, tuple[str, str | None]]] = {q: {} for q in queries}  # entity id -> (match, rule)

    def note(query: str, entity_id: str, match: str, rule: str | None = None) -> None:
        old = found[query].get(entity_id)
        if old is None or MATCH_RANK[match] < MATCH_RANK[old[0]]:
            found[query][entity_id] = (match, rule)

    refs = list(dict.fromkeys(queries))
    if not refs:
        return []
    conn = session.connection()
    for ref, entity_id in conn.execute(_IDS_OF, {"refs": refs}):  # an id, or an id merged away and where it went
        note(ref, entity_id, "id")
    keyed = {q: _query_keys(q) for q in refs}
    for step in LOOKUP_STEPS[:1] if exact else LOOKUP_STEPS:
        pending = [q for q in refs if all_ranks or not found[q]]
        if exact:
            step = {"exact": step["exact"]}
        for query, match, rule, entity_id in _index_lookup(conn, {q: keyed[q] for q in pending}, step):
            note(query, entity_id, match, rule)
    if fuzzy and not exact:
        pending = [q for q in refs if (all_ranks or not found[q]) and (fuzzy is True or fuzzy(q))]
        keys = {q: next((k.key for k in keyed[q] if k.form == "key"), "") for q in pending}
        for query, entity_ids in _fuzzy_candidates(conn, keys).items():
            for entity_id in entity_ids:
                note(query, entity_id, "fuzzy")
    return _resolutions(conn, queries, found)


_ENTITIES = Entity.__table__
_NAMES = EntityName.__table__
_REDIRECTS = EntityRedirect.__table__
_IDS_OF = union_all(
    select(_ENTITIES.c.id, _ENTITIES.c.id).where(any_of(_ENTITIES.c.id, "refs")),
    select(_REDIRECTS.c.from_id, _REDIRECTS.c.to_id).where(any_of(_REDIRECTS.c.from_id, "refs")))
_INDEX_ROWS = (select(_NAMES.c.key, _NAMES.c.form, _NAMES.c.entity_id, _ENTITIES.c.kind, _ENTITIES.c.kind_guessed)
               .join(_ENTITIES, _ENTITIES.c.id == _NAMES.c.entity_id)
               .where(any_of(_NAMES.c.key, "keys"), any_of(_NAMES.c.form, "forms")))
_RESOLVED = select(_ENTITIES.c.id, _ENTITIES.c.name, _ENTITIES.c.kind, _ENTITIES.c.kind_guessed).where(
    any_of(_ENTITIES.c.id, "ids"))


@functools.lru_cache(maxsize=1 << 16)
def _query_keys(name: str) -> tuple:
    """query_keys, once per name a process meets (the same names come in article after article)."""
    return tuple(query_keys(name))


# the index lookups of resolution, in turn: {query form: the stored forms it is looked up among}.
# First the exact and normalised names; their variants only for queries those left unmet, so a
# common short key ("rs" as initials) is not fetched for a name that has met its entity.
LOOKUP_STEPS = (
    {"exact": MEETS["exact"], "key": ("key",)},
    {"key": tuple(f for f in MEETS["key"] if f != "key"),
     **{form: stored for form, stored in MEETS.items() if form not in ("exact", "key")}},
)


def _index_lookup(conn, keyed: dict[str, Sequence], step: dict[str, tuple[str, ...]]):
    """(query, match, rule, entity id) for every stored key one of the queries' keys meets. One
    lookup of every key among every stored form of the step; which form meets which is checked
    here, per key."""
    keys = {k.key for ks in keyed.values() for k in ks if k.form in step}
    if not keys:
        return
    forms = sorted({form for query_form in step for form in step[query_form]})
    stored: dict[str, list[tuple[str, str, str | None]]] = {}
    for key, form, entity_id, kind, guessed in conn.execute(_INDEX_ROWS, {"keys": sorted(keys), "forms": forms}):
        stored.setdefault(key, []).append((form, entity_id, _index_kind(kind, guessed)))
    for query, query_keys_ in keyed.items():
        for k in query_keys_:
            if k.form not in step:
                continue
            for form, entity_id, kind in stored.get(k.key, ()):
                if form not in step[k.form]:
                    continue
                match = match_of(k.form, form, kind)
                if match is not None:
                    yield query, match, (form if k.form == "key" else k.form) if match == "variant" else None, entity_id


def _resolutions(conn, queries: Sequence[str],
                 found: dict[str, dict[str, tuple[str, str | None]]]) -> list[Resolution]:
    ids = {entity_id for matches in found.values() for entity_id in matches}
    rows = {row.id: row for row in conn.execute(_RESOLVED, {"ids": sorted(ids)})} if ids else {}
    out = []
    for query in queries:
        matches = [EntityMatch(entity_id, rows[entity_id].name, rows[entity_id].kind, match, rule,
                               rows[entity_id].kind_guessed)
                   for entity_id, (match, rule) in found[query].items() if entity_id in rows]
        matches.sort(key=lambda m: (m.rank, m.name, m.entity_id))
        out.append(Resolution(query, matches))
    return out


# rows a trigram probe may return before the edit distance is checked in Python
_FUZZY_CANDIDATES = 200


def _fuzzy_candidates(conn, keys: dict[str, str]) -> dict[str, list[str]]:
    """{query: entities with a name key within one typing error of its key}, for all the queries
    in one statement. The index finds the keys that start with a key's first half or end with its
    second (one edit leaves one half whole), through pg_trgm on PostgreSQL and an FTS5 trigram
    table on SQLite; Python checks the distance."""
    probes = {query: probe for query, key in keys.items() if (probe := fuzzy_probe(key)) is not None}
    if not probes:
        return {}
    if conn.dialect.name == "postgresql":
        hits = ("SELECT id FROM entity_names WHERE form = 'key' AND key LIKE :prefix{n} UNION "
                "SELECT id FROM entity_names WHERE form = 'key' AND key LIKE :suffix{n}")
    else:
        hits = ("SELECT rowid FROM entity_names_fts WHERE key LIKE :prefix{n} UNION "
                "SELECT rowid FROM entity_names_fts WHERE key LIKE :suffix{n}")
    # one candidate set per key, each part through an index; an OR beside the IN made PostgreSQL scan
    one = ("SELECT * FROM (SELECT {n} AS n, n.key, n.entity_id FROM entity_names n WHERE n.id IN (" + hits
           + " UNION SELECT id FROM entity_names WHERE key = :swapped{n} AND form = 'key') "
           "AND n.form = 'key' AND length(n.key) BETWEEN :shortest{n} AND :longest{n} LIMIT :limit) AS c{n}")
    queries = list(probes)
    found: dict[str, dict[str, None]] = {query: {} for query in queries}
    for first in range(0, len(queries), _FUZZY_PER_STATEMENT):
        params: dict[str, object] = {"limit": _FUZZY_CANDIDATES}
        chunk = range(first, min(first + _FUZZY_PER_STATEMENT, len(queries)))
        for n in chunk:
            probe = probes[queries[n]]
            params |= {f"prefix{n}": probe.prefix + "%", f"suffix{n}": "%" + probe.suffix,
                       f"swapped{n}": probe.swapped, f"shortest{n}": len(probe.key) - 1,
                       f"longest{n}": len(probe.key) + 1}
        sql = " UNION ALL ".join(one.format(n=n) for n in chunk)
        for n, stored_key, entity_id in conn.execute(text(sql), params):
            key = probes[queries[n]].key
            if sum(c.isalpha() for c in stored_key) >= FUZZY_MIN_LETTERS and within_one_edit(key, stored_key):
                found[queries[n]].setdefault(entity_id)
    return {query: list(ids) for query, ids in found.items()}


# keys probed by one statement: SQLite allows 500 terms in a compound SELECT
_FUZZY_PER_STATEMENT = 100


@dataclass(frozen=True)
class IndexedName:
    entity_id: str
    key: str
    form: str
    name: str
    kind: str
    kind_guessed: bool
    curated: bool
    geonames_id: int | None


def indexed_names(session: Session, keys: Iterable[str], forms: Iterable[str]) -> list[IndexedName]:
    """The index rows with these keys and forms, with their entity's name and kind."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    return [IndexedName(*row) for row in session.connection().execute(
        _INDEXED_NAMES, {"keys": keys, "forms": sorted(set(forms))})]


_INDEXED_NAMES = (select(_NAMES.c.entity_id, _NAMES.c.key, _NAMES.c.form, _ENTITIES.c.name, _ENTITIES.c.kind,
                         _ENTITIES.c.kind_guessed, _ENTITIES.c.curated, _ENTITIES.c.geonames_id)
                  .join(_ENTITIES, _ENTITIES.c.id == _NAMES.c.entity_id)
                  .where(any_of(_NAMES.c.key, "keys"), any_of(_NAMES.c.form, "forms")))


def entities_named(session: Session, name: str) -> list[str]:
    """Ids of the entities whose own name has this normalised name ("Bayer AG" for "Bayer")."""
    key = name_key(name)
    rows = session.execute(select(Entity.id, Entity.name).join(EntityName, EntityName.entity_id == Entity.id)
                           .where(EntityName.key == key, EntityName.form == "key")).all()
    return sorted({row.id for row in rows if name_key(row.name) == key})


# ---------------------------------------------------------------- listing entities

def event_counts(session: Session, entity_ids: Sequence[str]) -> dict[str, int]:
    """Events each entity is linked to (as an actor or a named place), for these entities only:
    the counter every write keeps (``entities.event_count``), not a count of links."""
    return dict(merge_index.stored_counts(session.connection(), entity_ids))


def linked_event_counts(session: Session, entity_ids: Sequence[str]) -> dict[str, int]:
    """The same, counted from the links (what the counters must equal; and the only count before
    migration 0007, which the migrations before it rely on)."""
    ids = list(dict.fromkeys(entity_ids))
    if not ids:
        return {}
    links = union_all(
        select(EventActor.entity_id.label("entity_id"), EventActor.event_id.label("event_id"))
        .where(EventActor.entity_id.in_(ids)),
        select(EventLocation.entity_id, EventLocation.event_id)
        .where(EventLocation.direct.is_(True), EventLocation.entity_id.in_(ids)),
    ).subquery()
    counts = dict(session.execute(select(links.c.entity_id, func.count(func.distinct(links.c.event_id)))
                                  .group_by(links.c.entity_id)).all())
    return {entity_id: counts.get(entity_id, 0) for entity_id in ids}


def _kind_clause(kind: str | None):
    if kind == "actor":
        return Entity.kind.in_(ACTOR_KINDS)
    if kind == "location":
        return Entity.kind.in_(PLACE_KINDS)
    return Entity.kind == kind if kind else None


# the ranked head of a search (names the query resolved to) is at most this long
SEARCH_RESOLVED_LIMIT = 200


@dataclass(frozen=True)
class EntityHit:
    """An entity on a page of a search, its event count, and how the query met it (None: only
    as a part of a name or alias)."""

    entity: Entity
    event_count: int
    match: str | None = None


def search_entities(session: Session, q: str | None, kind: str | None, limit: int,
                    cursor: str | None) -> tuple[list[EntityHit], str | None]:
    """Entities by name. With ``q``: first those it resolves to, by rank of match and then by event
    count (``q=IBM`` lists International Business Machines first), then the rest whose name or
    alias contains it, by name. Without: all by name. Keyset pages either way."""
    kind_clause = _kind_clause(kind)
    phase, position = ("ranked", 0) if q else ("named", ("", ""))
    signing = _signing(session, _scope("entities", q, kind))
    if cursor:
        phase, first, second = decode_cursor(cursor, (_search_phase, keyset.text(255), keyset.text(128)), **signing)
        position = _ranked_position(first) if phase == "ranked" else (first, second)
    hits: list[EntityHit] = []
    ranked_ids: list[str] = []
    if q:
        ranked = _ranked_matches(session, q, kind_clause)
        ranked_ids = [m.entity_id for m, _ in ranked]
        if phase == "ranked":
            page = ranked[position:position + limit + 1]
            rows = _entities_with_aliases(session, [m.entity_id for m, _ in page])
            hits = [EntityHit(rows[m.entity_id], count, m.match) for m, count in page if m.entity_id in rows]
            if len(hits) > limit:
                return hits[:limit], encode_cursor(["ranked", str(position + limit), ""], **signing)
            phase, position = "named", ("", "")
    stmt = select(Entity).options(selectinload(Entity.aliases))
    if kind_clause is not None:
        stmt = stmt.where(kind_clause)
    if q:
        stmt = stmt.where(_contains(session, q))
        if ranked_ids:
            stmt = stmt.where(Entity.id.not_in(ranked_ids))
    name, key = position
    if name or key:
        stmt = stmt.where(tuple_(Entity.name_norm, Entity.id) > tuple_(name, key))
    room = limit - len(hits)
    rows = list(session.scalars(stmt.order_by(Entity.name_norm, Entity.id).limit(room + 1)))
    if len(rows) > room:  # more to come: after the last row shown, or from the start of the names
        last = rows[room - 1] if room else None
        next_cursor = encode_cursor(["named", last.name_norm if last else "", last.id if last else ""], **signing)
    else:
        next_cursor = None
    rows = rows[:room]
    counts = event_counts(session, [row.id for row in rows])
    return hits + [EntityHit(row, counts[row.id]) for row in rows], next_cursor


def _search_phase(value: object) -> str:
    if value not in ("ranked", "named"):
        raise ValueError(value)
    return value


def _ranked_position(value: str) -> int:
    """A position in the ranked head of a search, as its cursor holds it."""
    if not value.isdigit() or int(value) >= SEARCH_RESOLVED_LIMIT:
        raise InvalidCursor()
    return int(value)


def _ranked_matches(session: Session, q: str, kind_clause) -> list[tuple[EntityMatch, int]]:
    (resolution,) = resolve_names(session, [q], all_ranks=True)
    matches = resolution.matches[:SEARCH_RESOLVED_LIMIT]
    if kind_clause is not None and matches:
        allowed = set(session.scalars(select(Entity.id).where(
            Entity.id.in_([m.entity_id for m in matches]), kind_clause)))
        matches = [m for m in matches if m.entity_id in allowed]
    counts = event_counts(session, [m.entity_id for m in matches])
    return sorted(((m, counts[m.entity_id]) for m in matches),
                  key=lambda pair: (pair[0].rank, -pair[1], pair[0].name, pair[0].entity_id))


def _contains(session: Session, q: str):
    """Names or aliases holding ``q``: through the trigram index on the name keys when the folded
    query has three characters or more, else by scanning the exact forms."""
    key = name_key(q)
    if len(key) >= 3:
        if session.get_bind().dialect.name == "postgresql":
            hits = select(EntityName.entity_id).where(EntityName.form == "key", EntityName.key.like(f"%{key}%"))
        else:
            hits = text("SELECT n.entity_id FROM entity_names n WHERE n.id IN "
                        "(SELECT rowid FROM entity_names_fts WHERE key LIKE :pattern)").bindparams(
                pattern=f"%{key}%").columns(entity_id=String)
        return Entity.id.in_(hits)
    pattern = "%" + norm_name(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Entity.name_norm.like(pattern, escape="\\"), exists().where(
        and_(EntityAlias.entity_id == Entity.id, EntityAlias.alias_norm.like(pattern, escape="\\"))))


def _entities_with_aliases(session: Session, ids: Sequence[str]) -> dict[str, Entity]:
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(
        select(Entity).where(Entity.id.in_(list(ids))).options(selectinload(Entity.aliases)))}


def get_entity(session: Session, entity_id: str) -> EntityHit | None:
    row = _entities_with_aliases(session, [entity_id]).get(entity_id)
    return EntityHit(row, event_counts(session, [entity_id])[entity_id]) if row else None


# ---------------------------------------------------------------- mentions

def list_mentions(session: Session, *, limit: int, cursor: str | None, entity_id: str | None = None,
                  article_id: int | None = None) -> tuple[list[EntityMention], str | None]:
    """Mentions of an entity or in an article, by article and position, in keyset pages."""
    stmt = select(EntityMention)
    if entity_id is not None:
        stmt = stmt.where(EntityMention.entity_id == entity_id)
    if article_id is not None:
        stmt = stmt.where(EntityMention.article_id == article_id)
    signing = _signing(session, _scope("mentions", entity_id, article_id))
    if cursor:
        key = decode_cursor(cursor, (keyset.ROW_ID, keyset.integer(0, 2**31 - 1), keyset.ROW_ID), **signing)
        stmt = stmt.where(tuple_(EntityMention.article_id, EntityMention.start, EntityMention.id) > tuple_(*key))
    rows = list(session.scalars(stmt.order_by(EntityMention.article_id, EntityMention.start, EntityMention.id)
                                .limit(limit + 1)))
    page = rows[:limit]
    next_cursor = (encode_cursor([page[-1].article_id, page[-1].start, page[-1].id], **signing)
                   if len(rows) > limit else None)
    return page, next_cursor


# ---------------------------------------------------------------- articles

def find_existing_article(session: Session, *, url: str | None, external_id: str | None,
                          content_hash: str) -> Article | None:
    clauses = [Article.content_hash == content_hash]
    if url:
        clauses.append(Article.url == url)
    if external_id:
        clauses.append(Article.external_id == external_id)
    return session.scalars(select(Article).where(or_(*clauses)).order_by(Article.id).limit(1)).first()


def stored_article_keys(session: Session, articles: Sequence) -> set[tuple[str, str]]:
    """Which of these articles' ("url" | "external_id" | "content_hash", value) keys are stored:
    one query for a batch, so that most articles need no lookup of their own."""
    wanted = {"content_hash": {a.content_hash for a in articles}, "url": {a.url for a in articles if a.url},
              "external_id": {a.external_id for a in articles if a.external_id}}
    clauses = [getattr(Article, name).in_(sorted(values)) for name, values in wanted.items() if values]
    if not clauses:
        return set()
    found = set()
    for url, external_id, content_hash in session.execute(
            select(Article.url, Article.external_id, Article.content_hash).where(or_(*clauses))):
        found |= {("url", url), ("external_id", external_id), ("content_hash", content_hash)}
    return found


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


_CURATION_LOCK = "curation"


def lock_for_ingest(session: Session) -> None:
    """Ingests run side by side, but never beside a curation (lock_for_curation)."""
    _advisory(session, "pg_advisory_xact_lock_shared")


def lock_for_curation(session: Session) -> None:
    """A delete or a split rewires events that concurrent ingests may be joining, from
    sources it has to read first: it runs alone, first thing in its transaction, so what it
    reads stays true until it commits. Curation is rare and short; ingests wait for it. On
    SQLite the single writer already takes turns (a stale read fails and is retried)."""
    _advisory(session, "pg_advisory_xact_lock")


def _advisory(session: Session, function: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT {function}(:key)"), {"key": _lock_key(_CURATION_LOCK)})


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(b"timeline-merge:" + name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def move_sources(session: Session, sources: Iterable[EventSource], target: Event) -> None:
    """Re-attach sources (with their entity links) to another event; written at the next flush."""
    for source in sources:
        source.event = target
    session.flush()


def delete_event(session: Session, event: Event, counts: merge_index.Counts) -> None:
    """Remove an event left without sources."""
    merge_index.forget(session.connection(), [event.id], counts)
    session.delete(event)
    session.flush()


def lock_event(session: Session, event: Event) -> None:
    """Hold the event's row until commit, so concurrent ingests joining the same event
    take turns, and reload its sources, which another may just have added."""
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    session.expire(event, ["sources", "actor_links", "location_links"])


def sync_event_links(session: Session, event: Event, counts: merge_index.Counts) -> None:
    """An event's actors and places are the union of its sources' (direct wins over enclosing);
    its merge-index rows and its entities' counts follow."""
    session.flush()
    source_ids = [s.id for s in event.sources]
    actors = set(session.scalars(select(SourceActor.entity_id).where(SourceActor.source_id.in_(source_ids))))
    places: dict[str, tuple[bool, str | None]] = {}
    for key, direct, qualifier in session.execute(
            select(SourceLocation.entity_id, SourceLocation.direct, SourceLocation.qualifier)
            .where(SourceLocation.source_id.in_(source_ids)).order_by(SourceLocation.source_id)):
        was_direct, _ = places.get(key, (False, None))
        if not was_direct:
            places[key] = (direct, qualifier)
    conn = session.connection()
    old_keys = merge_index.keys_of(conn, [event.id])[event.id]
    old = session.execute(select(MergeKey.date_start, MergeKey.date_end, MergeKey.granularity_rank, MergeKey.inferred)
                          .where(MergeKey.event_id == event.id).limit(1)).first()
    session.execute(delete(EventActor).where(EventActor.event_id == event.id))
    session.execute(delete(EventLocation).where(EventLocation.event_id == event.id))
    session.add_all([EventActor(event_id=event.id, entity_id=key) for key in sorted(actors)])
    session.add_all([EventLocation(event_id=event.id, entity_id=key, direct=direct, qualifier=qualifier)
                     for key, (direct, qualifier) in sorted(places.items())])
    session.flush()
    keys = actors | {key for key, (direct, _) in places.items() if direct}
    interval = merge_index.Interval(event.date_start, event.date_end, event.granularity_rank,
                                    event.date_source != "explicit")
    merge_index.sync(conn, event.id, keys, interval, old_keys, merge_index.Interval(*old) if old else None, counts)
    session.expire(event, ["actor_links", "location_links"])


def merge_candidates(session: Session, probe: merge_index.Probe, exclude_ids: Iterable[int] = (),
                     limit: int = merge_index.CANDIDATES) -> list[Event]:
    """Stored events that could be the same happening: their interval overlaps the probe's
    window, and they share an actor or a named place; the closest first (merge_index.py)."""
    excluded = set(exclude_ids)
    (spans,) = merge_index.candidates(session.connection(), [probe], limit=limit + len(excluded))
    ids = [span.event_id for span in spans if span.event_id not in excluded][:limit]
    if not ids:
        return []
    rows = {event.id: event for event in session.scalars(
        select(Event).where(Event.id.in_(ids))
        .options(selectinload(Event.sources).load_only(EventSource.quote, EventSource.article_id),
                 selectinload(Event.actor_links), selectinload(Event.location_links)))}
    return [rows[i] for i in ids if i in rows]


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


def delete_article(session: Session, article_id: int, counts: merge_index.Counts) -> list[Event] | None:
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
        merge_index.forget(session.connection(), orphan_ids, counts)
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
    """The event as an ORM object with its sources and links, for the writes that change it
    (reads take ``event_record``)."""
    return session.scalars(select(Event).where(Event.id == event_id).options(*_event_loading())).first()


# The rows a read gives an event (load_events): plain rows, read by name.
#   a source: event_id, article_id, url, title, published_at (naive UTC), published_offset, start,
#     end, quote
#   an actor or a place: event_id, place (False: an actor), entity_id, name, kind, direct (False
#     for a place that only encloses one a source names, Russia for Moscow: the filters match it,
#     timelines do not show it), qualifier, latitude, longitude
SourceRow = Row
LinkRow = Row


@dataclass(slots=True)
class EventRecord:
    """An event as reads show it, read in plain rows: its columns, its actors, its places (the
    enclosing ones too), its sources in the order they came."""

    id: int
    date_value: str
    date_start: dt.datetime
    date_end: dt.datetime
    date_offset: int | None
    granularity: str
    granularity_rank: int
    date_text: str | None
    date_source: str
    date_mod: str | None
    summary: str
    status: str
    confidence: float
    first_published_at: dt.datetime
    merge_reason: str | None
    merge_score: float | None
    actors: list[LinkRow] = field(default_factory=list)
    places: list[LinkRow] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)


def _among_ids(column, dialect: str):
    return _among(column, "ids", dialect, Integer)


@functools.cache
def _page_statements(dialect: str) -> tuple:
    """What a page loads, built once per database kind: the events with the ids ``ids``, their
    sources (with their articles) in the order they came, their actors and places (enclosing
    places too), by event and entity id."""
    events = select(
        Event.id, Event.date_value, Event.date_start, Event.date_end, Event.date_offset, Event.granularity,
        Event.granularity_rank, Event.date_text, Event.date_source, Event.date_mod, Event.summary, Event.status,
        Event.confidence, Event.first_published_at, Event.merge_reason, Event.merge_score,
    ).where(_among_ids(Event.id, dialect))
    sources = (
        select(EventSource.event_id, EventSource.article_id, Article.url, Article.title, Article.published_at,
               Article.published_offset, EventSource.start, EventSource.end, EventSource.quote)
        .join(Article, Article.id == EventSource.article_id)
        .where(_among_ids(EventSource.event_id, dialect)).order_by(EventSource.id))
    entities = union_all(
        select(EventActor.event_id, literal(False).label("place"), Entity.id.label("entity_id"), Entity.name,
               Entity.kind, literal(True).label("direct"), null().label("qualifier"), null().label("latitude"),
               null().label("longitude"))
        .join(Entity, Entity.id == EventActor.entity_id).where(_among_ids(EventActor.event_id, dialect)),
        select(EventLocation.event_id, literal(True), Entity.id, Entity.name, Entity.kind, EventLocation.direct,
               EventLocation.qualifier, Entity.latitude, Entity.longitude)
        .join(Entity, Entity.id == EventLocation.entity_id).where(_among_ids(EventLocation.event_id, dialect)),
    ).order_by(literal_column("event_id"), literal_column("entity_id"))
    return events, sources, entities


def load_events(session: Session, event_ids: Sequence[int]) -> list[EventRecord]:
    """The events with these ids, in that order, with their links and sources: three statements
    whatever their number, plain rows, no ORM objects (reading them was most of a page's work)."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return []
    connection = session.connection()
    events, sources, entities = _page_statements(connection.dialect.name)
    # all(), not the result's iterator: it fetches rows one call at a time
    records = {row[0]: EventRecord(*row) for row in connection.execute(events, {"ids": ids}).all()}
    for source in connection.execute(sources, {"ids": ids}).all():
        records[source.event_id].sources.append(source)
    for link in connection.execute(entities, {"ids": ids}).all():
        record = records[link.event_id]
        (record.places if link.place else record.actors).append(link)
    return [records[i] for i in ids if i in records]


def event_record(session: Session, event_id: int) -> EventRecord | None:
    found = load_events(session, [event_id])
    return found[0] if found else None


# A filter by more entities than this reads each class of interval length for all of them at
# once and sorts what it finds, rather than walking each entity's timeline on its own (an
# ambiguous name can stand for dozens, and SQLite allows 500 terms in a compound SELECT).
WALKED_ENTITIES = 8
# Links counted at most, to choose which of an actor and a place filter leads a query.
DRIVER_PROBE = 2_000
_LINKS = {"actor": EventActor, "place": EventLocation}


def _among(column, name: str, dialect: str, item_type=String):
    """``column`` is one of the values bound as ``name``, in one parameter: an array on
    PostgreSQL, a JSON array on SQLite. A list of bound values (IN (?, ?, ...)) is rendered
    anew for each length, which cost a page more than the database's own work."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(item_type)))
    return column.in_(text(f"SELECT value FROM json_each(:{name})").bindparams(bindparam(name, type_=JSON)))


@dataclass(frozen=True)
class _Shape:
    """What the SQL of a timeline statement depends on; the values are bound, so each shape is
    built once (building a statement of a dozen walks cost more than running it)."""

    dialect: str
    lead: str | None  # the links the walk follows: "actor", "place", or None (the events)
    walked: int  # entities walked one by one, bound as entity_0...; 0: all at once, as "entities"
    probes: tuple[str, ...]  # the other roles asked for, checked per event, bound as <role>_ids
    filters: tuple  # which of the event's own filters are set (and how many words)
    since: bool  # from
    until: bool  # to
    after: bool  # a cursor
    order: str
    count: bool  # count the matches rather than list them


def _event_filter_clauses(filters: tuple) -> list:
    article, sources, confidence, date_sources, statuses, granularities, words = filters
    clauses = []
    if article:
        clauses.append(Event.id.in_(select(EventSource.event_id)
                                    .where(EventSource.article_id == bindparam("article_id", type_=Integer))))
    if sources:
        clauses.append(exists().where(EventSource.event_id == Event.id, EventSource.article_id == Article.id,
                                      func.lower(Article.source).in_(bindparam("sources", expanding=True))))
    if confidence:
        clauses.append(Event.confidence >= bindparam("min_confidence", type_=Float))
    for wanted, column, name in ((date_sources, Event.date_source, "date_sources"),
                                 (statuses, Event.status, "statuses"),
                                 (granularities, Event.granularity, "granularities")):
        if wanted:
            clauses.append(column.in_(bindparam(name, expanding=True)))
    clauses += [func.lower(Event.summary).like(bindparam(f"word_{i}", type_=String), escape="\\")
                for i in range(words)]
    return clauses


@functools.lru_cache(maxsize=512)
def _timeline_statement(shape: _Shape):
    """The statement of (id, date_start, granularity_rank, first_published_at) of the events a
    query of this shape matches from its cursor on, in timeline order, at most ``limit``; or
    their count."""
    table = Event if shape.lead is None else _LINKS[shape.lead]
    event_id = Event.id if shape.lead is None else table.event_id
    walk = select(event_id.label("id"), table.date_start, table.granularity_rank, table.first_published_at)
    for role in shape.probes:
        other = _LINKS[role]
        walk = walk.where(exists().where(other.event_id == event_id,
                                         _among(other.entity_id, f"{role}_ids", shape.dialect)))
    filters = _event_filter_clauses(shape.filters)
    if filters:
        if shape.lead is not None:
            walk = walk.join(Event, Event.id == table.event_id)
        walk = walk.where(*filters)
    order = (table.date_start, table.granularity_rank, table.first_published_at, event_id)
    if shape.after:
        cursor = tuple_(*(bindparam(f"after_{i}", type_=column.type) for i, column in enumerate(order)))
        walk = walk.where(tuple_(*order) > cursor if shape.order == "asc" else tuple_(*order) < cursor)
    if shape.until:  # interval overlap with the half-open [from, to)
        walk = walk.where(table.date_start < bindparam("to", type_=DateTime))
    if shape.since:
        walk = walk.where(table.date_end > bindparam("from", type_=DateTime))
    if shape.lead is None:
        groups = [walk]
    elif shape.walked:
        groups = [walk.where(table.entity_id == bindparam(f"entity_{i}", type_=String)) for i in range(shape.walked)]
    else:
        groups = [walk.where(_among(table.entity_id, "entities", shape.dialect))]
    walks = groups
    if shape.lead is not None or shape.since:  # a walk per class of length, bounded by the window
        walks = []
        for group in groups:
            for span in range(SPAN_CLASSES):
                part = group.where(table.span == span)
                if shape.since and span < len(SPAN_LIMITS):
                    part = part.where(table.date_start > bindparam(f"since_{span}", type_=DateTime))
                walks.append(part)
    distinct = shape.lead is not None and shape.walked != 1  # an event of two of the entities asked for
    if shape.count:
        if len(walks) > 1 or distinct:
            merged = union_all(*walks).subquery() if not distinct else union(*walks).subquery()
            return select(func.count()).select_from(merged)
        return select(func.count()).select_from(walks[0].subquery())
    ordering = order if shape.order == "asc" else tuple(column.desc() for column in order)
    limit = bindparam("limit", type_=Integer)
    walks = [w.order_by(*ordering).limit(limit) for w in walks]
    if len(walks) == 1:
        return walks[0]
    merged = union_all(*(select(w.subquery()) for w in walks)).subquery()
    keys = (merged.c.id, merged.c.date_start, merged.c.granularity_rank, merged.c.first_published_at)
    stmt = select(*keys).group_by(*keys) if distinct else select(*keys)
    order = (merged.c.date_start, merged.c.granularity_rank, merged.c.first_published_at, merged.c.id)
    return stmt.order_by(*(order if shape.order == "asc" else tuple(c.desc() for c in order))).limit(limit)


@functools.lru_cache(maxsize=8)
def _links_counted(role: str, dialect: str):
    """How many links the entities bound as ``ids`` have in ``role``, counted up to DRIVER_PROBE."""
    link = _LINKS[role]
    some = select(link.event_id).where(_among(link.entity_id, "ids", dialect)).limit(DRIVER_PROBE).subquery()
    return select(func.count()).select_from(some)


def _earlier(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    return moment - delta if moment - dt.datetime.min > delta else dt.datetime.min


@dataclass
class TimelineQuery:
    """A page of the timeline: filters, order and keyset position.

    The plans (docs/architecture.md, "Timeline queries"): a page first finds the sort keys of
    its events, in an index that holds the timeline order, then loads those events
    (``load_events``). Without an actor or place, the walk is over the events' timeline index;
    filtered by entities, over the links' copies of the sort key (entity, length class, start,
    ...), one walk per entity and class, merged: the cost of a page does not depend on how many
    events the entity has, nor on the store's size. A time window bounds each class's walk at
    both ends (models.SPAN_LIMITS)."""

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

    def run(self, session: Session) -> tuple[list[EventRecord], str | None]:
        keys = session.connection().execute(*self.statement(session, limit=self.limit + 1)).all()
        page = keys[: self.limit]
        next_cursor = (encode_cursor(_cursor_key(page[-1]), **_signing(session, self.scope()))
                       if len(keys) > self.limit else None)
        return load_events(session, [key.id for key in page]), next_cursor

    def count(self, session: Session, cached: bool = True) -> int:
        """How many events match, from the cursor on, whatever the page size. ``cached``: known
        from an earlier count of the same query in this process at the same store generation
        (see count_cache); a count grows with the store, and an export counts before it streams."""
        if not cached:
            return session.connection().scalar(*self.statement(session, count=True))
        generation = store_generation(session)
        if generation[0] is None:  # the deployment row is made again if the table was emptied
            deployment(session)
            generation = store_generation(session)
        cache = count_cache(session)
        key = (self.scope(), self.cursor)  # every filter and the order; and where the count starts
        total = cache.get(generation, key)
        if total is None:
            # read after the generation: this count holds at least what that generation holds
            total = session.connection().scalar(*self.statement(session, count=True))
            cache.put(generation, key, total)
        return total

    def cursor_after(self, session: Session, n: int) -> str | None:
        """The cursor of the events that follow the first ``n``; None when none follow."""
        keys = session.connection().execute(*self.statement(session, limit=n + 1)).all()
        return encode_cursor(_cursor_key(keys[n - 1]), **_signing(session, self.scope())) if len(keys) > n else None

    def statement(self, session: Session, limit: int | None = None, count: bool = False) -> tuple:
        """(statement, parameters): the sort keys (id, date_start, granularity_rank,
        first_published_at) of the matching events from the cursor on, in timeline order, at
        most ``limit``; or (``count``) how many match."""
        dialect = session.get_bind().dialect.name
        params: dict = {}
        if self.cursor:
            after = decode_cursor(self.cursor, (keyset.timestamp, keyset.integer(0, 2**15 - 1), keyset.timestamp,
                                                keyset.ROW_ID), **_signing(session, self.scope()))
            params.update({f"after_{i}": value for i, value in enumerate(after)})
        roles = {role: list(dict.fromkeys(ids)) for role, ids in (("actor", self.actors), ("place", self.locations))
                 if ids}
        lead = self._leading(session, roles)
        walked = 0
        if lead is not None:
            ids = roles.pop(lead)
            walked = len(ids) if len(ids) <= WALKED_ENTITIES else 0
            params.update({f"entity_{i}": entity_id for i, entity_id in enumerate(ids)} if walked
                          else {"entities": ids})
        params.update({f"{role}_ids": ids for role, ids in roles.items()})
        if self.date_from is not None:
            params["from"] = self.date_from
            params.update({f"since_{span}": _earlier(self.date_from, limit_ + SPAN_SLACK)
                           for span, limit_ in enumerate(SPAN_LIMITS)})
        if self.date_to is not None:
            params["to"] = self.date_to
        if limit is not None:
            params["limit"] = limit
        shape = _Shape(dialect=dialect, lead=lead, walked=walked, probes=tuple(sorted(roles)),
                       filters=self._filters(params), since=self.date_from is not None,
                       until=self.date_to is not None, after=bool(self.cursor), order=self.order, count=count)
        return _timeline_statement(shape), params

    def _filters(self, params: dict) -> tuple:
        """Which of the event's own filters are set (a _Shape's ``filters``); their values go to ``params``."""
        if self.article_id is not None:
            params["article_id"] = self.article_id
        if self.sources:
            params["sources"] = [s.lower() for s in self.sources]
        if self.min_confidence is not None:
            params["min_confidence"] = self.min_confidence
        for name in ("date_sources", "statuses", "granularities"):
            if getattr(self, name):
                params[name] = list(getattr(self, name))
        for i, word in enumerate(self.words):
            escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params[f"word_{i}"] = f"%{escaped}%"
        return (self.article_id is not None, bool(self.sources), self.min_confidence is not None,
                bool(self.date_sources), bool(self.statuses), bool(self.granularities), len(self.words))

    def _leading(self, session: Session, roles: dict[str, list[str]]) -> str | None:
        """Which entity filter the walk follows: none, the only one, or of an actor and a place
        filter the one with fewer links (counted up to DRIVER_PROBE); the other is checked per event."""
        if len(roles) < 2:
            return next(iter(roles), None)
        dialect = session.get_bind().dialect.name
        connection = session.connection()
        return min(roles, key=lambda role: connection.scalar(_links_counted(role, dialect), {"ids": roles[role]}))


def _cursor_key(row) -> list:
    return [row.date_start.isoformat(), row.granularity_rank, row.first_published_at.isoformat(), row.id]


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


def stored_or_redirected(session: Session, entity_ids: Sequence[str]) -> tuple[set[str], dict[str, str]]:
    """(the ids stored, {merged id: the id it was folded into}) among these, in one query."""
    stored, redirects = set(), {}
    ids = list(dict.fromkeys(entity_ids))
    if ids:
        for ref, entity_id in session.connection().execute(_IDS_OF, {"refs": ids}):
            if ref == entity_id:
                stored.add(ref)
            else:
                redirects[ref] = entity_id
    return stored, redirects


def set_aliases(session: Session, entity: Entity, aliases: Iterable[str]) -> None:
    wanted = {norm_name(a): a for a in aliases if norm_name(a) and norm_name(a) != entity.name_norm}
    entity.aliases = [a for a in entity.aliases if a.alias_norm in wanted]
    have = {a.alias_norm for a in entity.aliases}
    entity.aliases += [EntityAlias(alias=alias[:255], alias_norm=n[:255])
                       for n, alias in wanted.items() if n not in have]
    session.flush()
    reindex_entity_names(session, [entity.id])


def _move_links(session: Session, model, key_column, source_id: str, target_id: str) -> None:
    """Re-point link rows from one entity to another, dropping those the target already has."""
    taken = select(key_column).where(model.entity_id == target_id)
    session.execute(delete(model).where(model.entity_id == source_id, key_column.in_(taken)))
    session.execute(model.__table__.update().where(model.entity_id == source_id).values(entity_id=target_id))


def merge_entities(session: Session, source: Entity, target: Entity, *, derived: bool = True) -> None:
    """Fold ``source`` into ``target``: its links, mentions, children, names and redirects, and
    (``derived``) its merge-index rows, counted again for the target. Migrations that run before
    the merge index exists pass False (the migration that makes it fills it from the links)."""
    set_aliases(session, target, [*(a.alias for a in target.aliases), source.name,
                                  *(a.alias for a in source.aliases)])
    session.execute(EntityMention.__table__.update().where(EntityMention.entity_id == source.id)
                    .values(entity_id=target.id))
    _move_links(session, EventActor, EventActor.event_id, source.id, target.id)
    _move_links(session, EventLocation, EventLocation.event_id, source.id, target.id)
    _move_links(session, SourceActor, SourceActor.source_id, source.id, target.id)
    _move_links(session, SourceLocation, SourceLocation.source_id, source.id, target.id)
    if derived:
        _move_links(session, MergeKey, MergeKey.event_id, source.id, target.id)
        merge_index.recount(session.connection(), [target.id])
    if target.parent_id == source.id:  # folding a place into a place inside it
        target.parent_id = source.parent_id
    session.execute(Entity.__table__.update().where(Entity.parent_id == source.id, Entity.id != target.id)
                    .values(parent_id=target.id))
    session.execute(EntityRedirect.__table__.update().where(EntityRedirect.to_id == source.id)
                    .values(to_id=target.id))
    session.add(EntityRedirect(from_id=source.id, to_id=target.id))
    session.flush()
    session.delete(source)
    session.flush()


def fold_duplicate_entities(session: Session, keep_first: Callable[[str], bool], *,
                            derived: bool = True) -> dict[str, str]:
    """Merge the entities that one name forked (same normalised name: "person:x" and "org:x",
    "Apple Inc." and "Apple"), leaving redirects so old ids keep working. GeoNames places are
    never folded (Paris, France and Paris, Texas share a name). In each group the survivor is
    curated first, then one ``keep_first`` says is a gazetteer entity, then the most linked, then
    the shortest id. Returns {folded id: survivor id}."""
    groups: dict[str, list[str]] = {}
    for entity_id, name in session.execute(select(Entity.id, Entity.name).where(Entity.geonames_id.is_(None))
                                           .order_by(Entity.id)):
        key = name_key(name)
        if key:  # a name of punctuation alone is no name to fold by
            groups.setdefault(key, []).append(entity_id)
    folded: dict[str, str] = {}
    for ids in groups.values():
        ids = [i for i in dict.fromkeys(ids) if i not in folded]
        if len(ids) < 2:
            continue
        rows = {row.id: row for row in session.scalars(select(Entity).where(Entity.id.in_(ids)))}
        if len(rows) < 2:
            continue
        counts = linked_event_counts(session, list(rows))
        survivor, *others = sorted(rows.values(), key=lambda r: (
            not r.curated, not keep_first(r.id), -counts[r.id], len(r.id), r.id))
        for other in others:
            merge_entities(session, other, survivor, derived=derived)
            folded[other.id] = survivor.id
    return folded


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
    conn = session.connection()
    stmt = _store_version_bumps.get(conn.dialect.name)
    if stmt is None:
        table = StoreVersion.__table__
        insert = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)
        stmt = _store_version_bumps[conn.dialect.name] = insert.values(
            shard=bindparam("shard"), version=1).on_conflict_do_update(
            index_elements=[table.c.shard], set_={"version": table.c.version + 1})
    conn.execute(stmt, {"shard": random.randrange(STORE_VERSION_SHARDS)})


_store_version_bumps: dict[str, object] = {}


_STORE_VERSION = select(func.coalesce(func.sum(StoreVersion.version), 0))


def store_version(session: Session) -> int:
    # read before every GET (its ETag): through the connection, without the ORM's overhead
    return int(session.connection().scalar(_STORE_VERSION))  # a Decimal on PostgreSQL


_STORE_GENERATION = select(func.coalesce(func.sum(StoreVersion.version), 0),
                           select(Deployment.uid).where(Deployment.id == 1).scalar_subquery())


def store_generation(session: Session) -> tuple[str | None, int]:
    """(the deployment's uid, the store version), in one read: what a cached count is valid for.
    The uid tells apart a store emptied and filled again to the same version."""
    version, uid = session.connection().execute(_STORE_GENERATION).one()
    return uid, int(version)


# ---------------------------------------------------------------- counts, cached per store generation

COUNT_CACHE_SIZE = 1024


class CountCache:
    """Counts of timeline queries for one store generation, in this process (each gunicorn worker
    has its own; the generation is in the database, so all agree on when a count is stale).

    Every committed ingest, deletion, split and curation moves the store version in the same
    transaction as its rows (bump_store_version), so a count read after the version was read
    holds at least what that version holds: it may be kept under that version. A request that
    reads another generation than the one held drops every count first: counts of an older
    version are never answered again, and a store restored to an older version is not confused
    with the one before it. At most COUNT_CACHE_SIZE queries are kept, the least recently used
    dropped first. Thread-safe (a worker's threads share it)."""

    def __init__(self, size: int = COUNT_CACHE_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._generation: tuple | None = None
        self._counts: OrderedDict[tuple, int] = OrderedDict()

    def _at(self, generation: tuple) -> None:
        if generation != self._generation:
            self._counts.clear()
            self._generation = generation

    def get(self, generation: tuple, key: tuple) -> int | None:
        with self._lock:
            self._at(generation)
            total = self._counts.get(key)
            if total is not None:
                self._counts.move_to_end(key)
            return total

    def put(self, generation: tuple, key: tuple, total: int) -> None:
        with self._lock:
            self._at(generation)
            self._counts[key] = total
            self._counts.move_to_end(key)
            while len(self._counts) > self._size:
                self._counts.popitem(last=False)

    def __len__(self) -> int:
        return len(self._counts)


_count_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_count_caches_lock = threading.Lock()


def count_cache(session: Session) -> CountCache:
    """The count cache of the session's engine (one per database a process talks to)."""
    engine = session.get_bind()
    with _count_caches_lock:
        cache = _count_caches.get(engine)
        if cache is None:
            cache = _count_caches[engine] = CountCache()
        return cache
