"""The Alembic revisions this program knows, oldest first, without importing Alembic.

Opening a project at head must not pay for importing Alembic; a test checks
that this list matches the scripts in migrations/versions.
"""

REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
