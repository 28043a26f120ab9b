"""Alembic environment: the URL comes from the caller (timeline-api db upgrade) or DATABASE_URL."""
from __future__ import annotations

from alembic import context

from timeline_api.config import Settings
from timeline_api.store.db import make_engine
from timeline_api.store.models import Base, include_in_schema_comparison

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, include_object=include_in_schema_comparison)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    # batch mode lets later migrations alter tables on SQLite too
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      include_object=include_in_schema_comparison)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
