"""ETags for every GET of the API, so that widgets and clients polling a timeline get a 304
that costs no query.

Lists, timelines, articles and events: the ETag is a hash of the store version (the sum of
StoreVersion's shards, which every committed ingest, deletion and curation moves), the
request's path and query, what it accepts, and the API version. It is known from one small
read once the arguments are validated, so a matching If-None-Match is answered 304 before
the view's own queries run.

A single entity is the resource clients change (PATCH): its ETag is a hash of its own
representation, so that an ingest elsewhere in the store does not turn a PATCH with
``If-Match`` into a 412; a PATCH whose If-Match is not the current ETag gets 412.
"""
from __future__ import annotations

import functools
import hashlib
import json

from flask import Response, g, request

from timeline_api.api.common import API_VERSION, db_session
from timeline_api.store import repository


def store_etag() -> str:
    parts = [repository.store_version(db_session()), request.full_path, request.headers.get("Accept", ""),
             API_VERSION]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def answer_if_unchanged(view):
    """Wrap a GET view, innermost, below its argument parsing: once the request is known to be
    valid (RFC 9110 13.2.1: preconditions are ignored for requests that would not succeed),
    its ETag comes from the store version, and a client that holds it gets 304 before any query."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.etag = store_etag()
        if _held(g.etag):
            return _not_modified(g.etag)
        return view(*args, **kwargs)

    return wrapper


def _held(etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak comparison, RFC 9110 13.1.2). ``*`` is not
    taken to match: it would answer 304 for a resource that does not exist."""
    return etag in request.if_none_match.as_set(include_weak=True)


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def tag_response(response: Response) -> Response:
    """after_request: every successful GET carries its ETag and asks caches to revalidate."""
    etag = g.pop("etag", None)
    if etag and response.status_code == 200:
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
    return response


def representation_etag(body: dict) -> str:
    return hashlib.blake2b(json.dumps(body, sort_keys=True, default=str).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def conditional(body: dict) -> dict | Response:
    """A GET of a representation-tagged resource: 304 if the client holds this body's ETag."""
    etag = representation_etag(body)
    g.etag = etag
    if _held(etag):
        return _not_modified(etag)
    return body


def tagged(body: dict) -> dict:
    """A PATCH's answer carries the ETag of the resource as it now is."""
    g.etag = representation_etag(body)
    return body


def matches_if_match(body: dict) -> bool:
    """Whether a PATCH may go ahead: no If-Match sent, ``*``, or the ETag of ``body``."""
    if not request.if_match:
        return True
    return request.if_match.star_tag or representation_etag(body) in request.if_match
