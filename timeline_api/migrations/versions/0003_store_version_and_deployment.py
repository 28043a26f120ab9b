"""store version shards (ETags) and the deployment row (its uid and cursor secret)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:10:00
"""
from __future__ import annotations

import secrets
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SHARDS = 16


def upgrade() -> None:
    versions = op.create_table('store_versions',
    sa.Column('shard', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('shard', name=op.f('pk_store_versions'))
    )
    deployment = op.create_table('deployment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployment'))
    )
    op.bulk_insert(versions, [{'shard': shard, 'version': 0} for shard in range(SHARDS)])
    # made here, once per database: every app server of the deployment reads the same
    op.bulk_insert(deployment, [{'id': 1, 'uid': str(uuid.uuid4()), 'secret': secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table('deployment')
    op.drop_table('store_versions')
