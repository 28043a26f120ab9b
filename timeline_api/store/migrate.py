"""Run Alembic migrations from code: the schema is created by migrations only.

The Alembic scripts ship inside the package (``timeline_api/migrations``), so an
installed wheel migrates from any directory, with no checkout and no alembic.ini.
"""
from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

# Alembic resolves "package:path" through importlib.resources, wherever the package is installed.
SCRIPT_LOCATION = "timeline_api:migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


@functools.cache
def head_revisions() -> frozenset[str]:
    """The revisions this code expects the database to be at (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(connection: Connection) -> frozenset[str]:
    """The revisions the database is at (empty when it was never migrated)."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())
