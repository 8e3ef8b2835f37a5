"""What makes a server project a team project: roles, grants, row-level security (issue 14).

`secure(conn, schema)` is called inside the transaction that creates, publishes or
upgrades a team project; it is idempotent (run again after every upgrade).

Roles. Each project has three NOLOGIN group roles; a person's own login role is made a
member of one of them (`workbench grant`). Roles are cluster-wide while projects live in
one database, so two databases may each hold a project `study`: the names carry a hash
of both, `wb_<project>_<h>_<kind>`, h = the first 8 hex digits of
sha256("<database>/<project>"), kind = owner | coder | reader (at most 3 + 40 + 1 + 8 +
1 + 6 = 59 bytes, within PostgreSQL's 63; lower case, so they need no quotes).

Who may do what (enforced by the server for any client, not by the program):
- owner: everything. The group owns the schema and its tables, so its members may also
  upgrade the project (Alembic's DDL) and bypass row-level security, as the table owner
  does; they may grant the group roles to others (ADMIN OPTION, see `grant_member`).
- coder: reads everything; inserts, updates and deletes only their own codings
  (coder_id) and memos (author_id), "own" meaning the coder row whose name compares
  equal to `current_user` (name_key: the login `thandi` is the coder "Thandi" of a
  published file); inserts the tombstones of what they delete (deleted_by = themselves,
  never for a coding or memo of someone else's: the services bury before they delete);
  records themselves as a coder; creates codes only when project_meta holds
  coders_create_codes = yes (created_by_id = themselves) and never renames, moves or
  deletes one.
- reader: SELECT only (query, export); both coder and reader may add the search index's
  missing rows (source_fold, a folded copy of each source's text made on first search).
No PUBLIC access: a role of one project holds USAGE on that project's schema only, so it
cannot read another project in the same database.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from workbench.store.pg_names import quote
from workbench.store.team import mark_team

KINDS = ("owner", "coder", "reader")
CODERS_CREATE_CODES = "coders_create_codes"  # project_meta key: 'yes' lets coders add codes
_POLICY = "wb_"  # the prefix of every policy secure() makes (dropped and made again)
# The coder row of the role signed in: the one whose name compares equal to it (core.names.name_key,
# which for the lower-case names PostgreSQL gives roles is lower()), so the login `thandi` is the
# coder "Thandi" of a project file put on the server.
ME_KEY = "lower(current_user::text)"


def role_names(database: str, schema: str) -> dict[str, str]:
    """The project's three group roles, by kind (see the module's naming rule)."""
    h = hashlib.sha256(f"{database}/{schema}".encode()).hexdigest()[:8]
    return {kind: f"wb_{schema}_{h}_{kind}" for kind in KINDS}


def project_roles(conn: Connection, schema: str) -> dict[str, str]:
    return role_names(conn.execute(text("SELECT current_database()")).scalar(), schema)


def secure(conn: Connection, schema: str) -> None:
    """Make the project in schema a team project (inside the caller's transaction)."""
    from sqlalchemy.orm import Session

    from workbench.store.pg_search import WordIndex

    mark_team(conn, schema)
    roles = project_roles(conn, schema)
    owner, coder, reader = roles["owner"], roles["coder"], roles["reader"]
    for role in roles.values():
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    me = conn.execute(text("SELECT current_user")).scalar()
    superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if not superuser and not _member(conn, me, owner):
        conn.execute(text(f"GRANT {owner} TO {quote(me)} WITH ADMIN OPTION"))  # to hand the tables over
    conn.execute(text(f"SET LOCAL search_path TO {quote(schema)}, public"))

    with Session(bind=conn) as session:  # the search index: made now, by its owner, not on a coder's search
        WordIndex().ensure(session)
        session.flush()
    s = quote(schema)
    conn.execute(text(f"ALTER SCHEMA {s} OWNER TO {owner}"))
    conn.execute(text(f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {owner}, {coder}, {reader}"))
    tables = list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
                               {"s": schema}).scalars())
    for table in tables:
        t = f"{s}.{quote(table)}"
        conn.execute(text(f"ALTER TABLE {t} OWNER TO {owner}"))
        conn.execute(text(f"REVOKE ALL ON {t} FROM PUBLIC, {coder}, {reader}"))
        conn.execute(text(f"GRANT SELECT ON {t} TO {coder}, {reader}"))
        conn.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
        for name in conn.execute(text("SELECT policyname FROM pg_policies WHERE schemaname = :s AND tablename = :t "
                                      "AND policyname LIKE 'wb\\_%'"), {"s": schema, "t": table}).scalars():
            conn.execute(text(f"DROP POLICY {quote(name)} ON {t}"))
        conn.execute(text(f"CREATE POLICY wb_read ON {t} FOR SELECT TO {coder}, {reader} USING (true)"))
        conn.execute(text(f"CREATE POLICY wb_owner ON {t} FOR ALL TO {owner} USING (true) WITH CHECK (true)"))
    for fn in conn.execute(text("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
                                "ON n.oid = p.pronamespace WHERE n.nspname = :s"), {"s": schema}).scalars():
        conn.execute(text(f"ALTER FUNCTION {fn} OWNER TO {owner}"))  # the live-update notifier (store/live.py)
    keyed = conn.execute(text("SELECT 1 FROM information_schema.columns WHERE table_schema = :s "
                              "AND table_name = 'coder' AND column_name = 'name_key'"), {"s": schema}).first()
    key = "name_key" if keyed else "lower(name)"  # before revision 0002 a name had no stored key
    mine = f"(SELECT id FROM {s}.coder WHERE {key} = {ME_KEY})"
    may_create = (f"EXISTS (SELECT 1 FROM {s}.project_meta m WHERE m.key = '{CODERS_CREATE_CODES}' "
                  "AND m.value = 'yes')")
    own = {"coding": "coder_id", "memo": "author_id"}
    for table, col in own.items():
        t = f"{s}.{table}"
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {t} TO {coder}"))
        conn.execute(text(f"CREATE POLICY wb_coder_add ON {t} FOR INSERT TO {coder} WITH CHECK ({col} = {mine})"))
        conn.execute(text(f"CREATE POLICY wb_coder_change ON {t} FOR UPDATE TO {coder} "
                          f"USING ({col} = {mine}) WITH CHECK ({col} = {mine})"))
        conn.execute(text(f"CREATE POLICY wb_coder_remove ON {t} FOR DELETE TO {coder} USING ({col} = {mine})"))
    # A coding locks its code and source (FOR KEY SHARE), a new top-level code the project row,
    # so a delete or merge cannot pass it by (docs/team.md). PostgreSQL lets a role lock rows only
    # where it may UPDATE a column and an UPDATE policy's USING admits the row: coders get that,
    # with a WITH CHECK that no update ever passes, so the lock is all they can do.
    for table in ("code", "source", "project"):
        conn.execute(text(f"GRANT UPDATE (id) ON {s}.{table} TO {coder}"))
        conn.execute(text(f"CREATE POLICY wb_coder_lock ON {s}.{table} FOR UPDATE TO {coder} "
                          "USING (true) WITH CHECK (false)"))
    conn.execute(text(f"GRANT INSERT, DELETE ON {s}.tombstone TO {coder}"))
    buried = "deleted_by = current_user AND kind IN ('coding', 'memo')"
    # ... and only of their own: the tombstone comes before the delete, which RLS would quietly skip.
    theirs = (f"NOT EXISTS (SELECT 1 FROM {s}.coding x WHERE x.guid = tombstone.guid AND x.coder_id <> {mine}) "
              f"AND NOT EXISTS (SELECT 1 FROM {s}.memo x WHERE x.guid = tombstone.guid "
              f"AND x.author_id IS DISTINCT FROM {mine})")
    conn.execute(text(f"CREATE POLICY wb_coder_bury ON {s}.tombstone FOR INSERT TO {coder} "
                      f"WITH CHECK ({buried} AND {theirs})"))
    conn.execute(text(f"CREATE POLICY wb_coder_unbury ON {s}.tombstone FOR DELETE TO {coder} USING ({buried})"))
    conn.execute(text(f"GRANT INSERT ON {s}.coder TO {coder}"))
    conn.execute(text(f"CREATE POLICY wb_coder_self ON {s}.coder FOR INSERT TO {coder} "
                      f"WITH CHECK ({key} = {ME_KEY})"))
    conn.execute(text(f"GRANT INSERT ON {s}.code TO {coder}"))
    conn.execute(text(f"CREATE POLICY wb_coder_new_code ON {s}.code FOR INSERT TO {coder} "
                      f"WITH CHECK ({may_create} AND created_by_id = {mine})"))
    if "source_fold" in tables:
        conn.execute(text(f"GRANT INSERT ON {s}.source_fold TO {coder}, {reader}"))
        conn.execute(text(f"CREATE POLICY wb_index ON {s}.source_fold FOR INSERT TO {coder}, {reader} "
                          "WITH CHECK (true)"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {coder}"))
    conn.execute(text(f"GRANT {coder}, {reader} TO {owner} WITH ADMIN OPTION"))  # owners grant them
    # Owners make the backup copy (a new schema) before an upgrade; granted when whoever runs this may.
    database = conn.execute(text("SELECT current_database()")).scalar()
    try:
        with conn.begin_nested():
            conn.execute(text(f"GRANT CREATE ON DATABASE {quote(database)} TO {owner}"))
    except DBAPIError:
        pass  # not the database's owner: an upgrade's backup copy then needs the one who is

def drop_policies(conn: Connection, schema: str) -> None:
    """Drop the policies secure() made (they name columns, which an upgrade may change); run
    secure() again after. Inside the caller's transaction, so nobody sees the project without them."""
    for table, name in conn.execute(text("SELECT tablename, policyname FROM pg_policies WHERE schemaname = :s "
                                         "AND policyname LIKE 'wb\\_%'"), {"s": schema}).all():
        conn.execute(text(f"DROP POLICY {quote(name)} ON {quote(schema)}.{quote(table)}"))


def _member(conn: Connection, member: str, group: str) -> bool:
    return bool(conn.execute(text("SELECT pg_has_role(:m, :g, 'MEMBER')"), {"m": member, "g": group}).scalar())



def grant_member(conn: Connection, schema: str, login: str, kind: str) -> None:
    """Make the login role a member of the project as kind (its one role there), with its coder row.

    Raises ProjectError (with the CREATE ROLE line to run) when the login role does not exist."""
    from workbench.core.errors import ProjectError
    from workbench.core.names import clean_name

    roles = project_roles(conn, schema)
    if kind not in roles:
        raise ProjectError(f"the role is owner, coder or reader, not {kind!r}")
    row = conn.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": login}).first()
    if row is None:
        raise ProjectError(f"there is no login role {login!r} on the server; whoever manages it runs: "
                           f"CREATE ROLE {quote(login)} LOGIN PASSWORD '...';")
    if not row[0]:
        raise ProjectError(f"the role {login!r} cannot log in; a person's own login role is granted, not a group")
    if login in roles.values():
        raise ProjectError(f"{login!r} is one of the project's group roles, not a person")
    for other, role in roles.items():
        if other != kind and _member_directly(conn, login, role):
            conn.execute(text(f"REVOKE {role} FROM {quote(login)}"))
    admin = " WITH ADMIN OPTION" if kind == "owner" else ""
    conn.execute(text(f"GRANT {roles[kind]} TO {quote(login)}{admin}"))
    from workbench.core.names import name_key

    name = clean_name("coder", login)
    s = quote(schema)
    if conn.execute(text(f"SELECT 1 FROM {s}.coder WHERE name_key = :k"), {"k": name_key(name)}).first() is None:
        from workbench.core.ids import new_guid
        from workbench.core.timeutil import now_iso

        conn.execute(text(f"INSERT INTO {s}.coder (guid, name, name_key, created_at) VALUES (:g, :n, :k, :t)"),
                     {"g": new_guid(), "n": name, "k": name_key(name), "t": now_iso()})


def revoke_member(conn: Connection, schema: str, login: str) -> bool:
    """Take every role of the project from the login role (their codings stay); whether they had one."""
    had = False
    for role in project_roles(conn, schema).values():
        if _member_directly(conn, login, role):
            conn.execute(text(f"REVOKE {role} FROM {quote(login)}"))
            had = True
    return had


def members(conn: Connection, schema: str) -> list[tuple[str, str]]:
    """(login role, kind) of everyone granted a role in the project, by name."""
    roles = project_roles(conn, schema)
    kind_of = {role: kind for kind, role in roles.items()}
    rows = conn.execute(text(
        "SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = ANY(:g) AND r.rolcanlogin ORDER BY r.rolname"),
        {"g": list(roles.values())}).all()
    rank = {kind: i for i, kind in enumerate(KINDS)}
    best: dict[str, str] = {}
    for login, group in rows:
        kind = kind_of[group]
        if login not in best or rank[kind] < rank[best[login]]:
            best[login] = kind
    return sorted(best.items())


def kind_of(conn: Connection, schema: str) -> str | None:
    """The signed-in role's kind in the project (owner also for whoever owns it or a superuser), or None."""
    roles = project_roles(conn, schema)
    me = conn.execute(text("SELECT session_user")).scalar()
    if conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": me}).scalar():
        return "owner"
    for kind in KINDS:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": roles[kind]}).first() \
                and _member(conn, me, roles[kind]):
            return kind
    return None


def _member_directly(conn: Connection, member: str, group: str) -> bool:
    return conn.execute(text(
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE r.rolname = :m AND g.rolname = :g"), {"m": member, "g": group}).first() is not None
