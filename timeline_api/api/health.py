"""Liveness and readiness probes."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy.exc import SQLAlchemyError

from timeline_api.api.auth import NO_KEY
from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import ResponseSchema, database
from timeline_api.store.migrate import current_revisions, head_revisions

blp = Blueprint("health", __name__, url_prefix="", description="Probes for orchestrators")


class StatusSchema(ResponseSchema):
    status = ma.fields.String(required=True)


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, StatusSchema)
    @blp.doc(operationId="getHealth", security=NO_KEY)
    def get(self):
        """200 while the process is up"""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, StatusSchema)
    @blp.alt_response(503, description="The database does not answer, or its schema is not at this version's head")
    @blp.doc(operationId="getReadiness", security=NO_KEY)
    def get(self):
        """200 when the database answers and its schema is the one this version needs"""
        try:
            with database().engine.connect() as connection:
                current = current_revisions(connection)
        except SQLAlchemyError:
            abort(503, message="The database does not answer.")
        expected = head_revisions()
        if current != expected:
            abort(503, message=f"The database schema is at {_revisions(current)}, this version needs "
                               f"{_revisions(expected)}: run `timeline-api db upgrade`.")
        return {"status": "ready"}


def _revisions(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or "no revision (never migrated)"
