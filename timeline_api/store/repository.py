"""Queries and writes over the models. No text parsing here: the pipeline
hands over finished drafts, and this module only stores and finds them."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import (
    JSON,
    Row,
    DateTime,
    Float,
    Integer,
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
    indexed_keys,
    match_of,
    name_key,
    norm_name,
    query_keys,
    within_one_edit,
)
from timeline_api.entities.types import ACTOR_KINDS, PLACE_KINDS
from timeline_api.entities.types import Entity as EntityValue
from timeline_api.store import cursor as keyset
from timeline_api.store.cursor import InvalidCursor, decode_cursor, encode_cursor
from timeline_api.store.models import (
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
    SPAN_CLASSES,
    SPAN_LIMITS,
    SPAN_SLACK,
    RegistryVersion,
    SourceActor,
    SourceLocation,
    StoreVersion,
    utcnow,
)


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


def ensure_entities(session: Session, entities: Iterable[EntityValue]) -> list[str]:
    """Insert the entities not stored yet (parents before children), and store on every entity
    the aliases this article learnt for it; concurrent ingests may race on the same entity,
    so inserts ignore conflicts. A stored kind that was only the fallback guess gives way
    to a kind this article had a cue for."""
    batch = {e.key: e for e in entities}
    if not batch:
        return []
    stored = {row.id: row for row in session.execute(
        select(Entity.id, Entity.kind, Entity.kind_guessed, Entity.curated).where(Entity.id.in_(list(batch))))}
    # parents before children, then by key: every ingest locks new entities in one order
    new = sorted((k for k in batch if k not in stored), key=lambda k: (_depth(k, batch), k))
    known = set(stored) | set(batch)
    for key in new:  # one by one keeps parent-before-child order under FK checks
        e = batch[key]
        session.execute(_insert(session, Entity).values(
            id=e.key, name=e.name[:255], name_norm=norm_name(e.name)[:255], kind=e.kind,
            geonames_id=e.geonames_id, country_code=e.country_code, latitude=e.latitude,
            longitude=e.longitude, population=e.population,
            parent_id=e.parent_key if e.parent_key in known else None, curated=False,
            kind_guessed=e.kind_guessed,
        ).on_conflict_do_nothing())
    _index_names(session, [(e.key, e.name, _index_kind(e.kind, e.kind_guessed), False) for e in map(batch.get, new)])
    rekinded = [key for key, row in stored.items() if not row.curated and row.kind_guessed
                and not batch[key].kind_guessed and batch[key].kind != row.kind]
    for key in rekinded:
        session.execute(Entity.__table__.update().where(Entity.id == key)
                        .values(kind=batch[key].kind, kind_guessed=False))
    _add_learnt_aliases(session, batch, {key: _index_kind(stored[key].kind, stored[key].kind_guessed)
                                         for key in stored if key not in rekinded})
    if rekinded:
        reindex_entity_names(session, rekinded)
    return new


def _add_learnt_aliases(session: Session, batch: dict[str, EntityValue], kinds: dict[str, str]) -> None:
    """Store the aliases an article gives its entities ("BA" for British Airways) on them, new or
    stored, so they serve every later article and query."""
    have = set(tuple(row) for row in session.execute(select(EntityAlias.entity_id, EntityAlias.alias_norm)
                               .where(EntityAlias.entity_id.in_(list(batch)))).all())
    names = dict(session.execute(select(Entity.id, Entity.name_norm).where(Entity.id.in_(list(batch)))).all())
    rows = {}
    for e in batch.values():
        for alias in e.aliases:
            n = norm_name(alias)[:255]
            if n and n != names.get(e.key) and (e.key, n) not in have and e.key in names:
                rows.setdefault((e.key, n), dict(entity_id=e.key, alias=alias[:255], alias_norm=n))
    if not rows:
        return
    session.execute(_insert(session, EntityAlias).values(list(rows.values())).on_conflict_do_nothing())
    new_kinds = {e.key: _index_kind(e.kind, e.kind_guessed) for e in batch.values()}
    _index_names(session, [(row["entity_id"], row["alias"], kinds.get(row["entity_id"], new_kinds[row["entity_id"]]),
                            True) for row in rows.values()])


def _index_kind(kind: str, guessed: bool) -> str | None:
    """The kind the name index goes by: None for a guess, which may be a person's name or not."""
    return None if guessed else kind


