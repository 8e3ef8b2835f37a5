"""Runs the Alembic scripts that ship inside the package (migrations/ as workbench.migrations)."""
from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SAWarning

from workbench.store import sqlite


def script_location() -> str:
    return str(resources.files("workbench.migrations"))


def alembic_config(connection=None, schema: str | None = None) -> Config:
    """Alembic's configuration; with a schema (a server project), its alembic_version lives there."""
    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    if connection is not None:
        cfg.attributes["connection"] = connection
    cfg.attributes["schema"] = schema
    return cfg


def script_revisions() -> list[str]:
    """The revisions in the scripts, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(path: Path, target: str = "head") -> None:
    _run(command.upgrade, path, target)


def downgrade(path: Path, target: str) -> None:
    _run(command.downgrade, path, target)


def _run(step, path: Path, target: str) -> None:
    # Batch migrations copy tables; foreign keys must be off while they do.
    engine = sqlite.make_engine(path, foreign_keys=False)
    try:
        with engine.connect() as conn:
            run_on(conn, step, target)
            conn.commit()
    finally:
        engine.dispose()


def upgrade_on(conn, target: str = "head", schema: str | None = None) -> None:
    """Upgrade on an open connection, inside the caller's transaction (server projects: their schema)."""
    run_on(conn, command.upgrade, target, schema)


def run_on(conn, step, target: str, schema: str | None = None) -> None:
    with warnings.catch_warnings():
        # Batch mode cannot reflect expression indexes (the unique name keys): a revision that
        # rebuilds such a table makes them again itself; tests/store/test_migrations.py compares
        # the upgraded schema with a new file's, index by index.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                SAWarning)
        step(alembic_config(conn, schema), target)
