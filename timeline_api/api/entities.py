"""Entities: the actors and places events are linked to."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from timeline_api.api.common import PageArgs, ResponseSchema, db_session, page_limit
from timeline_api.entities.types import ACTOR_KINDS, PLACE_KINDS
from timeline_api.store import repository
from timeline_api.store.cursor import InvalidCursor

blp = Blueprint("entities", __name__, url_prefix="/v1/entities", description="Actors and places")

KIND_FILTERS = ("actor", "location", *dict.fromkeys(ACTOR_KINDS + PLACE_KINDS))


class EntityArgs(PageArgs):
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=255),
                         metadata={"description": "Part of a name or alias, case-insensitive"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KIND_FILTERS),
                            metadata={"description": "actor, location, or one entity kind"})


class EntitySchema(ResponseSchema):
    id = ma.fields.String(required=True, metadata={"description": "Stable id: geonames:<id>, org:<slug>, ..."})
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    aliases = ma.fields.List(ma.fields.String(), required=True)
    geonames_id = ma.fields.Integer(allow_none=True)
    country_code = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    parent_id = ma.fields.String(allow_none=True, metadata={"description": "The enclosing place"})
    event_count = ma.fields.Integer(required=True)


class EntityPageSchema(ResponseSchema):
    entities = ma.fields.List(ma.fields.Nested(EntitySchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


def entity_to_dict(entity, event_count: int) -> dict:
    return {
        "id": entity.id, "name": entity.name, "kind": entity.kind,
        "aliases": [a.alias for a in entity.aliases],
        "geonames_id": entity.geonames_id, "country_code": entity.country_code,
        "latitude": entity.latitude, "longitude": entity.longitude,
        "parent_id": entity.parent_id, "event_count": event_count,
    }


@blp.route("")
class EntityCollection(MethodView):
    @blp.arguments(EntityArgs, location="query")
    @blp.response(200, EntityPageSchema)
    @blp.doc(operationId="listEntities")
    def get(self, args):
        """Search actors and places by name or alias"""
        try:
            rows, next_cursor = repository.search_entities(
                db_session(), args.get("q"), args.get("kind"), page_limit(args), args.get("cursor"))
        except InvalidCursor as exc:
            abort(422, message=str(exc), errors={"cursor": [str(exc)]})
        return {"entities": [entity_to_dict(e, n) for e, n in rows], "next_cursor": next_cursor}


@blp.route("/<string(maxlength=128):entity_id>")
class EntityResource(MethodView):
    @blp.response(200, EntitySchema)
    @blp.doc(operationId="getEntity")
    def get(self, entity_id: str):
        """One actor or place"""
        row = repository.get_entity(db_session(), entity_id)
        if row is None:
            abort(404, message=f"No entity with id {entity_id}.")
        return entity_to_dict(*row)
