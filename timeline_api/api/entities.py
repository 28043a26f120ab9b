"""Entities: the actors and places events are linked to."""
from __future__ import annotations

import copy

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from timeline_api.api.blueprint import ETAG_HEADER, IF_MATCH, Blueprint
from timeline_api.api.caching import conditional, matches_if_match, tagged
from timeline_api.api.common import NOT_BLANK, PageArgs, RequestSchema, ResponseSchema, db_session, page_limit
from timeline_api.registry import KINDS, EntityChange, RegistryError, create_entity, merge_entity, update_entity
from timeline_api.store import repository

blp = Blueprint("entities", __name__, url_prefix="/v1/entities", description="Actors and places")

KIND_FILTERS = ("actor", "location", *KINDS)


class EntityArgs(PageArgs):
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=255),
                         metadata={"description": "A name as people write it: the entities it resolves to come "
                                                  "first (by match, then event count), then those whose name or "
                                                  "alias contains it"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KIND_FILTERS),
                            metadata={"description": "actor, location, or one entity kind"})


NAME = ma.fields.String(validate=[ma.validate.Length(min=1, max=255),
                                  ma.validate.Regexp(NOT_BLANK, error="Must not be blank.")])


class EntityPatchSchema(RequestSchema):
    class Meta:
        unknown = ma.RAISE

    name = ma.fields.String(validate=NAME.validate, metadata={"description": "The preferred name"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    aliases = ma.fields.List(ma.fields.String(validate=NAME.validate), validate=ma.validate.Length(max=100),
                             metadata={"description": "Other names it goes by (replaces the list); "
                                                      "later ingests link them at once"})
    parent_id = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=128),
                                 metadata={"description": "The enclosing place (Kremlin -> Moscow)"})
    geonames_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    country_code = ma.fields.String(allow_none=True, validate=ma.validate.Regexp(r"^[A-Z]{2}$"))
    latitude = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=-90, max=90))
    longitude = ma.fields.Float(allow_none=True, validate=ma.validate.Range(min=-180, max=180))


class EntityCreateSchema(EntityPatchSchema):
    name = ma.fields.String(required=True, validate=NAME.validate, metadata={"description": "The preferred name"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))


class EntityMergeSchema(RequestSchema):
    class Meta:
        unknown = ma.RAISE

    into = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=128),
                            metadata={"description": "Id of the entity that absorbs this one"})


class EntitySchema(ResponseSchema):
    id = ma.fields.String(required=True, metadata={"description": "Stable id: geonames:<id>, org:<slug>, ..."})
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    aliases = ma.fields.List(ma.fields.String(), required=True)
    geonames_id = ma.fields.Integer(allow_none=True)
    country_code = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    parent_id = ma.fields.String(allow_none=True, metadata={"description": "The enclosing place"})
    event_count = ma.fields.Integer(required=True)


class EntityHitSchema(EntitySchema):
    match = ma.fields.String(allow_none=True, required=True,
                             metadata={"description": "How `q` met it (name, alias, normalised, variant, fuzzy); "
                                                      "null when it only contains `q`"})


