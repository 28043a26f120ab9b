"""The Blueprint every resource uses: flask-smorest's, with views that can require a key
scope, and a JSON body parser that turns every undecodable body into a 400 problem."""
from __future__ import annotations

import copy
import json

import flask_smorest
from apispec import BasePlugin
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from timeline_api import keys
from timeline_api.api.auth import WITH_KEY
from timeline_api.api.caching import answer_if_unchanged


class JsonBodyParser(FlaskParser):
    """webargs' parser, which turns only malformed JSON into a 400; Python's decoder also
    refuses numbers of more than 4,300 digits (ValueError) and nesting deeper than the
    interpreter's recursion limit (RecursionError), which would have been 500s."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except json.JSONDecodeError:
            raise
        except RecursionError:
            abort(400, message="The JSON body is nested too deeply.", errors={"json": ["Nested too deeply."]})
        except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
            abort(400, message="The JSON body holds a number too long to read.",
                  errors={"json": ["A number has more than 4300 digits."]})


ETAG_HEADER = {"ETag": {"description": "Validator for If-None-Match", "schema": {"type": "string"}}}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "The ETag of a response held: 304 if nothing it shows has changed"}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "The ETag of the entity as last read: 412 if it has changed since"}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's, with one schema instance per view: given a class, webargs would
        make an instance (copying every field) on each request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def etag_from_store(self):
        """Decorate a GET view, innermost (just above ``def``): ETag from the store version,
        304 for a client that holds it (api/caching.py); the OpenAPI document says so."""
        def decorator(func):
            func = answer_if_unchanged(func)
            return self.alt_response(304, description="Not modified since the ETag in If-None-Match")(func)

        return decorator


    def requires(self, scope: str):
        """Decorate a view method (outermost): it needs a key of at least ``scope``
        (api/auth.py enforces it); the OpenAPI document says so, with its 401 and 403."""
        if scope not in keys.SCOPES:
            raise ValueError(scope)

        def decorator(func):
            func = self.alt_response(401, "UNAUTHORIZED")(func)
            func = self.alt_response(403, "FORBIDDEN")(func)
            func = self.doc(security=WITH_KEY)(func)
            func.required_scope = scope
            return func

        return decorator


class ConditionalRequestsPlugin(BasePlugin):
    """apispec plugin: every operation that can answer 304 documents the If-None-Match header
    it takes and the ETag header of its 200, in one place rather than beside each view."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.get("responses", {})
            if "304" not in responses and 304 not in responses:
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(isinstance(p, dict) and p.get("name") == "If-None-Match" for p in parameters):
                parameters.append(copy.deepcopy(IF_NONE_MATCH))  # copies: no YAML aliases in the document
            ok = responses.get("200", responses.get(200))
            if isinstance(ok, dict):
                ok.setdefault("headers", {}).update(copy.deepcopy(ETAG_HEADER))
