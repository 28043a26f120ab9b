"""Property-based API tests: schemathesis generates requests for every
operation in the OpenAPI document the app serves, positive and negative, and
checks every response: no 5xx, status codes, content types, headers and bodies
as documented, invalid input refused, valid input accepted.

The operations are collected from an app built once at import (the document
does not depend on the database); each test then sends its cases to the
``app`` fixture, so every operation runs against a fresh, migrated database on
every configured backend (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from sqlalchemy import text

from timeline_api import create_app, keys
from timeline_api.api.common import OUT_OF_CALENDAR
from timeline_api.store import repository
from timeline_api.store.models import Base

# examples per operation in the fuzzing phase (the examples and coverage phases add their own few);
# raise it for a bug hunt: SCHEMATHESIS_MAX_EXAMPLES=500 pytest tests/api/test_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30"))

_schema_app = create_app({"database_url": "sqlite://"})
schema = schemathesis.openapi.from_wsgi("/openapi.json", _schema_app)

SAMPLE_ARTICLE = {
    "text": "Ukraine said drones hit Moscow on 3 May 2023. Two days later, officials in Kyiv denied it.",
    "published_at": "2023-06-05",
    "url": "https://news.example.org/seed",
}


def _seed(app) -> None:
    """Empty the store, then store one article, so reads by id and filters have something to
    find, and the admin key that every generated request carries (``ADMIN``), so writes get
    past authorisation to their validation (tests/api/test_auth.py covers the keys)."""
    database = app.extensions["timeline_db"]
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    response = app.test_client().post("/v1/articles", json=SAMPLE_ARTICLE)
    assert response.status_code == 201, response.get_json()
    with database.session() as session:
        repository.add_api_key(session, name="schemathesis", scope="admin", prefix=ADMIN[:10],
                               key_hash=keys.hash_key(ADMIN))
        session.commit()


@pytest.fixture
def seeded_app(app):
    _seed(app)
    return app


# A key of our own making, stored by its hash like any other, so that schemathesis can send
# it as valid credentials and still check that its own invalid ones are refused (401).
ADMIN = keys.KEY_PREFIX + "schemathesis-admin-key-for-tests-only-0000000"


@schema.auth()
class AdminKey:
    def get(self, case, context):
        return ADMIN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
    print_blob=True,
)
def test_every_operation_honours_its_schema(case, seeded_app):
    response = case.call(app=seeded_app)
    excluded = []
    if _rejected_beyond_the_schema(response):
        excluded.append(positive_data_acceptance)
    if _query_value_not_sendable(case):
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded, transport_kwargs={"app": seeded_app})


def _query_value_not_sendable(case) -> bool:
    """A negative case may put an object where a query parameter takes a scalar
    (e.g. q={"": {}}). A query string cannot carry it: the WSGI transport sends
    its str() (q="{'': {}}"), which is a valid string, so accepting it is right."""
    def nested(value) -> bool:
        return isinstance(value, dict) or (isinstance(value, (list, tuple)) and any(
            isinstance(item, (dict, list, tuple)) for item in value))
    return any(nested(value) for value in (case.query or {}).values())


# 400s and 422s for input that fits the schema but cannot be judged by it alone:
# - a cursor is opaque: any string fits, only one the server issued is valid (400);
# - `from` must be before `to`: a rule between two parameters, which OpenAPI 3.0 cannot state;
# - `parent_id` must name a stored entity and not close a loop, and an entity cannot be merged
#   `into` itself: facts of the data, not of the shape;
# - a split must name sources the event has, and leave it at least one (facts of the data too);
# - a date-time with an offset that leaves the years 1-9998 once in UTC ("0001-01-01T00:01+01:01");
# - an If-Match that names no state of the entity (412).
# For these (and only these) the "valid data accepted" check is waived; every other check applies.
def _rejected_beyond_the_schema(response) -> bool:
    if response.status_code == 412:  # If-Match names another state of the entity: a fact of the data
        return True
    if response.status_code not in (400, 422):
        return False
    errors = (response.json() or {}).get("errors") or {}
    if not errors:
        return False
    for field, messages in errors.items():
        if field == "cursor":
            continue
        if field == "from" and messages == ["'from' must be before 'to'."]:
            continue
        if field == "parent_id" and all(m.startswith(("No entity with id", "The parent chain")) for m in messages):
            continue
        if field == "into" and messages == ["An entity cannot be merged into itself."]:
            continue
        if field == "sources" and all(m.startswith(("The event has no source of article",
                                                    "A split must leave at least one source")) for m in messages):
            continue
        if messages == [OUT_OF_CALENDAR]:  # a valid date-time that leaves the calendar in UTC
            continue
        return False
    return True


# Found by the fuzzing above (on PostgreSQL, whose text type refuses NUL), kept as fixed
# examples so a regression fails every run, not one run in a few.
NUL_REQUESTS = [
    "/v1/timeline?actor=Ukr%00aine",
    "/v1/timeline?location=Mos%00cow",
    "/v1/timeline?q=dro%00nes",
    "/v1/timeline?source=Reu%00ters",
    "/v1/timeline?cursor=%00",
    "/v1/entities?q=Ukr%00",
    "/v1/entities/geonames:%00690791",
    "/v1/articles?cursor=%00",
]


@pytest.mark.parametrize("path", NUL_REQUESTS)
def test_nul_in_a_query_or_path_string_is_not_a_server_error(client, path):
    response = client.get(path)
    assert response.status_code < 500, response.get_json()
    assert response.status_code in (200, 400, 404, 422), response.get_json()


# Stateful: schemathesis chains operations by the links it infers from the document (an
# article's id into GET, DELETE and its events; an entity's id into PATCH and merge; ...),
# 43 of them, and runs every check on every step, including those that only a sequence can
# fail (a deleted resource still served, a created one not found). Bounded so that a run
# costs seconds: SCHEMATHESIS_STATEFUL_EXAMPLES raises it for a bug hunt.
STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "25"))


def test_chained_operations_keep_every_promise(seeded_app):
    machine = schema.as_state_machine()

    class Workflow(machine):
        def setup(self):
            _seed(seeded_app)  # each scenario starts from the same store, as Hypothesis replays need

        def get_call_kwargs(self, case):
            return {"app": seeded_app}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            excluded = [positive_data_acceptance] if _rejected_beyond_the_schema(response) else []
            if _query_value_not_sendable(case):
                excluded.append(negative_data_rejection)
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded,
                                   transport_kwargs=kwargs or None, recorder=getattr(self, "recorder", None))

    Workflow.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, deadline=None,
                                   suppress_health_check=list(HealthCheck), print_blob=True))