class EntityPageSchema(ResponseSchema):
    entities = ma.fields.List(ma.fields.Nested(EntityHitSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class MentionSchema(ResponseSchema):
    entity_id = ma.fields.String(required=True)
    article_id = ma.fields.Integer(required=True)
    start = ma.fields.Integer(required=True, metadata={"description": "Character offset in the article's text"})
    end = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True, metadata={"description": "The words that name it there"})
    link = ma.fields.String(required=True, metadata={"description": "How they name it: name, alias, demonym, "
                                                                   "metonym, pronoun or anaphor"})


class MentionPageSchema(ResponseSchema):
    mentions = ma.fields.List(ma.fields.Nested(MentionSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


def entity_to_dict(hit: repository.EntityHit) -> dict:
    entity = hit.entity
    return {
        "id": entity.id, "name": entity.name, "kind": entity.kind,
        "aliases": [a.alias for a in entity.aliases],
        "geonames_id": entity.geonames_id, "country_code": entity.country_code,
        "latitude": entity.latitude, "longitude": entity.longitude,
        "parent_id": entity.parent_id, "event_count": hit.event_count, "match": hit.match,
    }


def mention_page(args, **where) -> dict:
    mentions, next_cursor = repository.list_mentions(
        db_session(), limit=page_limit(args), cursor=args.get("cursor"), **where)
    return {"mentions": mentions, "next_cursor": next_cursor}


@blp.route("")
class EntityCollection(MethodView):
    @blp.arguments(EntityArgs, location="query")
    @blp.response(200, EntityPageSchema)
    @blp.doc(operationId="listEntities")
    @blp.etag_from_store()
    def get(self, args):
        """Search actors and places by name or alias"""
        rows, next_cursor = repository.search_entities(
            db_session(), args.get("q"), args.get("kind"), page_limit(args), args.get("cursor"))
        return {"entities": [entity_to_dict(hit) for hit in rows], "next_cursor": next_cursor}

    @blp.requires("admin")
    @blp.arguments(EntityCreateSchema)
    @blp.response(201, EntitySchema)
    @blp.doc(operationId="createEntity")
    def post(self, data):
        """Add a curated actor or place; its name and aliases count in later ingests at once"""
        session = db_session()
        row = _registry_call(lambda: create_entity(session, EntityChange(**data)))
        return entity_to_dict(repository.get_entity(session, row.id))


def _registry_call(change):
    try:
        return change()
    except RegistryError as exc:
        db_session().rollback()
        abort(exc.status, message=str(exc), errors={exc.field: [str(exc)]} if exc.field else None)


@blp.route("/<string(maxlength=128):entity_id>")
class EntityResource(MethodView):
    @blp.response(200, EntitySchema)
    @blp.alt_response(304, description="Not modified since the ETag in If-None-Match")
    @blp.doc(operationId="getEntity")
    def get(self, entity_id: str):
        """One actor or place"""
        hit = repository.get_entity(db_session(), entity_id)
        if hit is None:
            abort(404, message=f"No entity with id {entity_id}.")
        return conditional(entity_to_dict(hit))

    @blp.requires("admin")
    @blp.arguments(EntityPatchSchema)
    @blp.response(200, EntitySchema, headers=copy.deepcopy(ETAG_HEADER))
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.doc(operationId="updateEntity", parameters=[IF_MATCH])
    def patch(self, data, entity_id: str):
        """Rename, re-kind, re-parent or give aliases to an entity (it becomes curated)"""
        session = db_session()

        def unchanged_since_read(row) -> bool:  # If-Match, checked once the registry lock is held
            return matches_if_match(entity_to_dict(repository.get_entity(session, row.id)))

        _registry_call(lambda: update_entity(session, entity_id, EntityChange(**data), set(data),
                                             precondition=unchanged_since_read))
        return tagged(entity_to_dict(repository.get_entity(session, entity_id)))


@blp.route("/<string(maxlength=128):entity_id>/merge")
class EntityMerge(MethodView):
    @blp.requires("admin")
    @blp.arguments(EntityMergeSchema)
    @blp.response(200, EntitySchema, description="The entity that absorbed the other")
    @blp.doc(operationId="mergeEntity")
    def post(self, data, entity_id: str):
        """Fold a duplicate into another entity: its events, names and children move; its id redirects"""
        session = db_session()
        target = _registry_call(lambda: merge_entity(session, entity_id, data["into"]))
        return entity_to_dict(repository.get_entity(session, target.id))


@blp.route("/<string(maxlength=128):entity_id>/mentions")
class EntityMentions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MentionPageSchema)
    @blp.doc(operationId="listEntityMentions")
    @blp.etag_from_store()
    def get(self, args, entity_id: str):
        """Where articles mention an entity (by article and position): why its events are in a timeline"""
        if repository.get_entity(db_session(), entity_id) is None:
            abort(404, message=f"No entity with id {entity_id}.")
        return mention_page(args, entity_id=entity_id)
