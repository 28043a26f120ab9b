"""RFC 9457 problem details for every error the API returns.

flask-smorest renders errors as its own JSON; ``ProblemApi`` replaces that
with ``application/problem+json``, keeps the ``Allow`` header on 405 (which
the stock handler drops) and documents the problem schema in OpenAPI.
"""
from __future__ import annotations

import http
import logging

import marshmallow as ma
from flask import Response, current_app, json, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, UnsupportedMediaType

from timeline_api.store.cursor import InvalidCursor
from timeline_api.store.db import database_unavailable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with a per-field ``errors`` map for validation failures."""

    class Meta:
        unknown = ma.EXCLUDE

    type = ma.fields.String(metadata={"description": "URI reference that identifies the problem type"})
    title = ma.fields.String(metadata={"description": "Short summary of the problem type"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "Explanation of this occurrence"})
    instance = ma.fields.String(metadata={"description": "The request path"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Validation messages by field; a field inside a list or an object is "
                                 "named by its path (`aliases.0`)"},
    )


def problem_response(status: int, detail: str | None = None, errors: dict | None = None,
                     headers: dict | None = None) -> Response:
    phrase = http.HTTPStatus(status).phrase
    # "about:blank": the status code says it all (RFC 9457, section 4.2.1)
    body = {"type": "about:blank", "title": phrase, "status": status,
            "detail": detail or phrase, "instance": request.path}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_webargs_messages(messages: dict) -> dict[str, list[str]]:
    """webargs nests messages by location ({"json": {...}}); clients want fields."""
    flat: dict[str, list[str]] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(field_messages(fields))
        else:
            flat.update(field_messages({location: fields}))
    return flat


def field_messages(errors: dict, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's messages, nested as the data was ({"aliases": {0: [...]}}), as one list
    of strings per field path ({"aliases.0": [...]}), the type the problem schema declares."""
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(field_messages(value, path + "."))
        else:
            messages = value if isinstance(value, list | tuple) else [value]
            flat.setdefault(path, []).extend(str(m) for m in messages)
    return flat


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(InvalidCursor, self.handle_invalid_cursor)
        self._app.register_error_handler(Exception, self.handle_unexpected)

    def handle_invalid_cursor(self, error: InvalidCursor):
        """Every paged list, one answer: a cursor is opaque, so a damaged one is a bad request."""
        return problem_response(400, str(error), {"cursor": [str(error)]})

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors")
        if errors is not None:
            errors = field_messages(errors)
        elif "messages" in data:
            errors = _flatten_webargs_messages(data["messages"])
        headers = dict(data.get("headers") or {})
        # werkzeug knows the Allow header for 405; keep it
        for name, value in error.get_headers():
            if name.lower() == "allow":
                headers["Allow"] = value
        detail = data.get("message") or error.description
        if error.code == 422 and errors and not data.get("message"):
            detail = "The request has invalid or missing fields; see errors."
        return problem_response(error.code or 500, detail, errors, headers)

    def handle_unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        reason = database_unavailable(error)
        if reason is not None:
            # an outage is expected and answered as designed, and one traceback per
            # request of an outage fills a disk: one line each, no SQL, no parameters
            log.warning("503 on %s %r: database unavailable: %s", request.method, request.path, reason)
            retry_after = current_app.extensions["timeline_settings"].db_retry_after_seconds
            return problem_response(503, "The database is unavailable right now; try again later.",
                                    headers={"Retry-After": str(retry_after)})
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(500, InternalServerError.description)

    def _register_responses(self):
        # Same as flask-smorest's, with problem+json as the error content type.
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def limit_streamed_body() -> None:
    """413 for a chunked body over MAX_CONTENT_LENGTH (a before_request hook). Werkzeug refuses
    a declared Content-Length over the limit, but a chunked body it only cuts at the limit,
    which then reads as broken JSON: a 400 that hides the real problem."""
    limit = request.max_content_length
    if limit is None or request.content_length is not None or "wsgi.input_terminated" not in request.environ:
        return
    if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge(f"The body is larger than the limit of {limit} bytes.")


def require_json_body() -> None:
    """415 for a write whose body is not JSON (registered as a before_request hook)."""
    if request.routing_exception is not None:
        return  # 404 or 405 comes first: there is no body to judge
    if request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/v1/"):
        if not request.is_json:
            raise UnsupportedMediaType(
                f"Send the body as application/json (got {request.mimetype or 'no content type'})."
            )
