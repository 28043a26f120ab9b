"""publication offsets, the offset of an event's interval, and why an event merges reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('published_offset', sa.SmallInteger(), nullable=True))
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('date_offset', sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column('merge_reason', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('merge_score', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('events') as batch:
        batch.drop_column('merge_score')
        batch.drop_column('merge_reason')
        batch.drop_column('date_offset')
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('published_offset')
