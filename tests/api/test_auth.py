"""Writes are authorised by API key and scope; reads stay open unless the deployment asks."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from timeline_api import create_app, keys
from timeline_api.cli import main
from timeline_api.store.db import Database
from timeline_api.store.models import ApiKey, Article

ARTICLE = {"text": "Floods closed the port of Lagos on 2 July 2022.", "published_at": "2022-07-04"}
REMOTE = {"REMOTE_ADDR": "203.0.113.9"}  # a client on another machine (TEST-NET-3)


def _key(database_url: str, scope: str) -> str:
    database = Database(database_url)
    with database.session() as session:
        secret = keys.create_key(session, scope, name=f"test {scope}").secret
    database.dispose()
    return secret


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _articles(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    return count


def _is_problem(response, status: int) -> None:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status


def test_before_any_key_exists_only_loopback_clients_may_write(client, database_url):
    refused = client.post("/v1/articles", json=ARTICLE, environ_base=REMOTE)
    _is_problem(refused, 401)
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "keys create --scope write" in refused.get_json()["detail"]
    assert _articles(database_url) == 0
    assert client.post("/v1/articles", json=ARTICLE).status_code == 201  # from 127.0.0.1


def test_once_a_key_exists_every_write_needs_one_even_from_loopback(client, database_url):
    key = _key(database_url, "write")
    _is_problem(client.post("/v1/articles", json=ARTICLE), 401)
    assert _articles(database_url) == 0
    assert client.post("/v1/articles", json=ARTICLE, headers=_bearer(key), environ_base=REMOTE).status_code == 201
    again = {**ARTICLE, "text": ARTICLE["text"] + " Shipping resumed on 5 July."}
    assert client.post("/v1/articles", json=again, headers={"X-API-Key": key}).status_code == 201


def test_a_write_key_cannot_delete_or_curate_an_admin_key_can(client, database_url):
    write, admin = _key(database_url, "write"), _key(database_url, "admin")
    article_id = client.post("/v1/articles", json=ARTICLE, headers=_bearer(write)).get_json()["id"]
    entity = {"name": "Lagos Port Authority", "kind": "organization"}
    forbidden = [
        client.delete(f"/v1/articles/{article_id}", headers=_bearer(write)),
        client.post("/v1/entities", json=entity, headers=_bearer(write)),
    ]
    for response in forbidden:
        _is_problem(response, 403)
        assert "admin" in response.get_json()["detail"]
    created = client.post("/v1/entities", json=entity, headers=_bearer(admin))
    assert created.status_code == 201
    entity_id = created.get_json()["id"]
    patch = {"aliases": ["NPA"]}
    _is_problem(client.patch(f"/v1/entities/{entity_id}", json=patch, headers=_bearer(write)), 403)
    assert client.patch(f"/v1/entities/{entity_id}", json=patch, headers=_bearer(admin)).status_code == 200
    assert client.delete(f"/v1/articles/{article_id}", headers=_bearer(admin)).status_code == 204


def test_unknown_malformed_and_revoked_keys_are_refused(client, database_url):
    key = _key(database_url, "write")
    for bad in ("tlk_" + "x" * 43, "not-a-key", key[:-1], "tlk_" + "\udcff" * 3):
        _is_problem(client.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": bad}), 401)
    database = Database(database_url)
    with database.session() as session:
        (row,) = session.scalars(select(ApiKey)).all()
        keys.revoke_key(session, row.id)
    database.dispose()
    _is_problem(client.post("/v1/articles", json=ARTICLE, headers=_bearer(key)), 401)
    assert _articles(database_url) == 0


def test_only_the_hash_of_a_key_is_stored(database_url):
    key = _key(database_url, "admin")
    database = Database(database_url)
    with database.session() as session:
        (row,) = session.scalars(select(ApiKey)).all()
        assert key not in (row.key_hash, row.prefix, row.name) and row.key_hash == keys.hash_key(key)
        assert key.startswith(row.prefix) and len(row.prefix) < len(key) // 4
    database.dispose()


def test_reads_are_open_and_a_bad_key_on_an_open_read_is_ignored(client, database_url):
    _key(database_url, "admin")
    assert client.get("/v1/timeline", environ_base=REMOTE).status_code == 200
    assert client.get("/v1/timeline", headers={"X-API-Key": "tlk_wrong"}).status_code == 200
    resolved = client.post("/v1/resolve", json={"text": "on Friday", "reference_date": "2023-06-05"},
                           environ_base=REMOTE)
    assert resolved.status_code == 200


@pytest.fixture
def closed_app(database_url):
    app = create_app({"database_url": database_url, "require_key_for_reads": True, "rate_limits_enabled": False})
    yield app
    app.extensions["timeline_db"].dispose()


def test_reads_can_require_a_key_of_any_scope(closed_app, database_url):
    client = closed_app.test_client()
    _is_problem(client.get("/v1/timeline"), 401)
    _is_problem(client.post("/v1/resolve", json={"text": "on Friday", "reference_date": "2023-06-05"}), 401)
    read = _key(database_url, "read")
    assert client.get("/v1/timeline", headers=_bearer(read)).status_code == 200
    assert client.get("/v1/entities", headers={"X-API-Key": read}).status_code == 200
    _is_problem(client.post("/v1/articles", json=ARTICLE, headers=_bearer(read)), 403)
    # the probes and the API description stay open to orchestrators and SDK generators
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_unknown_routes_and_methods_are_404_and_405_before_any_key_is_asked(client, database_url):
    _key(database_url, "admin")
    assert client.get("/v1/nothing-here").status_code == 404
    assert client.put("/v1/articles", json=ARTICLE).status_code == 405


def test_the_openapi_document_declares_who_needs_what(client):
    spec = client.get("/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyHeader"]["in"] == "header" and schemes["apiKeyHeader"]["name"] == "X-API-Key"
    protected = {(path, method) for path, ops in spec["paths"].items() for method, op in ops.items()
                 if method in ("get", "post", "patch", "put", "delete")
                 and op.get("security") == [{"bearerAuth": []}, {"apiKeyHeader": []}]}
    assert protected == {("/v1/articles", "post"), ("/v1/articles/{article_id}", "delete"),
                         ("/v1/entities", "post"), ("/v1/entities/{entity_id}", "patch"),
                         ("/v1/entities/{entity_id}/merge", "post"), ("/v1/events/{event_id}/split", "post")}
    for path, method in protected:
        assert {"401", "403"} <= set(spec["paths"][path][method]["responses"])
    assert spec["security"][0] == {}  # everything else: a key only when the deployment asks
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_keys_from_the_command_line(database_url):
    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    created = runner.invoke(main, ["keys", "create", "--scope", "write", "--name", "newsroom importer"], env=env)
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith(keys.KEY_PREFIX) and "shown only now" in created.stderr
    listed = runner.invoke(main, ["keys", "list"], env=env)
    assert "newsroom importer" in listed.stdout and "write" in listed.stdout and secret not in listed.stdout
    key_id = listed.stdout.split("\t", 1)[0]
    assert runner.invoke(main, ["keys", "revoke", key_id], env=env).exit_code == 0
    assert "revoked" in runner.invoke(main, ["keys", "list"], env=env).stdout
    assert runner.invoke(main, ["keys", "revoke", "999999"], env=env).exit_code == 1
    assert runner.invoke(main, ["keys", "create", "--scope", "root"], env=env).exit_code == 2
