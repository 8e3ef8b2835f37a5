"""Version numbers for concurrent edits; tombstone.deleted_by as text (issue 14, item 5).

- `version` (integer, NOT NULL, starting at 1) on every table whose rows services change in
  place: code, memo, case_, attribute, attribute_value, source, source_folder, saved_query
  and coding (a merge of codes moves codings). Every in-place update adds one to it; a change
  made from what a user saw carries the version it saw and is refused when the row has moved
  on (docs/team.md). Existing rows start at 1.
- `tombstone.deleted_by` becomes TEXT: a merge that joins several long coder names overflowed
  VARCHAR(200) on PostgreSQL.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

VERSIONED = ("code", "memo", "case_", "attribute", "attribute_value", "source", "source_folder", "saved_query",
             "coding")


def upgrade() -> None:
    for table in VERSIONED:
        # ADD COLUMN ... NOT NULL DEFAULT 1 fills every existing row on both engines, no table copy.
        op.add_column(table, sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
    with op.batch_alter_table('tombstone') as batch:
        batch.alter_column('deleted_by', existing_type=sa.String(length=200), type_=sa.Text(),
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('tombstone') as batch:
        batch.alter_column('deleted_by', existing_type=sa.Text(), type_=sa.String(length=200),
                           existing_nullable=False)
    for table in VERSIONED:
        # ALTER TABLE DROP COLUMN (SQLite 3.35+): no table copy, so the expression indexes stay.
        op.drop_column(table, 'version')
