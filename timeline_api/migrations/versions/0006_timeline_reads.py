"""reads flat with store size: intervals by length class, entity timelines in timeline order

Events get ``span``, the class of their interval's length (models.SPAN_LIMITS), computed by
the database, and an index on (span, date_start, ...): each class's part of a time window is
one range of starts bounded at both ends. The actor and place links get copies of their
event's sort key and interval (and its class), and an index on (entity, span, sort key), so
an entity's timeline is a walk of one index in timeline order. Triggers keep the copies: a
link inserted without them takes its event's, and an event whose sort key or interval
changes passes it on to its links.

Revision ID: 0006r
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006r'
down_revision = '0005'
branch_labels = None
depends_on = None

# models.SPAN_LIMITS in seconds: an hour, a day, a week, 31 days, 92, 365, 366, 3660, 36600
LIMITS = (3600, 86400, 604800, 2678400, 7948800, 31536000, 31622400, 316224000, 3162240000)
LINKS = ('event_actors', 'event_locations')
COPIED = ('date_start', 'date_end', 'granularity_rank', 'first_published_at')


def _span(dialect: str) -> str:
    if dialect == 'postgresql':
        cases = ' '.join(f"WHEN date_end - date_start <= INTERVAL '{limit} seconds' THEN {c}"
                         for c, limit in enumerate(LIMITS))
    else:  # lengths in floating-point days: a second of slack (models.SPAN_SLACK)
        cases = ' '.join(f"WHEN (julianday(date_end) - julianday(date_start)) * 86400 <= {limit + 1} THEN {c}"
                         for c, limit in enumerate(LIMITS))
    return f"CASE {cases} ELSE {len(LIMITS)} END"


def _add_span(table: str, dialect: str) -> None:
    # PostgreSQL computes generated columns when a row is written (STORED); SQLite can only
    # add a VIRTUAL one, which its indexes store all the same
    stored = 'STORED' if dialect == 'postgresql' else 'VIRTUAL'
    op.execute(f"ALTER TABLE {table} ADD COLUMN span SMALLINT GENERATED ALWAYS AS ({_span(dialect)}) {stored}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _add_span('events', dialect)
    for table in LINKS:
        op.add_column(table, sa.Column('date_start', sa.DateTime(), nullable=True))
        op.add_column(table, sa.Column('date_end', sa.DateTime(), nullable=True))
        op.add_column(table, sa.Column('granularity_rank', sa.SmallInteger(), nullable=True))
        op.add_column(table, sa.Column('first_published_at', sa.DateTime(), nullable=True))
        _add_span(table, dialect)
        columns = ', '.join(COPIED)
        if dialect == 'postgresql':
            op.execute(f"UPDATE {table} AS l SET ({columns}) = ({', '.join('e.' + c for c in COPIED)}) "
                       f"FROM events AS e WHERE e.id = l.event_id")
        else:
            op.execute(f"UPDATE {table} SET ({columns}) = (SELECT {columns} FROM events "
                       f"WHERE events.id = {table}.event_id)")
    op.create_index('ix_events_window', 'events',
                    ['span', 'date_start', 'granularity_rank', 'first_published_at', 'id', 'date_end'])
    for table in LINKS:
        op.create_index(f'ix_{table}_timeline', table,
                        ['entity_id', 'span', 'date_start', 'granularity_rank', 'first_published_at', 'event_id',
                         'date_end'])
    if dialect == 'postgresql':
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    copies = ', '.join(COPIED)
    op.execute(f"""
        CREATE FUNCTION timeline_link_position() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.date_start IS NULL OR TG_OP = 'UPDATE' THEN
                SELECT {copies} INTO {', '.join('NEW.' + c for c in COPIED)} FROM events WHERE id = NEW.event_id;
            END IF;
            RETURN NEW;
        END $$""")
    moved = ', '.join(f"{c} = NEW.{c}" for c in COPIED)
    op.execute(f"""
        CREATE FUNCTION timeline_event_position() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE event_actors SET {moved} WHERE event_id = NEW.id;
            UPDATE event_locations SET {moved} WHERE event_id = NEW.id;
            RETURN NULL;
        END $$""")
    for table in LINKS:
        op.execute(f"CREATE TRIGGER {table}_position BEFORE INSERT OR UPDATE OF event_id ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION timeline_link_position()")
    changed = ' OR '.join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIED)
    op.execute(f"CREATE TRIGGER events_position AFTER UPDATE OF {copies} ON events FOR EACH ROW "
               f"WHEN ({changed}) EXECUTE FUNCTION timeline_event_position()")


def _sqlite_triggers() -> None:
    copies = ', '.join(COPIED)
    for table in LINKS:
        fill = (f"UPDATE {table} SET ({copies}) = (SELECT {copies} FROM events WHERE id = NEW.event_id) "
                f"WHERE event_id = NEW.event_id AND entity_id = NEW.entity_id;")
        op.execute(f"CREATE TRIGGER {table}_position AFTER INSERT ON {table} WHEN NEW.date_start IS NULL "
                   f"BEGIN {fill} END")
        op.execute(f"CREATE TRIGGER {table}_moved AFTER UPDATE OF event_id ON {table} BEGIN {fill} END")
    moved = ', '.join(f"{c} = NEW.{c}" for c in COPIED)
    changed = ' OR '.join(f"OLD.{c} IS NOT NEW.{c}" for c in COPIED)
    op.execute(f"CREATE TRIGGER events_position AFTER UPDATE OF {copies} ON events WHEN {changed} BEGIN "
               f"UPDATE event_actors SET {moved} WHERE event_id = NEW.id; "
               f"UPDATE event_locations SET {moved} WHERE event_id = NEW.id; END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER events_position ON events")
        for table in LINKS:
            op.execute(f"DROP TRIGGER {table}_position ON {table}")
        op.execute("DROP FUNCTION timeline_event_position()")
        op.execute("DROP FUNCTION timeline_link_position()")
    else:
        op.execute("DROP TRIGGER events_position")
        for table in LINKS:
            op.execute(f"DROP TRIGGER {table}_position")
            op.execute(f"DROP TRIGGER {table}_moved")
    for table in LINKS:
        op.drop_index(f'ix_{table}_timeline', table_name=table)
    op.drop_index('ix_events_window', table_name='events')
    for table in LINKS:
        # SQLite drops a column only once nothing (index, generated column) refers to it
        for column in ('span', *reversed(COPIED)):
            op.drop_column(table, column)
    op.drop_column('events', 'span')
