"""Engine and session factory for the configured database URL, and how long a
request may wait for the database before it gives up (docs/deployment.md)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from weakref import WeakSet

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

# A write that finds the SQLite file locked by another connection waits this long for
# the lock, then fails (503). A write is tried up to three times (store/retry.py), so a
# file locked for good answers 503 after about 3 x 2 s. `?timeout=SECONDS` in the
# DATABASE_URL overrides it.
SQLITE_BUSY_TIMEOUT_S = 2.0
# A PostgreSQL server that does not accept the connection within this time (a host
# that drops packets, not one that refuses them) fails the request (503) instead of
# holding the thread for the kernel's TCP timeout of minutes. `?connect_timeout=` overrides it.
POSTGRES_CONNECT_TIMEOUT_S = 5
# When every pooled PostgreSQL connection is in use, a request waits this long for one
# (503 after). A worker's threads (4) never exhaust its pool (5 + 10 overflow) alone.
POOL_TIMEOUT_S = 5

# SQLite's primary result codes that mean "not now" rather than "never": busy or locked
# by another connection, out of memory, disk I/O error, disk full, cannot open the file,
# locking protocol. "no such table" (SQLITE_ERROR) is a bug or a missing migration.
_SQLITE_UNAVAILABLE = {5, 6, 7, 10, 13, 14, 15}
_REASON_CHARS = 200


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run while a writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def redacted_url(url: str) -> str:
    """The URL as logs and messages may show it: no password."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(url)
        # the driver's timeout is SQLite's busy timeout
        connect_args = {"check_same_thread": False, **_unless_in(parsed, timeout=SQLITE_BUSY_TIMEOUT_S)}
        engine = create_engine(url, connect_args=connect_args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping: a connection pooled before the server restarted is replaced, not used
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=POOL_TIMEOUT_S,
                         connect_args=_unless_in(parsed, connect_timeout=POSTGRES_CONNECT_TIMEOUT_S))


def _unless_in(url: URL, **defaults) -> dict:
    """The defaults the URL's query string does not set itself."""
    return {name: value for name, value in defaults.items() if name not in url.query}


def database_unavailable(error: BaseException) -> str | None:
    """Why the database cannot serve right now, in one line without SQL or parameters,
    or None when error is not of that kind. Unavailable means a later try may work:
    the server is unreachable, shutting down or out of connections, the SQLite file is
    locked or the disk full, a deadlock outlived the retries, no pooled connection was
    freed in time. The client is told to retry (503), and no traceback is logged."""
    if isinstance(error, PoolTimeoutError):
        return _one_line(error)
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    if error.connection_invalidated:  # SQLAlchemy saw the connection drop
        unavailable = True
    elif isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        unavailable = code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    else:
        # PostgreSQL's operational errors are the unavailable kind: connection failures,
        # shutdowns, deadlocks, lock and statement timeouts, full disk, too many clients
        unavailable = isinstance(error, OperationalError)
    return f"{type(original).__name__}: {_one_line(original)}" if unavailable else None


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else type(error).__name__
    return first if len(first) <= _REASON_CHARS else first[:_REASON_CHARS] + "..."


_databases: WeakSet[Database] = WeakSet()


def dispose_all() -> None:
    """Drop pooled connections, e.g. in a freshly forked worker (they belong to the parent)."""
    for database in list(_databases):
        database.engine.dispose(close=False)


class Database:
    """One engine and its session factory; shared by the app, the CLI and tests."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        _databases.add(self)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.sessionmaker()
        try:
            yield session
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