def _index_names(session: Session, names: Iterable[tuple[str, str, str | None, bool]]) -> None:
    """Add the keys of (entity id, name, kind, is an alias) to the normalised-name index."""
    rows = {}
    for entity_id, name, kind, is_alias in names:
        for k in indexed_keys(name, kind, is_alias=is_alias):
            rows.setdefault((entity_id, k.key[:255], k.form), dict(entity_id=entity_id, key=k.key[:255], form=k.form))
    values = list(rows.values())
    for start in range(0, len(values), 2000):  # under every driver's limit of bound parameters
        session.execute(_insert(session, EntityName).values(values[start:start + 2000]).on_conflict_do_nothing())


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
        _index_names(session, [(row.id, row.name, kinds[row.id], False) for row in rows]
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


# The statements of resolution, built once (with their values bound): a lookup runs on every
# timeline request, and building its statements cost more than running them.
@functools.cache
def _ids_or_redirects(dialect: str):
    return union_all(select(Entity.id, Entity.id).where(_among(Entity.id, "refs", dialect)),
                     select(EntityRedirect.from_id, EntityRedirect.to_id)
                     .where(_among(EntityRedirect.from_id, "refs", dialect)))


@functools.cache
def _names_with_keys(dialect: str, groups: tuple[tuple[str, ...], ...]):
    """Index rows whose key is one of keys_<i> in one of the forms groups[i]."""
    return (select(EntityName.key, EntityName.form, EntityName.entity_id, Entity.kind, Entity.kind_guessed)
            .join(Entity, Entity.id == EntityName.entity_id)
            .where(or_(*(and_(_among(EntityName.key, f"keys_{i}", dialect), EntityName.form.in_(forms))
                         for i, forms in enumerate(groups)))))


@functools.cache
def _entities_named_by(dialect: str):
    return select(Entity.id, Entity.name, Entity.kind, Entity.kind_guessed).where(_among(Entity.id, "ids", dialect))


def resolve_names(session: Session, queries: Sequence[str], *, exact: bool = False, fuzzy: bool = True,
                  all_ranks: bool = False) -> list[Resolution]:
    """Resolve typed names to entities, in rank order: exact id or name (redirects of merged ids
    too), alias, the normalised key, its variants (acronym, short form, surname, nickname, without
    a qualifier), then one typing error. All through indexes, a step at a time, each only for the
    queries the steps before left unmet (``all_ranks``: every step for every query, as a search
    lists them): one lookup of the exact and normalised keys of every query, one of their variants,
    and a trigram-index probe. ``exact`` keeps the first three ranks only (``match=exact``)."""
    found: dict[str, dict[str, tuple[str, str | None]]] = {q: {} for q in queries}  # entity id -> (match, rule)

    def note(query: str, entity_id: str, match: str, rule: str | None = None) -> None:
        old = found[query].get(entity_id)
        if old is None or MATCH_RANK[match] < MATCH_RANK[old[0]]:
            found[query][entity_id] = (match, rule)

    refs = list(dict.fromkeys(queries))
    connection = session.connection()
    # an id, or an id merged away and where it went
    for ref, entity_id in connection.execute(_ids_or_redirects(connection.dialect.name), {"refs": refs}).all():
        note(ref, entity_id, "id")
    keyed = {q: query_keys(q) for q in refs}
    for step in LOOKUP_STEPS[:1] if exact else LOOKUP_STEPS:
        pending = [q for q in refs if all_ranks or not found[q]]
        if exact:
            step = {"exact": step["exact"]}
        for query, match, rule, entity_id in _index_lookup(session, {q: keyed[q] for q in pending}, step):
            note(query, entity_id, match, rule)
    if fuzzy and not exact:
        for query in [q for q in refs if all_ranks or not found[q]]:
            key = next((k.key for k in keyed[query] if k.form == "key"), "")
            for entity_id in _fuzzy_candidates(session, key):
                note(query, entity_id, "fuzzy")
    return _resolutions(session, queries, found)


# the index lookups of resolution, in turn: {query form: the stored forms it is looked up among}.
# First the exact and normalised names; their variants only for queries those left unmet, so a
# common short key ("rs" as initials) is not fetched for a name that has met its entity.
LOOKUP_STEPS = (
    {"exact": MEETS["exact"], "key": ("key",)},
    {"key": tuple(f for f in MEETS["key"] if f != "key"),
     **{form: stored for form, stored in MEETS.items() if form not in ("exact", "key")}},
)


def _index_lookup(session: Session, keyed: dict[str, list], step: dict[str, tuple[str, ...]]):
    """(query, match, rule, entity id) for every stored key one of the queries' keys meets."""
    wanted: dict[tuple[str, ...], set[str]] = {}
    for keys in keyed.values():
        for k in keys:
            if k.form in step:
                wanted.setdefault(step[k.form], set()).add(k.key)
    if not wanted:
        return
    stored: dict[str, list[tuple[str, str, str | None]]] = {}
    connection = session.connection()
    groups = tuple(sorted(wanted))
    lookup = _names_with_keys(connection.dialect.name, groups)
    for key, form, entity_id, kind, guessed in connection.execute(
            lookup, {f"keys_{i}": sorted(wanted[forms]) for i, forms in enumerate(groups)}).all():
        stored.setdefault(key, []).append((form, entity_id, _index_kind(kind, guessed)))
    for query, keys in keyed.items():
        for k in keys:
            if k.form not in step:
                continue
            for form, entity_id, kind in stored.get(k.key, ()):
                if form not in step[k.form]:
                    continue
                match = match_of(k.form, form, kind)
                if match is not None:
                    yield query, match, (form if k.form == "key" else k.form) if match == "variant" else None, entity_id


def _resolutions(session: Session, queries: Sequence[str],
                 found: dict[str, dict[str, tuple[str, str | None]]]) -> list[Resolution]:
    ids = {entity_id for matches in found.values() for entity_id in matches}
    connection = session.connection()
    rows = {row.id: row for row in connection.execute(_entities_named_by(connection.dialect.name),
                                                      {"ids": sorted(ids)}).all()} if ids else {}
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


def _fuzzy_candidates(session: Session, key: str) -> list[str]:
    """Entities with a name key within one typing error of ``key``. The index finds the keys that
    start with its first half or end with its second (one edit leaves one half whole), through
    pg_trgm on PostgreSQL and an FTS5 trigram table on SQLite; Python checks the distance."""
    probe = fuzzy_probe(key)
    if probe is None:
        return []
    params = {"prefix": probe.prefix + "%", "suffix": "%" + probe.suffix, "swapped": probe.swapped,
              "shortest": len(key) - 1, "longest": len(key) + 1, "limit": _FUZZY_CANDIDATES}
    if session.get_bind().dialect.name == "postgresql":
        hits = ("SELECT id FROM entity_names WHERE form = 'key' AND key LIKE :prefix UNION "
                "SELECT id FROM entity_names WHERE form = 'key' AND key LIKE :suffix")
    else:
        hits = ("SELECT rowid FROM entity_names_fts WHERE key LIKE :prefix UNION "
                "SELECT rowid FROM entity_names_fts WHERE key LIKE :suffix")
    # one candidate set, each part through an index; an OR beside the IN made PostgreSQL scan
    rows = session.execute(text(
        f"SELECT n.key, n.entity_id FROM entity_names n WHERE n.id IN ({hits} UNION "
        f"SELECT id FROM entity_names WHERE key = :swapped AND form = 'key') "
        f"AND n.form = 'key' AND length(n.key) BETWEEN :shortest AND :longest LIMIT :limit"), params).all()
    return list(dict.fromkeys(entity_id for stored_key, entity_id in rows
                              if sum(c.isalpha() for c in stored_key) >= FUZZY_MIN_LETTERS
                              and within_one_edit(key, stored_key)))


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
    return [IndexedName(*row) for row in session.execute(
        select(EntityName.entity_id, EntityName.key, EntityName.form, Entity.name, Entity.kind,
               Entity.kind_guessed, Entity.curated, Entity.geonames_id)
        .join(Entity, Entity.id == EntityName.entity_id)
        .where(EntityName.key.in_(keys), EntityName.form.in_(list(forms))))]


def entities_named(session: Session, name: str) -> list[str]:
    """Ids of the entities whose own name has this normalised name ("Bayer AG" for "Bayer")."""
    key = name_key(name)
    rows = session.execute(select(Entity.id, Entity.name).join(EntityName, EntityName.entity_id == Entity.id)
                           .where(EntityName.key == key, EntityName.form == "key")).all()
    return sorted({row.id for row in rows if name_key(row.name) == key})


# ---------------------------------------------------------------- listing entities

def event_counts(session: Session, entity_ids: Sequence[str]) -> dict[str, int]:
    """Events each entity is linked to (as an actor or a named place), for these entities only."""
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

def add_mentions(session: Session, article: Article, mentions: Iterable[tuple[str, int, int, str, str]]) -> None:
    """Store where the article names its entities: (entity id, start, end, text, link)."""
    rows = [dict(entity_id=entity_id, article_id=article.id, start=start, end=end, text=surface[:255], link=link)
            for entity_id, start, end, surface, link in mentions]
    for first in range(0, len(rows), 2000):
        session.execute(EntityMention.__table__.insert(), rows[first:first + 2000])


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
    for wanted, column, name in ((date_sources, Event.date_source, "date_sources"), (statuses, Event.status, "statuses"),
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

    def count(self, session: Session) -> int:
        """How many events match, from the cursor on, whatever the page size."""
        return session.connection().scalar(*self.statement(session, count=True))

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


def redirects_from(session: Session, entity_ids: Sequence[str]) -> dict[str, str]:
    """{merged id: the id it was folded into} for those of these ids that were merged away."""
    return dict(session.execute(select(EntityRedirect.from_id, EntityRedirect.to_id)
                                .where(EntityRedirect.from_id.in_(list(entity_ids)))).all())


def stored_ids(session: Session, entity_ids: Sequence[str]) -> set[str]:
    return set(session.scalars(select(Entity.id).where(Entity.id.in_(list(entity_ids)))))


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


def merge_entities(session: Session, source: Entity, target: Entity) -> None:
    """Fold ``source`` into ``target``: its links, mentions, children, names and redirects."""
    set_aliases(session, target, [*(a.alias for a in target.aliases), source.name,
                                  *(a.alias for a in source.aliases)])
    session.execute(EntityMention.__table__.update().where(EntityMention.entity_id == source.id)
                    .values(entity_id=target.id))
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
    session.flush()
    session.delete(source)
    session.flush()


def fold_duplicate_entities(session: Session, keep_first: Callable[[str], bool]) -> dict[str, str]:
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
        counts = event_counts(session, list(rows))
        survivor, *others = sorted(rows.values(), key=lambda r: (
            not r.curated, not keep_first(r.id), -counts[r.id], len(r.id), r.id))
        for other in others:
            merge_entities(session, other, survivor)
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
    shard = random.randrange(STORE_VERSION_SHARDS)
    stmt = _insert(session, StoreVersion).values(shard=shard, version=1)
    session.execute(stmt.on_conflict_do_update(index_elements=[StoreVersion.shard],
                                               set_={"version": StoreVersion.version + 1}))


_STORE_VERSION = select(func.coalesce(func.sum(StoreVersion.version), 0))


def store_version(session: Session) -> int:
    # read before every GET (its ETag): through the connection, without the ORM's overhead
    return int(session.connection().scalar(_STORE_VERSION))  # a Decimal on PostgreSQL
