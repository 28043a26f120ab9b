"""the merge index (entity, interval), entity event counts, event words

Revision ID: 0007
Revises: 0006r
Create Date: 2026-12-02 04:00:00

``merge_index`` holds one row per (event, entity it is found by when merging: its actors and
named places) with the event's interval and the class of its length, so that the merge
candidates of a window are a few range scans of ``ix_merge_index_probe`` (docs/architecture.md,
"The write path"). It is filled from the links stored; ``entities.event_count`` then counts each
entity's rows, and ``entities.span_classes`` says which span classes it has rows of.
``events.words`` stays empty for the events stored before: merging computes their words from
the quotes, as it always did.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006r'
branch_labels = None
depends_on = None

# models.MERGE_SPAN_DAYS when this migration was written (a later change of the bounds needs a
# migration of its own)
_MERGE_SPAN_DAYS = (8, 93, 367, 3654)


def upgrade() -> None:
    op.create_table('merge_index',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('span_class', sa.SmallInteger(), nullable=False),
    sa.Column('date_start', sa.DateTime(), nullable=False),
    sa.Column('date_end', sa.DateTime(), nullable=False),
    sa.Column('granularity_rank', sa.SmallInteger(), nullable=False),
    sa.Column('inferred', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_merge_index_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_merge_index_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'entity_id', name=op.f('pk_merge_index'))
    )
    # plain ADD COLUMN, not batch mode: on SQLite a batch rebuilds the table, and dropping the old
    # one with foreign keys on would cascade to every link (as in 0004)
    op.add_column('entities', sa.Column('event_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('entities', sa.Column('span_classes', sa.Integer(), server_default='0', nullable=False))
    op.add_column('events', sa.Column('words', sa.Text(), nullable=True))
    _fill_index()
    with op.batch_alter_table('merge_index', schema=None) as batch_op:  # after the rows: one sort, not many
        batch_op.create_index('ix_merge_index_probe', ['entity_id', 'span_class', 'date_start', 'date_end',
                                                       'granularity_rank', 'inferred', 'event_id'], unique=False)
    op.execute('UPDATE entities SET event_count = '
               '(SELECT count(*) FROM merge_index m WHERE m.entity_id = entities.id), '
               'span_classes = (SELECT coalesce(sum(DISTINCT 1 << span_class), 0) FROM merge_index m '
               'WHERE m.entity_id = entities.id)')


def _fill_index() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        days = 'EXTRACT(EPOCH FROM (e.date_end - e.date_start)) / 86400.0'
    else:
        days = 'julianday(e.date_end) - julianday(e.date_start)'
    classes = ' '.join(f'WHEN {days} <= {bound} THEN {i}' for i, bound in enumerate(_MERGE_SPAN_DAYS))
    op.execute(
        'INSERT INTO merge_index (event_id, entity_id, span_class, date_start, date_end, granularity_rank, inferred) '
        f'SELECT e.id, k.entity_id, CASE {classes} ELSE {len(_MERGE_SPAN_DAYS)} END, e.date_start, e.date_end, '
        "e.granularity_rank, e.date_source != 'explicit' FROM events e JOIN ("
        'SELECT event_id, entity_id FROM event_actors UNION '
        'SELECT event_id, entity_id FROM event_locations WHERE direct) k ON k.event_id = e.id')


def downgrade() -> None:
    op.drop_column('events', 'words')
    op.drop_column('entities', 'span_classes')
    op.drop_column('entities', 'event_count')
    with op.batch_alter_table('merge_index', schema=None) as batch_op:
        batch_op.drop_index('ix_merge_index_probe')
    op.drop_table('merge_index')
