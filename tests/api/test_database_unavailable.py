"""A database that cannot serve right now (locked, unreachable) gives the client 503
problem+json with Retry-After and the log one short line, and stores nothing.

The outage of a real PostgreSQL server under gunicorn is tests/e2e/test_database_outage.py.
"""
from __future__ import annotations

import logging
import shutil
import socket
import sqlite3
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from timeline_api import create_app
from timeline_api.store.db import SQLITE_BUSY_TIMEOUT_S, database_unavailable, make_engine
from timeline_api.store.retry import ATTEMPTS

ARTICLE = {"text": "Flooding closed the port of Rotterdam on 2 March 2024, the harbour master said.",
           "published_at": "2024-03-03"}
# short, so the test takes about a second; the default is SQLITE_BUSY_TIMEOUT_S
BUSY_TIMEOUT_S = 0.3


@pytest.fixture
def sqlite_path(tmp_path, sqlite_template):
    path = tmp_path / "timeline.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def locked_app(sqlite_path):
    app = create_app({"database_url": f"sqlite:///{sqlite_path}?timeout={BUSY_TIMEOUT_S}",
                      "db_retry_after_seconds": 7})
    yield app
    app.extensions["timeline_db"].dispose()


def _count_articles(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_a_write_to_a_locked_sqlite_file_gets_503_within_the_busy_bound_and_stores_nothing(
        locked_app, sqlite_path, caplog):
    client = locked_app.test_client()
    holder = sqlite3.connect(sqlite_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        caplog.set_level(logging.WARNING)
        started = time.monotonic()
        response = client.post("/v1/articles", json=ARTICLE)
        elapsed = time.monotonic() - started
        # readers are not blocked by a writer (WAL)
        assert client.get("/v1/timeline").status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 503, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "7"
    body = response.get_json()
    assert body["status"] == 503 and "database" in body["detail"]
    # each try waits the busy timeout once; the analysis is not redone between tries
    assert BUSY_TIMEOUT_S <= elapsed < ATTEMPTS * BUSY_TIMEOUT_S + 3
    assert _count_articles(sqlite_path) == 0

    lines = [r for r in caplog.records if r.name == "timeline_api.api.errors"]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    message = lines[0].getMessage()
    assert "database is locked" in message
    assert "INSERT" not in message and "Rotterdam" not in message  # no SQL, no parameters

    # the lock gone, the same request succeeds without any restart
    assert client.post("/v1/articles", json=ARTICLE).status_code == 201
    assert _count_articles(sqlite_path) == 1


def test_the_sqlite_busy_timeout_is_the_documented_default_unless_the_url_sets_one(sqlite_path):
    for url, expected_ms in ((f"sqlite:///{sqlite_path}", SQLITE_BUSY_TIMEOUT_S * 1000),
                             (f"sqlite:///{sqlite_path}?timeout=0.3", 300)):
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == expected_ms
        engine.dispose()


def _error_of(engine, statement: str):
    with pytest.raises(Exception) as caught, engine.connect() as conn:
        conn.execute(text(statement))
    return caught.value


def test_unavailable_means_a_later_try_may_work_not_a_bug(sqlite_path):
    sqlite = make_engine(f"sqlite:///{sqlite_path}?timeout=0.05")
    holder = sqlite3.connect(sqlite_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        locked = _error_of(sqlite, "CREATE TABLE probe (x INTEGER)")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "database is locked" in database_unavailable(locked)
    # a missing table is a bug or a missing migration: a 500 with its traceback
    assert database_unavailable(_error_of(sqlite, "SELECT * FROM no_such_table")) is None
    sqlite.dispose()

    with port_without_server() as port:
        refused = _error_of(create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/x"), "SELECT 1")
    reason = database_unavailable(refused)
    assert reason.startswith("OperationalError: ") and "\n" not in reason

    assert database_unavailable(PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached")) is not None
    assert database_unavailable(ValueError("not a database error")) is None


@contextmanager
def port_without_server():
    """A loopback port that refuses connections (bound, never listening)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
