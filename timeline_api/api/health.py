"""Liveness and readiness probes."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import SQLAlchemyError

from timeline_api.api.common import ResponseSchema, database

blp = Blueprint("health", __name__, url_prefix="", description="Probes for orchestrators")


class StatusSchema(ResponseSchema):
    status = ma.fields.String(required=True)


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, StatusSchema)
    @blp.doc(operationId="getHealth")
    def get(self):
        """200 while the process is up"""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, StatusSchema)
    @blp.alt_response(503, description="The database does not answer")
    @blp.doc(operationId="getReadiness")
    def get(self):
        """200 when the database answers"""
        try:
            database().ping()
        except SQLAlchemyError:
            abort(503, message="The database does not answer.")
        return {"status": "ready"}
