"""Alembic environment: runs on the connection the workbench hands over (see store/migrate.py)."""
from alembic import context
from sqlalchemy import create_engine

from workbench.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # the `alembic` command line, for writing new revisions
        url = config.get_main_option("sqlalchemy.url")
        with create_engine(url).connect() as conn:
            _migrate(conn)
            conn.commit()
        return
    _migrate(connection)


def _migrate(connection) -> None:
    # A server project is one PostgreSQL schema (store/postgres.py): the connection's search_path
    # puts its tables there, and its alembic_version is kept beside them. A file has no schema.
    schema = config.attributes.get("schema")
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      version_table_schema=schema)
    with context.begin_transaction():
        context.run_migrations()


run()
