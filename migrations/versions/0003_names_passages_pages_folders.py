"""One name rule backed by unique keys; cases of passages; PDF pages; source folders.

- `name_key` (core.names.name_key) on coder, source, code, case_, attribute and
  saved_query, under unique indexes (codes per parent, top level as parent 0). Two
  names an older file held that now compare equal keep their rows: the later one is
  renamed "name (2)" and the rename is listed in project_meta "upgrade-0003-renames".
- `case_passage`: a passage of a source belonging to a case (issue 9).
- `source_page`: where each page of a PDF lies in its text.
- `source_folder` and `source.folder_id`: folders of sources.

Revision ID: 0003
Revises: 0002
"""
import json
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, the columns a name is unique within)
NAMED = [
    ("coder", ()),
    ("source", ()),
    ("case_", ()),
    ("attribute", ()),
    ("saved_query", ()),
    ("code", ("parent_id",)),
]


def _key(name: str) -> str:
    # The rule of core.names.name_key at this revision, written out so the revision never changes
    # when the program's rule does.
    collapsed = " ".join(name.split())
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", collapsed).casefold())


def _fill_keys(conn, table: str, scope: tuple[str, ...], renames: list[dict]) -> None:
    cols = ", ".join(("id", "name") + scope)
    rows = conn.execute(sa.text(f"SELECT {cols} FROM {table} ORDER BY id")).all()
    taken: set[tuple] = set()
    for row in rows:
        group = tuple(getattr(row, c) or 0 for c in scope)
        name = row.name
        key = _key(name)
        if (group, key) in taken:
            n = 2
            while (group, _key(f"{row.name} ({n})")) in taken:
                n += 1
            name = f"{row.name} ({n})"
            key = _key(name)
            renames.append({"table": table, "id": row.id, "was": row.name, "now": name})
        taken.add((group, key))
        conn.execute(sa.text(f"UPDATE {table} SET name = :n, name_key = :k WHERE id = :i"),
                     {"n": name, "k": key, "i": row.id})


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table('source_folder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=600), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['source_folder.id'], name=op.f('fk_source_folder_parent_id_source_folder'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_folder')),
    sa.UniqueConstraint('guid', name=op.f('uq_source_folder_guid'))
    )
    op.create_index('uq_source_folder_parent_key', 'source_folder',
                    [sa.text('coalesce(parent_id, 0)'), 'name_key'], unique=True)

    renames: list[dict] = []
    for table, scope in NAMED:
        op.add_column(table, sa.Column('name_key', sa.String(length=600), nullable=True))
        _fill_keys(conn, table, scope, renames)
        with op.batch_alter_table(table) as batch:
            batch.alter_column('name_key', existing_type=sa.String(length=600), nullable=False)
            if table == "source":
                batch.add_column(sa.Column('folder_id', sa.Integer(), nullable=True))
                batch.create_foreign_key(op.f('fk_source_folder_id_source_folder'), 'source_folder',
                                         ['folder_id'], ['id'], ondelete='SET NULL')
                batch.create_index(op.f('ix_source_folder_id'), ['folder_id'], unique=False)
    for table, scope in NAMED:
        if scope:
            op.create_index(f'uq_{table}_parent_key', table, [sa.text('coalesce(parent_id, 0)'), 'name_key'],
                            unique=True)
        else:
            op.create_index(f'uq_{table}_name_key', table, ['name_key'], unique=True)
    if renames:
        conn.execute(sa.text("INSERT INTO project_meta (key, value) VALUES ('upgrade-0003-renames', :v)"),
                     {"v": json.dumps(renames, ensure_ascii=False)})

    op.create_table('case_passage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_case_passage_span')),
    sa.ForeignKeyConstraint(['case_id'], ['case_.id'], name=op.f('fk_case_passage_case_id_case_'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['coder.id'], name=op.f('fk_case_passage_created_by_id_coder'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_case_passage_source_id_source'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_passage')),
    sa.UniqueConstraint('case_id', 'source_id', 'start', 'end', name='uq_case_passage_span'),
    sa.UniqueConstraint('guid', name=op.f('uq_case_passage_guid'))
    )
    op.create_index(op.f('ix_case_passage_case_id'), 'case_passage', ['case_id'], unique=False)
    op.create_index('ix_case_passage_source_start', 'case_passage', ['source_id', 'start'], unique=False)

    op.create_table('source_page',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_page_source_id_source'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', 'page', name=op.f('pk_source_page'))
    )


def downgrade() -> None:
    op.drop_table('source_page')
    op.drop_index('ix_case_passage_source_start', table_name='case_passage')
    op.drop_index(op.f('ix_case_passage_case_id'), table_name='case_passage')
    op.drop_table('case_passage')
    for table, scope in NAMED:
        op.drop_index(f'uq_{table}_parent_key' if scope else f'uq_{table}_name_key', table_name=table)
        with op.batch_alter_table(table) as batch:
            if table == "source":
                batch.drop_index(op.f('ix_source_folder_id'))
                batch.drop_constraint(op.f('fk_source_folder_id_source_folder'), type_='foreignkey')
                batch.drop_column('folder_id')
            batch.drop_column('name_key')
    op.execute("DELETE FROM project_meta WHERE key = 'upgrade-0003-renames'")
    op.drop_index('uq_source_folder_parent_key', table_name='source_folder')
    op.drop_table('source_folder')
