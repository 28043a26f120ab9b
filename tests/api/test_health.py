"""Probes: liveness says the process is up; readiness says the database can serve this version."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from timeline_api import create_app
from timeline_api.store.migrate import head_revisions


def test_liveness_and_readiness_on_a_migrated_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_not_ready_before_the_schema_is_migrated(tmp_path):
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "never migrated" in response.get_json()["detail"] and "db upgrade" in response.get_json()["detail"]
    assert app.test_client().get("/healthz").status_code == 200  # the process itself is fine
    app.extensions["timeline_db"].dispose()


def _set_revision(database_url: str, revision: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision})
    engine.dispose()


def test_not_ready_when_the_schema_is_behind_this_version(app, database_url):
    (head,) = head_revisions()
    _set_revision(database_url, "an_older_revision")
    try:
        response = app.test_client().get("/readyz")
    finally:
        _set_revision(database_url, head)  # the PostgreSQL database is shared by the session's tests
    assert response.status_code == 503
    detail = response.get_json()["detail"]
    assert "an_older_revision" in detail and head in detail
