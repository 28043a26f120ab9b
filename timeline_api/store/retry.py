"""Transactions that lose a race to a concurrent one are tried again, from the start."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

ATTEMPTS = 3
T = TypeVar("T")


def is_transient(exc: OperationalError) -> bool:
    """A deadlock or serialisation failure (PostgreSQL), or a locked file (SQLite)."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in ("40P01", "40001") or "database is locked" in str(exc.orig)


def retry_transaction(session: Session, work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run ``work`` (which commits) until it succeeds; a transient failure, or a constraint
    broken by a concurrent writer (a row deleted or inserted meanwhile), rolls back and
    tries again, at most ``attempts`` times."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as exc:
            session.rollback()
            if attempt == attempts or not is_transient(exc):
                raise
        except IntegrityError:
            session.rollback()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
