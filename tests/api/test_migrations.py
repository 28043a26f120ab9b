"""The schema comes from Alembic alone, and the models agree with it on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from timeline_api.store.migrate import upgrade
from timeline_api.store.models import Base, include_in_schema_comparison


def _empty_database(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))  # FTS5 drops its shadow tables
    engine.dispose()


def test_upgrade_head_on_an_empty_database_matches_the_models(database_url):
    _empty_database(database_url)
    engine = create_engine(database_url)
    assert inspect(engine).get_table_names() == []
    upgrade(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_in_schema_comparison})
        diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert set(inspect(conn).get_table_names()) >= {t.name for t in Base.metadata.sorted_tables}
    engine.dispose()
    upgrade(database_url)  # a second run is a no-op, not an error


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from timeline_api.store.db import Database

    database = Database(f"sqlite:///{tmp_path / 'sub' / 'timeline.db'}")  # the folder is created
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
