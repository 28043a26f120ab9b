"""The Blueprint every resource uses: flask-smorest's, with views that can require a key
scope, and a JSON body parser that turns every undecodable body into a 400 problem."""
from __future__ import annotations

import json

import flask_smorest
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from timeline_api import keys
from timeline_api.api.auth import WITH_KEY


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


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()

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
