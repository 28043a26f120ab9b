"""SQL constructs the store's statements share.

``insert_rows(conn, table, columns, rows)`` inserts tuples with one driver-level executemany:
ingest writes a couple of hundred link, source and index rows per article, and SQLAlchemy's
per-row parameter processing was a third of its CPU (the driver adapts the values itself; on
SQLite only datetimes need SQLAlchemy's storage format, which ``sqlite_time`` gives).

``any_of(column, "ids")`` is ``column IN (:ids...)`` written so that a statement's text does not
change with the number of values: an array parameter (``= ANY(:ids)``) on PostgreSQL, where one
text lets the driver prepare the statement once per connection (psycopg does after five runs)
instead of the server planning it on every run, and an expanding ``IN`` on SQLite, whose plans
cost nothing.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from sqlalchemy import Boolean, DateTime, Table, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class _AnyOf(ColumnElement[bool]):
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison already: no "= 1" where booleans are not native
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("name", InternalTraversal.dp_string)]

    def __init__(self, column, name: str):
        self.column = column
        self.name = name


def any_of(column, name: str) -> ColumnElement[bool]:
    """``column`` is one of the values of the list parameter ``name``."""
    return _AnyOf(column, name)


@compiles(_AnyOf)
def _expanding_in(element: _AnyOf, compiler, **kw) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(_AnyOf, "postgresql")
def _equals_any_array(element: _AnyOf, compiler, **kw) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == func.any(values), **kw)


@functools.lru_cache(maxsize=4096)  # an article's rows share a few dates
def sqlite_time(moment: dt.datetime) -> str:
    """A datetime as SQLAlchemy stores it on SQLite (text that sorts as the times do)."""
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}")


_insert_sql: dict[tuple[str, str, tuple[str, ...]], tuple[str, tuple[int, ...]]] = {}


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT the tuples (values of ``columns``, in order) by one executemany of the driver."""
    if not rows:
        return
    key = (conn.dialect.name, table.name, tuple(columns))
    prepared = _insert_sql.get(key)
    if prepared is None:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
        times = tuple(i for i, c in enumerate(columns) if isinstance(table.c[c].type, DateTime))
        prepared = _insert_sql[key] = (
            f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(columns))})",
            times if conn.dialect.name == "sqlite" else ())
    sql, times = prepared
    if times:
        converted = []
        for row in rows:
            row = list(row)
            for i in times:
                if row[i] is not None:
                    row[i] = sqlite_time(row[i])
            converted.append(tuple(row))
        rows = converted
    conn.exec_driver_sql(sql, rows)
