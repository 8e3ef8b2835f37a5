"""SQL identifiers for PostgreSQL statements the store writes as text (schemas, tables, roles).

Names are checked before they get here (core.location: project schemas; team_roles: role
names); quoting keeps them exactly as given, case and all.
"""
from __future__ import annotations


def quote(name: str) -> str:
    """A schema, table or role name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
