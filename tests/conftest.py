"""Fixtures: a fresh app and database per test, on SQLite and, when
TEST_DATABASE_URL is set (CI sets it), on PostgreSQL too."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from timeline_api import create_app
from timeline_api.store.migrate import upgrade
from timeline_api.store.models import Base
from timeline_api.temporal import engine as temporal_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_configure(config):
    if os.environ.get("REQUIRE_POSTGRES") and not PG_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")


# ------------------------------------------------------------- databases

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _admin_engine():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_url(worker_id) -> str:
    """A database of our own on the PostgreSQL server, migrated once; fails
    (never skips) when the server does not answer."""
    name = f"timeline_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is fatal here
        pytest.fail(f"PostgreSQL at {PG_URL} is unreachable: {exc}", pytrace=False)
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template) -> str:
    if request.param == "sqlite":
        path = tmp_path / "timeline.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # a transaction an earlier test left open would block this for ever: name it instead
        conn.execute(text("SET LOCAL lock_timeout = '20s'"))
        try:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        except OperationalError:
            engine.dispose()
            pytest.fail(f"a test left a transaction open: {_open_transactions(url)}", pytrace=False)
    engine.dispose()
    # each test's connections carry its name, so a transaction it leaves open is traceable
    return make_url(url).update_query_dict({"application_name": request.node.name[:63]}).render_as_string(
        hide_password=False)


def _open_transactions(url: str) -> list[str]:
    admin = _admin_engine()
    with admin.connect() as conn:
        rows = conn.execute(text(
            "SELECT application_name, state, left(query, 120) FROM pg_stat_activity "
            "WHERE datname = :name AND state LIKE 'idle in transaction%'"), {"name": make_url(url).database})
        found = [" | ".join(map(str, row)) for row in rows]
    admin.dispose()
    return found


@pytest.fixture
def app(database_url):
    # the rate limits have tests of their own; here they would only make tests order-dependent
    app = create_app({"database_url": database_url, "max_text_chars": 20_000,
                      "max_content_length": 256 * 1024, "rate_limits_enabled": False})
    app.config["TESTING"] = True
    yield app
    app.extensions["timeline_db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def post_article(client):
    def post(text: str, published_at: str = "2023-06-05", **fields):
        response = client.post("/v1/articles", json={"text": text, "published_at": published_at, **fields})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    return post


@pytest.fixture(autouse=True, scope="session")
def _strict_grammar():
    """A failing normaliser is logged and skipped in production; here it fails the test."""
    temporal_engine.STRICT = True
    yield
    temporal_engine.STRICT = False
