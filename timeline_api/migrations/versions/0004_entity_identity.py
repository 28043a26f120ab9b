"""entity identity: the normalised-name index, mentions, guessed kinds; duplicates folded

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

The fuzzy step of name resolution needs a trigram index over the normalised names
(``entity_names.key`` where ``form = 'key'``, a fifth of the rows): pg_trgm's partial GIN index
on PostgreSQL, an FTS5 trigram table kept in step by triggers on SQLite. Neither is
a model (models.SEARCH_INDEX_OBJECTS). Then the index is filled from the stored entities, and
entities one name had forked ("person:x" / "org:x", "Apple Inc." / "Apple") are folded into one,
with redirects, so old ids keep working.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN, not batch mode: on SQLite a batch rebuilds the table, and dropping the
    # old one with foreign keys on would cascade to every link of every entity
    op.add_column('entities', sa.Column('kind_guessed', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('entity_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_names_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_names')),
    sa.UniqueConstraint('entity_id', 'key', 'form', name='uq_entity_names_entity_key_form')
    )
    with op.batch_alter_table('entity_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_names_key'), ['key'], unique=False)

    op.create_table('entity_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=255), nullable=False),
    sa.Column('link', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_entity_mentions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_mentions_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_mentions'))
    )
    with op.batch_alter_table('entity_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_mentions_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_entity_mentions_entity_page', ['entity_id', 'article_id', 'start', 'id'], unique=False)

    _create_trigram_index()
    _fill_index_and_fold_duplicates()


def _create_trigram_index() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute("CREATE INDEX ix_entity_names_key_trgm ON entity_names USING gin (key gin_trgm_ops) "
                   "WHERE form = 'key'")
        return
    op.execute("CREATE VIRTUAL TABLE entity_names_fts USING fts5("
               "key, content='entity_names', content_rowid='id', tokenize='trigram')")
    op.execute("CREATE TRIGGER entity_names_fts_insert AFTER INSERT ON entity_names WHEN new.form = 'key' BEGIN "
               "INSERT INTO entity_names_fts(rowid, key) VALUES (new.id, new.key); END")
    op.execute("CREATE TRIGGER entity_names_fts_delete AFTER DELETE ON entity_names WHEN old.form = 'key' BEGIN "
               "INSERT INTO entity_names_fts(entity_names_fts, rowid, key) VALUES ('delete', old.id, old.key); END")
    op.execute("CREATE TRIGGER entity_names_fts_update AFTER UPDATE ON entity_names BEGIN "
               "INSERT INTO entity_names_fts(entity_names_fts, rowid, key) SELECT 'delete', old.id, old.key "
               "WHERE old.form = 'key'; "
               "INSERT INTO entity_names_fts(rowid, key) SELECT new.id, new.key WHERE new.form = 'key'; END")


def _fill_index_and_fold_duplicates() -> None:
    # the store's own functions, so the index is built as ingest builds it
    from timeline_api.entities import EntityMatcher
    from timeline_api.store import repository

    session = Session(bind=op.get_bind())
    repository.reindex_entity_names(session)
    if session.scalar(sa.text('SELECT count(*) FROM entities')):
        gazetteer = EntityMatcher.default()
        # the merge index and event counts do not exist yet: 0007 fills them from the links
        repository.fold_duplicate_entities(session, lambda entity_id: gazetteer.get(entity_id) is not None,
                                           derived=False)
    session.flush()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_entity_names_key_trgm')
    else:
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS entity_names_fts_{trigger}')
        op.execute('DROP TABLE IF EXISTS entity_names_fts')
    with op.batch_alter_table('entity_mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_mentions_entity_page')
        batch_op.drop_index(batch_op.f('ix_entity_mentions_article_id'))
    op.drop_table('entity_mentions')
    with op.batch_alter_table('entity_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_names_key'))
    op.drop_table('entity_names')
    op.drop_column('entities', 'kind_guessed')  # SQLite 3.35+ drops a column in place
