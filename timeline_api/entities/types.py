"""Value types of the entity layer: entities (actors and places) and their mentions."""
from __future__ import annotations

from dataclasses import dataclass, field

# kinds of entity; places are the GeoNames kinds plus curated landmarks
PLACE_KINDS = ("continent", "country", "region", "city", "landmark")
ACTOR_KINDS = ("country", "person", "organization", "group", "product")


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor or a place with a stable id.

    ``key`` is stable across databases and deployments: ``geonames:<id>`` for
    GeoNames places (countries included), ``landmark:<slug>``, ``org:<slug>``,
    ``group:<slug>`` for the curated tables, and ``ent:<slug of the name>`` for
    entities read from text or created through the API, whatever their kind.
    ``parent_key`` points to the enclosing place (Moscow -> Russia -> Europe).
    """

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    geonames_id: int | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    parent_key: str | None = None
    # the kind is the fallback guess for a name without any cue (an organisation)
    kind_guessed: bool = False

    @property
    def is_place(self) -> bool:
        return self.kind in PLACE_KINDS

    @property
    def is_actor(self) -> bool:
        return self.kind in ACTOR_KINDS


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names an entity, and the roles it plays there.

    ``roles`` holds "actor" and/or "location": "Ukraine" in "Ukraine launched"
    is an actor, "in Moscow" a location, "Ukrainian" an affiliated actor.
    ``qualifier`` keeps a directional or other qualifier ("southern").
    """

    entity: Entity
    start: int
    end: int
    text: str
    roles: frozenset[str] = field(default_factory=frozenset)
    qualifier: str | None = None
    # how the span names the entity: "name" (its name or a gazetteer alias), "demonym"
    # ("Ukrainian"), "alias" (a short form defined in the article: "Jobs", "GM"),
    # "metonym" ("the Kremlin said" -> Russia), "pronoun" ("he"), "anaphor" ("the company")
    link: str = "name"
