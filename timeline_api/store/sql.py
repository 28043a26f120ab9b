"""SQL constructs the store's statements share.

``any_of(column, "ids")`` is ``column IN (:ids...)`` written so that a statement's text does not
change with the number of values: an array parameter (``= ANY(:ids)``) on PostgreSQL, where one
text lets the driver prepare the statement once per connection (psycopg does after five runs)
instead of the server planning it on every run, and an expanding ``IN`` on SQLite, whose plans
cost nothing.
"""
from __future__ import annotations

from sqlalchemy import Boolean, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
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
