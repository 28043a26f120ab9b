"""The entity registry: curated actors and places, and the matcher that knows them.

Entities added or changed through the API are `curated`; every ingest uses a
matcher built from the gazetteers plus those entities, rebuilt in each process
as soon as the registry's version moves, so a new alias counts at once in every
app server sharing the database.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from timeline_api.entities import Entity as EntityValue
from timeline_api.entities import EntityMatcher
from timeline_api.entities.normalize import entity_id as new_entity_id
from timeline_api.entities.types import ACTOR_KINDS, PLACE_KINDS
from timeline_api.store import repository
from timeline_api.store.models import Entity
from timeline_api.store.retry import retry_transaction

KINDS = tuple(dict.fromkeys(ACTOR_KINDS + PLACE_KINDS))
_lock = threading.Lock()
_cache: dict[str, tuple[int, EntityMatcher]] = {}


class RegistryError(ValueError):
    """A registry change that cannot be made; ``field`` names the culprit."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.field = field
        self.status = status


def value_of(row: Entity) -> EntityValue:
    return EntityValue(
        key=row.id, name=row.name, kind=row.kind, aliases=tuple(a.alias for a in row.aliases),
        geonames_id=row.geonames_id, country_code=row.country_code, latitude=row.latitude,
        longitude=row.longitude, population=row.population, parent_key=row.parent_id,
    )


def matcher_for(session: Session) -> EntityMatcher:
    """The gazetteer matcher plus the curated entities, cached per database and registry version."""
    url = str(session.get_bind().url)
    version = repository.registry_version(session)
    cached = _cache.get(url)
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _cache.get(url)
        if cached and cached[0] == version:
            return cached[1]
        curated = [value_of(row) for row in repository.curated_entities(session)]
        matcher = EntityMatcher.default().with_entities(curated) if curated else EntityMatcher.default()
        _cache[url] = (version, matcher)
        return matcher


@dataclass(frozen=True)
class EntityChange:
    name: str | None = None
    kind: str | None = None
    aliases: list[str] | None = None
    parent_id: str | None = None
    geonames_id: int | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def _check_parent(session: Session, entity_id: str | None, parent_id: str | None) -> None:
    seen = {entity_id}
    while parent_id:
        if parent_id in seen:
            raise RegistryError("The parent chain would loop back to this entity.", "parent_id")
        parent = session.get(Entity, parent_id)
        if parent is None:
            raise RegistryError(f"No entity with id {parent_id}.", "parent_id")
        seen.add(parent_id)
        parent_id = parent.parent_id


def create_entity(session: Session, change: EntityChange) -> Entity:
    return retry_transaction(session, lambda: _create(session, change))


def update_entity(session: Session, entity_id: str, change: EntityChange, fields: set[str],
                  precondition: Callable[[Entity], bool] | None = None) -> Entity:
    """``precondition(row)``, when given, is asked once the entity is locked; False refuses the
    change with 412 (the HTTP layer's If-Match)."""
    return retry_transaction(session, lambda: _update(session, entity_id, change, fields, precondition))


def merge_entity(session: Session, source_id: str, target_id: str) -> Entity:
    return retry_transaction(session, lambda: _merge(session, source_id, target_id))


# Each change takes the registry lock first, then reads what it changes: two curators
# take turns, and the second sees the first's result (an entity merged away is gone).

def _create(session: Session, change: EntityChange) -> Entity:
    repository.begin_registry_change(session)
    entity_id = new_entity_id(change.name)
    same = repository.entities_named(session, change.name)
    if session.get(Entity, entity_id) is not None or same:
        existing = same[0] if same else entity_id
        raise RegistryError(f"An entity named so exists ({existing}); PATCH it instead.", "name", status=409)
    _check_parent(session, entity_id, change.parent_id)
    row = Entity(id=entity_id, name=change.name, name_norm=repository.norm_name(change.name), kind=change.kind,
                 geonames_id=change.geonames_id, country_code=change.country_code, latitude=change.latitude,
                 longitude=change.longitude, parent_id=change.parent_id, curated=True)
    session.add(row)
    session.flush()
    repository.set_aliases(session, row, change.aliases or [])
    session.commit()
    return row


def _locked(session: Session, *entity_ids: str) -> list[Entity]:
    rows = {row.id: row for row in repository.lock_entities(session, entity_ids)}
    for entity_id in entity_ids:
        if entity_id not in rows:
            raise RegistryError(f"No entity with id {entity_id}.", status=404)
    return [rows[entity_id] for entity_id in entity_ids]


def _update(session: Session, entity_id: str, change: EntityChange, fields: set[str],
            precondition: Callable[[Entity], bool] | None) -> Entity:
    repository.begin_registry_change(session)
    (row,) = _locked(session, entity_id)
    if precondition is not None and not precondition(row):
        raise RegistryError("The entity changed since the ETag in If-Match: GET it again and reapply the change.",
                            status=412)
    if "parent_id" in fields:
        _check_parent(session, row.id, change.parent_id)
    for name in fields - {"aliases"}:
        setattr(row, name, getattr(change, name))
    if "name" in fields:
        row.name_norm = repository.norm_name(change.name)
    if "aliases" in fields:
        repository.set_aliases(session, row, change.aliases or [])
    row.curated = True
    row.kind_guessed = False
    if fields & {"name", "kind"}:
        session.flush()
        repository.reindex_entity_names(session, [row.id])
    session.commit()
    return row


def _merge(session: Session, source_id: str, target_id: str) -> Entity:
    repository.begin_registry_change(session)
    source, target = _locked(session, source_id, target_id)
    if source is target:
        raise RegistryError("An entity cannot be merged into itself.", "into")
    repository.merge_entities(session, source, target)
    target.curated = True
    session.commit()
    return target
