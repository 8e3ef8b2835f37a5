"""Core schema: project, coders, sources, codes, codings, cases, attributes, memos, tombstones.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 00:12:20.178780
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attribute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("type IN ('text','number','date','bool')", name=op.f('ck_attribute_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute')),
    sa.UniqueConstraint('guid', name=op.f('uq_attribute_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_attribute_name'))
    )
    op.create_table('case_',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_')),
    sa.UniqueConstraint('guid', name=op.f('uq_case__guid')),
    sa.UniqueConstraint('name', name=op.f('uq_case__name'))
    )
    op.create_table('coder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder')),
    sa.UniqueConstraint('guid', name=op.f('uq_coder_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_coder_name'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('guid', name=op.f('uq_project_guid'))
    )
    op.create_table('project_meta',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_project_meta'))
    )
    op.create_table('tombstone',
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=False),
    sa.Column('deleted_by', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('guid', name=op.f('pk_tombstone'))
    )
    op.create_table('attribute_value',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attribute_id'], ['attribute.id'], name=op.f('fk_attribute_value_attribute_id_attribute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case_.id'], name=op.f('fk_attribute_value_case_id_case_'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['coder.id'], name=op.f('fk_attribute_value_updated_by_id_coder'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('case_id', 'attribute_id', name=op.f('pk_attribute_value'))
    )
    with op.batch_alter_table('attribute_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attribute_value_attribute_id'), ['attribute_id'], unique=False)

    op.create_table('code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('color', sa.String(length=7), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['coder.id'], name=op.f('fk_code_created_by_id_coder'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['code.id'], name=op.f('fk_code_parent_id_code'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code')),
    sa.UniqueConstraint('guid', name=op.f('uq_code_guid')),
    sa.UniqueConstraint('parent_id', 'name', name='uq_code_parent_name')
    )
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_parent_id'), ['parent_id'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_encoding', sa.String(length=10), nullable=False),
    sa.Column('original_name', sa.String(length=500), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('text_encoding', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['coder.id'], name=op.f('fk_source_imported_by_id_coder'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('guid', name=op.f('uq_source_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_source_name'))
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_sha256'), ['sha256'], unique=False)

    op.create_table('case_source',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_.id'], name=op.f('fk_case_source_case_id_case_'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_case_source_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'source_id', name=op.f('pk_case_source'))
    )
    with op.batch_alter_table('case_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_source_source_id'), ['source_id'], unique=False)

    op.create_table('coding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_coding_span')),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_coding_code_id_code'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_coding_coder_id_coder'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_coding_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding')),
    sa.UniqueConstraint('guid', name=op.f('uq_coding_guid'))
    )
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.create_index('ix_coding_code_source', ['code_id', 'source_id'], unique=False)
        batch_op.create_index('ix_coding_coder', ['coder_id'], unique=False)
        batch_op.create_index('ix_coding_source_start', ['source_id', 'start'], unique=False)

    op.create_table('speaker_turn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('label_end', sa.Integer(), nullable=False),
    sa.Column('timestamp', sa.String(length=20), nullable=True),
    sa.Column('timestamp_ms', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_speaker_turn_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_turn'))
    )
    with op.batch_alter_table('speaker_turn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_turn_source_id'), ['source_id'], unique=False)

    op.create_table('memo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('coding_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    # CASE, not boolean + boolean: PostgreSQL refuses to add booleans (SQLite files made
    # before this change hold the older, equivalent text).
    sa.CheckConstraint('(CASE WHEN source_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)'
                       ' + (CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END)'
                       ' <= 1', name=op.f('ck_memo_one_target')),
    sa.ForeignKeyConstraint(['author_id'], ['coder.id'], name=op.f('fk_memo_author_id_coder'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['case_.id'], name=op.f('fk_memo_case_id_case_'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_memo_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_memo_coding_id_coding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_memo_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo')),
    sa.UniqueConstraint('guid', name=op.f('uq_memo_guid'))
    )
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memo_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_coding_id'), ['coding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_source_id'), ['source_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_source_id'))
        batch_op.drop_index(batch_op.f('ix_memo_coding_id'))
        batch_op.drop_index(batch_op.f('ix_memo_code_id'))
        batch_op.drop_index(batch_op.f('ix_memo_case_id'))

    op.drop_table('memo')
    with op.batch_alter_table('speaker_turn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_turn_source_id'))

    op.drop_table('speaker_turn')
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.drop_index('ix_coding_source_start')
        batch_op.drop_index('ix_coding_coder')
        batch_op.drop_index('ix_coding_code_source')

    op.drop_table('coding')
    with op.batch_alter_table('case_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_source_source_id'))

    op.drop_table('case_source')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_sha256'))

    op.drop_table('source')
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_parent_id'))

    op.drop_table('code')
    with op.batch_alter_table('attribute_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attribute_value_attribute_id'))

    op.drop_table('attribute_value')
    op.drop_table('tombstone')
    op.drop_table('project_meta')
    op.drop_table('project')
    op.drop_table('coder')
    op.drop_table('case_')
    op.drop_table('attribute')
