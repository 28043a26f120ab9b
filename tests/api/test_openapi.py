"""The committed OpenAPI document is what the app generates, and it is valid."""
from __future__ import annotations

from pathlib import Path

import yaml
from openapi_spec_validator import validate

from timeline_api.openapi_doc import openapi_yaml

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"


def test_committed_document_matches_the_app():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_yaml(), (
        "openapi/openapi.yaml is stale: run `make openapi` and commit it")


def test_document_is_valid_openapi():
    validate(yaml.safe_load(COMMITTED.read_text(encoding="utf-8")))


def test_every_operation_has_an_explicit_operation_id():
    spec = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)
           and "responses" in op]
    assert ids and all(ids) and len(ids) == len(set(ids))
    assert "createArticle" in ids and "getTimeline" in ids


def test_served_document_and_docs_page(client):
    served = client.get("/openapi.json").get_json()
    assert served == yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    page = client.get("/docs")
    assert page.status_code == 200 and b"swagger" in page.data.lower()
