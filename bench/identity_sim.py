"""An in-memory stand-in for the store's entity identity and name resolution, for fast benches.

The service (``service._link_to_stored``, ``repository.resolve_names``) links each entity read
from an article to the stored entity its name identifies uniquely, and resolves a typed name
in ranks (name, alias, normalised key, variants). This module applies the same rules of
``timeline_api.entities.normalize`` over dictionaries, so a harness can score the pipeline on a
corpus in seconds rather than minutes. It leaves out what only the database does: registry
redirects, the one-typing-error step, the reverse fold of stored short forms, and merging events
across articles. Figures from it are a development aid; the figures that count come from the
HTTP API (``bench/entity_eval.py --corpus ecbplus``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from timeline_api.entities.normalize import (
    ID_PREFIX,
    MATCH_RANK,
    MEETS,
    indexed_keys,
    match_of,
    name_key,
    norm_name,
    query_keys,
)

_GEONAMES_KINDS = frozenset(("continent", "country", "city"))
_LINKING_VARIANTS = frozenset(("acronym", "surname", "person", "nickname", "core"))


@dataclass
class Stored:
    id: str
    name: str
    kind: str
    kind_guessed: bool
    aliases: set[str] = field(default_factory=set)


class Store:
    def __init__(self) -> None:
        self.entities: dict[str, Stored] = {}
        self.index: dict[str, set[tuple[str, str]]] = {}  # key -> {(form, entity id)}

    def _kind(self, e: Stored) -> str | None:
        return None if e.kind_guessed else e.kind

    def _add_names(self, e: Stored, names: list[tuple[str, bool]]) -> None:
        for name, is_alias in names:
            for k in indexed_keys(name, self._kind(e), is_alias=is_alias):
                self.index.setdefault(k.key, set()).add((k.form, e.id))

    def resolve(self, query: str, *, linking: bool = False) -> list[tuple[str, str, str | None]]:
        """(entity id, match, rule) of the best rank met."""
        found: dict[str, tuple[str, str | None]] = {}
        if query in self.entities:
            found[query] = ("id", None)
        keys = query_keys(query)
        steps = (({"exact": MEETS["exact"], "key": ("key",)}),
                 ({"key": tuple(f for f in MEETS["key"] if f != "key"),
                   **{f: s for f, s in MEETS.items() if f not in ("exact", "key")}}))
        for step in steps:
            if found:
                break
            for k in keys:
                if k.form not in step:
                    continue
                for form, eid in self.index.get(k.key, ()):
                    if form not in step[k.form]:
                        continue
                    e = self.entities[eid]
                    m = match_of(k.form, form, self._kind(e))
                    if m is None:
                        continue
                    rule = (form if k.form == "key" else k.form) if m == "variant" else None
                    old = found.get(eid)
                    if old is None or MATCH_RANK[m] < MATCH_RANK[old[0]]:
                        found[eid] = (m, rule)
        if not found:
            return []
        best = min(MATCH_RANK[m] for m, _ in found.values())
        return [(eid, m, r) for eid, (m, r) in found.items() if MATCH_RANK[m] == best]

    def link(self, entity) -> str:
        """The stored id an entity read from an article is (service._unique_link's rules)."""
        if entity.key in self.entities or not entity.key.startswith(ID_PREFIX + ":"):
            return entity.key
        best = self.resolve(entity.name)
        if len(best) != 1:
            return entity.key
        eid, match, rule = best[0]
        target = self.entities[eid]
        if target.kind in _GEONAMES_KINDS:
            return entity.key
        if match == "variant" and "product" in (entity.kind, target.kind):
            return entity.key
        if match == "variant" and rule not in _LINKING_VARIANTS:
            return entity.key
        if match == "variant" and not (entity.kind_guessed or target.kind_guessed) \
                and (entity.kind == "person") != (target.kind == "person"):
            return entity.key
        return eid

    def ingest(self, entities) -> dict[str, str]:
        """Store an article's entities; returns {matcher key: stored id}."""
        entities = {e.key: e for e in entities}
        curated = {name_key(e.name): e.key for e in entities.values()
                   if not e.key.startswith((ID_PREFIX + ":", "geonames:"))}
        linked = {}
        for key, e in entities.items():
            if key.startswith(ID_PREFIX + ":") and key not in self.entities and name_key(e.name) in curated:
                linked[key] = curated[name_key(e.name)]
            else:
                linked[key] = self.link(e)
        for key, e in entities.items():
            sid = linked[key]
            s = self.entities.get(sid)
            names = [(e.name, sid != key), *((a, True) for a in e.aliases)]
            if s is None:
                s = self.entities[sid] = Stored(sid, e.name, e.kind, e.kind_guessed)
                self._add_names(s, [(e.name, False)])
                names = names[1:]
            elif s.kind_guessed and not e.kind_guessed and s.kind != e.kind:
                s.kind, s.kind_guessed = e.kind, False
                self._add_names(s, [(s.name, False), *((a, True) for a in s.aliases)])
            new = [(n, True) for n, _ in names if norm_name(n) != norm_name(s.name) and n not in s.aliases]
            s.aliases.update(n for n, _ in new)
            self._add_names(s, new)
        return linked
