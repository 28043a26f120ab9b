"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 03:58:00.101249
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('external_id', sa.String(length=255), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=1000), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_articles_content_hash')),
    sa.UniqueConstraint('external_id', name=op.f('uq_articles_external_id')),
    sa.UniqueConstraint('url', name=op.f('uq_articles_url'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_published_at'), ['published_at'], unique=False)

    op.create_table('entities',
    sa.Column('id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_norm', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('geonames_id', sa.Integer(), nullable=True),
    sa.Column('country_code', sa.String(length=8), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('population', sa.BigInteger(), nullable=True),
    sa.Column('parent_id', sa.String(length=128), nullable=True),
    sa.Column('curated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['entities.id'], name=op.f('fk_entities_parent_id_entities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities'))
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entities_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_name_norm'), ['name_norm'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date_value', sa.String(length=64), nullable=False),
    sa.Column('date_start', sa.DateTime(), nullable=False),
    sa.Column('date_end', sa.DateTime(), nullable=False),
    sa.Column('granularity', sa.String(length=16), nullable=False),
    sa.Column('granularity_rank', sa.SmallInteger(), nullable=False),
    sa.Column('date_text', sa.String(length=255), nullable=True),
    sa.Column('date_source', sa.String(length=16), nullable=False),
    sa.Column('date_mod', sa.String(length=16), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('first_published_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_date_end', ['date_end'], unique=False)
        batch_op.create_index('ix_events_timeline_order', ['date_start', 'granularity_rank', 'first_published_at', 'id'], unique=False)

    op.create_table('registry_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_version'))
    )
    op.create_table('entity_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('alias', sa.String(length=255), nullable=False),
    sa.Column('alias_norm', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_aliases_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_aliases')),
    sa.UniqueConstraint('entity_id', 'alias_norm', name='uq_entity_aliases_entity_alias')
    )
    with op.batch_alter_table('entity_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_aliases_alias_norm'), ['alias_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_aliases_entity_id'), ['entity_id'], unique=False)

    op.create_table('entity_redirects',
    sa.Column('from_id', sa.String(length=128), nullable=False),
    sa.Column('to_id', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['to_id'], ['entities.id'], name=op.f('fk_entity_redirects_to_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('from_id', name=op.f('pk_entity_redirects'))
    )
    with op.batch_alter_table('entity_redirects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_redirects_to_id'), ['to_id'], unique=False)

    op.create_table('event_actors',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_event_actors_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_actors_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'entity_id', name=op.f('pk_event_actors'))
    )
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.create_index('ix_event_actors_entity_event', ['entity_id', 'event_id'], unique=False)

    op.create_table('event_locations',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.Column('qualifier', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_event_locations_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_locations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'entity_id', name=op.f('pk_event_locations'))
    )
    with op.batch_alter_table('event_locations', schema=None) as batch_op:
        batch_op.create_index('ix_event_locations_entity_event', ['entity_id', 'event_id'], unique=False)

    op.create_table('event_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('date_value', sa.String(length=64), nullable=False),
    sa.Column('date_start', sa.DateTime(), nullable=False),
    sa.Column('date_end', sa.DateTime(), nullable=False),
    sa.Column('granularity', sa.String(length=16), nullable=False),
    sa.Column('date_text', sa.String(length=255), nullable=True),
    sa.Column('date_source', sa.String(length=16), nullable=False),
    sa.Column('date_mod', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_event_sources_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_sources_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sources'))
    )
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_sources_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_sources_event_id'), ['event_id'], unique=False)

    op.create_table('source_actors',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_source_actors_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['event_sources.id'], name=op.f('fk_source_actors_source_id_event_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', 'entity_id', name=op.f('pk_source_actors'))
    )
    with op.batch_alter_table('source_actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_actors_entity_id'), ['entity_id'], unique=False)

    op.create_table('source_locations',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.Column('qualifier', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_source_locations_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['event_sources.id'], name=op.f('fk_source_locations_source_id_event_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', 'entity_id', name=op.f('pk_source_locations'))
    )
    with op.batch_alter_table('source_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_locations_entity_id'), ['entity_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('source_locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_locations_entity_id'))

    op.drop_table('source_locations')
    with op.batch_alter_table('source_actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_actors_entity_id'))

    op.drop_table('source_actors')
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_sources_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_sources_article_id'))

    op.drop_table('event_sources')
    with op.batch_alter_table('event_locations', schema=None) as batch_op:
        batch_op.drop_index('ix_event_locations_entity_event')

    op.drop_table('event_locations')
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.drop_index('ix_event_actors_entity_event')

    op.drop_table('event_actors')
    with op.batch_alter_table('entity_redirects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_redirects_to_id'))

    op.drop_table('entity_redirects')
    with op.batch_alter_table('entity_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_aliases_entity_id'))
        batch_op.drop_index(batch_op.f('ix_entity_aliases_alias_norm'))

    op.drop_table('entity_aliases')
    op.drop_table('registry_version')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_timeline_order')
        batch_op.drop_index('ix_events_date_end')

    op.drop_table('events')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_name_norm'))
        batch_op.drop_index(batch_op.f('ix_entities_kind'))

    op.drop_table('entities')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_published_at'))

    op.drop_table('articles')
