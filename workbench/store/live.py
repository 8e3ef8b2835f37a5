"""Live updates of a server project: what one program writes, the others hear within a second (issue 14).

`install(conn, schema)` puts one plpgsql function and statement-level AFTER triggers on the
project's tables. Each statement that touches rows sends one notification on the channel
`"wb_" + schema` (pg_notify; delivered when the writer's transaction commits), its payload
JSON {"table", "op": "insert"|"update"|"delete"|"reset", "ids": [...], "by": session_user},
plus "counts": the ids of the entities whose counts moved (a coding's source and code, a
memo's target). NOTIFY takes at most 8000 bytes: a statement whose ids would not fit sends
op "reset" for its table, and readers reload that kind whole; so does TRUNCATE.

`Listener(location)` holds a psycopg connection of its own that LISTENs on the channel, on a
thread, and hands each batch of notifications, as one `core.changes.Changes`, to a callback.
Its connection also says who is in the project and which source they read
(application_name, visible to every role in pg_stat_activity): `present(conn, schema)`.
"""
from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from workbench.core.changes import Changes, Kind
from workbench.core.location import ServerLocation
from workbench.store.pg_names import quote

FUNCTION = "wb_live_notify"
TRIGGERS = {"INSERT": "wb_live_insert", "UPDATE": "wb_live_update", "DELETE": "wb_live_delete",
            "TRUNCATE": "wb_live_truncate"}
PRESENCE_TABLE = "presence"  # the table a presence notice names: someone came, left, or changed source
APP_PREFIX = "workbench"
ServerError = psycopg.Error  # what a listener's connection raises (the window catches it by this name)
NOTIFY_LIMIT = 7900  # NOTIFY refuses payloads of 8000 bytes or more; leave room for the channel


@dataclass(frozen=True)
class Watched:
    """A table the triggers watch: the Kind it reports, the column its ids come from, and the
    columns whose ids go under counts (name of the Kind -> column)."""

    kind: Kind
    id_column: str = "id"
    counts: tuple[tuple[str, str], ...] = ()
    always: str | None = None  # rows of a child table change their parent: always "updated"


WATCHED: dict[str, Watched] = {
    "project": Watched(Kind.PROJECT),
    "coder": Watched(Kind.CODER),
    "source_folder": Watched(Kind.FOLDER),
    "source": Watched(Kind.SOURCE),
    "source_page": Watched(Kind.SOURCE, "source_id", always="updated"),
    "speaker_turn": Watched(Kind.SOURCE, "source_id", always="updated"),
    "code": Watched(Kind.CODE),
    "coding": Watched(Kind.CODING, counts=(("source", "source_id"), ("code", "code_id"))),
    "case_": Watched(Kind.CASE),
    "case_source": Watched(Kind.LINK, "case_id", counts=(("source", "source_id"),), always="updated"),
    "case_passage": Watched(Kind.PASSAGE, counts=(("case", "case_id"), ("source", "source_id"))),
    "attribute": Watched(Kind.ATTRIBUTE),
    "attribute_value": Watched(Kind.VALUE, "case_id", counts=(("attribute", "attribute_id"),), always="updated"),
    "memo": Watched(Kind.MEMO, counts=(("source", "source_id"), ("code", "code_id"), ("case", "case_id"),
                                       ("coding", "coding_id"))),
    "saved_query": Watched(Kind.QUERY),
    "report": Watched(Kind.REPORT),
}

# The body is compared with the stored one when a project opens (PostgresBackend.on_open): a
# trigger of ours calling a function someone rewrote is not ours any more.
FUNCTION_BODY = """
DECLARE
  rel text;
  ids jsonb;
  counts jsonb := '{}'::jsonb;
  found jsonb;
  payload text;
  i int := 1;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    payload := json_build_object('table', TG_TABLE_NAME, 'op', 'reset', 'ids', '[]'::json,
                                 'by', session_user)::text;
    PERFORM pg_notify('wb_' || TG_TABLE_SCHEMA, payload);
    RETURN NULL;
  END IF;
  rel := CASE TG_OP WHEN 'INSERT' THEN 'wb_new' WHEN 'DELETE' THEN 'wb_old'
         ELSE '(SELECT * FROM wb_new UNION ALL SELECT * FROM wb_old) wb_both' END;
  EXECUTE format('SELECT jsonb_agg(DISTINCT %I ORDER BY %I) FROM %s', TG_ARGV[0], TG_ARGV[0], rel) INTO ids;
  IF ids IS NULL THEN
    RETURN NULL;  -- the statement touched no row: nothing to tell
  END IF;
  WHILE i + 1 < TG_NARGS LOOP
    EXECUTE format('SELECT coalesce(jsonb_agg(DISTINCT %I ORDER BY %I) FILTER (WHERE %I IS NOT NULL), ''[]'') '
                   'FROM %s', TG_ARGV[i + 1], TG_ARGV[i + 1], TG_ARGV[i + 1], rel) INTO found;
    IF found <> '[]'::jsonb THEN
      counts := counts || jsonb_build_object(TG_ARGV[i], found);
    END IF;
    i := i + 2;
  END LOOP;
  payload := json_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP), 'ids', ids,
                               'by', session_user, 'counts', counts)::text;
  IF octet_length(payload) > %(limit)s THEN
    payload := json_build_object('table', TG_TABLE_NAME, 'op', 'reset', 'ids', '[]'::json,
                                 'by', session_user)::text;
  END IF;
  PERFORM pg_notify('wb_' || TG_TABLE_SCHEMA, payload);
  RETURN NULL;
END
""".replace("%(limit)s", str(NOTIFY_LIMIT))


def channel(schema: str) -> str:
    return "wb_" + schema



def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def install(conn: Connection, schema: str) -> None:
    """Put the notify function and its triggers on the project's tables, in the caller's
    transaction; idempotent (CREATE OR REPLACE). Tables a revision has not made yet are skipped."""
    q = quote(schema)
    conn.execute(text(f"CREATE OR REPLACE FUNCTION {q}.{FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
                      f"AS $wb_live${FUNCTION_BODY}$wb_live$"))
    have = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars())
    for table, w in WATCHED.items():
        if table not in have:
            continue
        args = ", ".join(_literal(a) for a in (w.id_column, *[x for pair in w.counts for x in pair]))
        on = f"{q}.{quote(table)}"
        for op, name in TRIGGERS.items():
            if op == "TRUNCATE":
                how = "FOR EACH STATEMENT"
            else:
                ref = {"INSERT": "NEW TABLE AS wb_new", "DELETE": "OLD TABLE AS wb_old",
                       "UPDATE": "NEW TABLE AS wb_new OLD TABLE AS wb_old"}[op]
                how = f"REFERENCING {ref} FOR EACH STATEMENT"
            conn.execute(text(f"CREATE OR REPLACE TRIGGER {name} AFTER {op} ON {on} {how} "
                              f"EXECUTE FUNCTION {q}.{FUNCTION}({args})"))


def is_installed(conn: Connection, schema: str) -> bool:
    """Whether every watched table of the project carries all four of our triggers."""
    return not _missing(conn, schema)


def _missing(conn: Connection, schema: str) -> set[tuple[str, str]]:
    have = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars())
    want = {(t, n) for t in WATCHED if t in have for n in TRIGGERS.values()}
    ours = {(t, n) for n, t, fn, body, on in triggers_of(conn, schema) if is_ours(n, t, fn, body, schema, on)}
    return want - ours


def triggers_of(conn: Connection, schema: str) -> list[tuple[str, str, str, str, bool]]:
    """Every trigger on the schema's tables, not the server's own: (name, table, function, its body,
    whether it is enabled)."""
    return [tuple(r) for r in conn.execute(text(
        "SELECT t.tgname, c.relname, fn.nspname || '.' || p.proname, p.prosrc, t.tgenabled <> 'D' "
        "FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = p.pronamespace "
        "WHERE n.nspname = :s AND NOT t.tgisinternal ORDER BY c.relname, t.tgname"), {"s": schema})]


def is_ours(name: str, table: str, function: str, body: str, schema: str | None = None,
            enabled: bool = True) -> bool:
    """A trigger the workbench made and left as it was: one of our names, on a watched table,
    calling our function in the project's own schema, whose body is still the one install()
    wrote, and enabled (a disabled one would silently stop live updates)."""
    fn_schema, _, fn_name = function.rpartition(".")
    return (name in TRIGGERS.values() and table in WATCHED and fn_name == FUNCTION
            and (schema is None or fn_schema == schema) and body == FUNCTION_BODY and enabled)


# -- reading notifications ----------------------------------------------------------------------

def changes_of(payload: str | dict) -> Changes | None:
    """The Changes a notification's payload says; None for what is no change of rows (presence,
    a table the workbench does not show, a payload it cannot read)."""
    try:
        d = json.loads(payload) if isinstance(payload, str) else payload
        table, op = d["table"], d["op"]
        ids = [int(i) for i in d.get("ids") or []]
    except (ValueError, KeyError, TypeError):
        return None
    w = WATCHED.get(table)
    if w is None:
        return None
    ch = Changes()
    if op == "reset":
        for what in ("created", "updated", "deleted"):
            ch.some(what, w.kind)
        return ch
    what = {"insert": "created", "update": "updated", "delete": "deleted"}.get(op)
    if what is None:
        return None
    ch.add(w.always or what, w.kind, *ids)
    for name, found in (d.get("counts") or {}).items():
        try:
            ch.add("counts", Kind(name), *[int(i) for i in found])
        except (ValueError, TypeError):
            continue
    return ch


def own_backends(engine: Engine) -> set[int]:
    """The server processes (pids) of an engine's connections, kept up to date as it checks them
    out: a window ignores the notifications of its own writes, which it has applied already."""
    pids: set[int] = set()

    def checked_out(dbapi_conn, record, proxy):
        pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
        if pid:
            pids.add(pid)

    event.listen(engine, "checkout", checked_out)
    return pids


@dataclass(frozen=True)
class Presence:
    """Someone else in the project: the role they signed in as and the source they read (id, or None)."""

    role: str
    source_id: int | None
    pid: int


def application_name(schema: str, source_id: int | None) -> str:
    """'workbench SCHEMA SOURCE-ID' ('-' for no source). A name is cut at 63 bytes by the server:
    a long schema name goes as '#' and its CRC-32."""
    tag = schema
    if len(f"{APP_PREFIX} {tag} 0000000000".encode()) > 63:
        tag = f"#{zlib.crc32(schema.encode()):08x}"
    return f"{APP_PREFIX} {tag} {'-' if source_id is None else source_id}"


def present(conn: "psycopg.Connection", schema: str) -> list[Presence]:
    """The others in the project (every listener's connection but this one), from pg_stat_activity,
    whose application_name every role may read."""
    prefix = application_name(schema, None)[:-1]
    rows = conn.execute("SELECT usename, application_name, pid FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND left(application_name, %s) = %s ORDER BY usename, pid", (len(prefix), prefix)).fetchall()
    out = []
    for role, app, pid in rows:
        rest = app[len(prefix):]
        out.append(Presence(role or "", int(rest) if rest.isdigit() else None, pid))
    return out


class Listener:
    """LISTENs to one server project on a connection of its own, on a thread.

    on_changes(changes, by) gets one Changes per batch of notifications (those that arrive
    together are merged), from the listener's thread: a window hands it to its own thread.
    on_presence(others) gets the list of the others in the project ([Presence]) whenever it
    changes: read on the listener's own connection when someone says they came, left or opened
    another source, and every `presence_every` seconds besides. Notifications sent by the
    server processes in `ignore` (a window's own connections) are dropped."""

    POLL = 0.2  # seconds the thread waits for a notification before it looks at its queue
    MOST = 5000  # notifications merged into one batch at most
    BULK = 500  # more ids than this of one kind in a batch: that kind is told as a bulk change (reload)

    def __init__(self, location: ServerLocation, on_changes: Callable[[Changes, set[str]], None],
                 on_presence: Callable[[list[Presence]], None] | None = None, ignore: set[int] | None = None,
                 source_id: int | None = None, presence_every: float = 5.0):
        self.loc = location
        self.schema = location.project
        self.on_changes = on_changes
        self.on_presence = on_presence
        self.ignore = ignore if ignore is not None else set()
        self._source = source_id
        self._wanted: int | None | str = source_id
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.lost = False  # the connection dropped and is being made again
        self.presence_every = presence_every
        self._present: list[Presence] | None = None  # the others as last told
        self._presence_due = 0.0  # monotonic time of the next reading; 0: at once
        self.conn = self._connect(source_id)
        self._thread = threading.Thread(target=self._run, name=f"live {self.schema}", daemon=True)
        self._thread.start()

    def _connect(self, source_id: int | None) -> "psycopg.Connection":
        conn = psycopg.connect(host=self.loc.host, port=self.loc.port, dbname=self.loc.database,
                               user=self.loc.user, password=self.loc.password, autocommit=True,
                               application_name=application_name(self.schema, source_id), **dict(self.loc.options))
        try:
            conn.execute(f"LISTEN {quote(channel(self.schema))}")
        except BaseException:
            conn.close()
            raise
        self.conn, self.pid = conn, conn.info.backend_pid
        self._announce()
        return conn

    # -- presence -----------------------------------------------------------------------------
    def show_source(self, source_id: int | None) -> None:
        """Say which source this window shows (the listener's thread sets it within POLL seconds)."""
        with self._lock:
            self._wanted = source_id

    def others(self) -> list[Presence]:
        """Who else is in the project now, read on a short connection of its own (any thread)."""
        with psycopg.connect(host=self.loc.host, port=self.loc.port, dbname=self.loc.database,
                             user=self.loc.user, password=self.loc.password, autocommit=True,
                             application_name="workbench presence", **dict(self.loc.options)) as conn:
            return [p for p in present(conn, self.schema) if p.pid != self.pid]

    def _announce(self) -> None:
        payload = json.dumps({"table": PRESENCE_TABLE, "op": "update", "ids": [], "by": self.loc.user or ""})
        self.conn.execute("SELECT pg_notify(%s, %s)", (channel(self.schema), payload))

    # -- the thread -------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                batch = list(self.conn.notifies(timeout=self.POLL, stop_after=1))
                while batch and len(batch) < self.MOST:  # and whatever follows it: one refresh for a burst
                    more = list(self.conn.notifies(timeout=0.002))
                    if not more:
                        break
                    batch += more
                self._apply_source()
            except psycopg.Error:
                if self._stop.is_set():
                    break
                self._reconnect()
                continue
            self._deliver(batch)
            try:
                self._read_presence()
            except psycopg.Error:
                if not self._stop.is_set():
                    self._reconnect()
        self._leave()

    def _reconnect(self) -> None:
        """The connection dropped (the server restarted, someone ended it): make it again, waiting
        longer each time; once back, whatever was missed meanwhile is told as a reset of every kind."""
        self.lost = True
        try:
            self.conn.close()
        except psycopg.Error:
            pass
        wait = 0.25
        while not self._stop.wait(wait):
            try:
                self._connect(self._source)
            except psycopg.Error:
                wait = min(wait * 2, 5.0)
                continue
            self.lost = False
            everything = Changes()
            for kind in {w.kind for w in WATCHED.values()}:
                for what in ("created", "updated", "deleted"):
                    everything.some(what, kind)
            self.on_changes(everything, set())
            self._present, self._presence_due = None, 0.0
            return

    def _leave(self) -> None:
        """Tell the others this window has gone, then close: its name first leaves the project's."""
        if self.conn.closed:
            return
        try:
            self.conn.execute("SELECT set_config('application_name', 'workbench (leaving)', false)")
            self._announce()
        except psycopg.Error:
            pass
        self.conn.close()

    def _apply_source(self) -> None:
        with self._lock:
            wanted = self._wanted
        if wanted != self._source:
            self._source = wanted
            self.conn.execute("SELECT set_config('application_name', %s, false)",
                              (application_name(self.schema, wanted),))
            self._announce()

    def _deliver(self, batch) -> None:
        merged, by, presence = Changes(), set(), False
        for n in batch:
            if n.pid == self.pid:
                continue
            try:
                d = json.loads(n.payload)
            except ValueError:
                continue
            if isinstance(d, dict) and d.get("table") == PRESENCE_TABLE:
                presence = True
                continue
            if n.pid in self.ignore:
                continue
            ch = changes_of(d)
            if ch is not None:
                merged.merge(ch)
                by.add(str(d.get("by", "")))
        for d in (merged.created, merged.updated, merged.deleted):
            for kind, ids in d.items():
                if len(ids) > self.BULK:
                    d[kind] = []  # a merge or an import: reloading the kind is cheaper than following ids
        if merged.kinds():
            self.on_changes(merged, by)
        if presence:
            self._presence_due = 0.0

    def _read_presence(self) -> None:
        if self.on_presence is None or time.monotonic() < self._presence_due:
            return
        self._presence_due = time.monotonic() + self.presence_every
        others = present(self.conn, self.schema)
        if others != self._present:
            self._present = others
            self.on_presence(others)

    def close(self) -> None:
        """Stop listening; the connection closes with the thread (within POLL seconds)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2)
        if not self.conn.closed and not self._thread.is_alive():
            self.conn.close()
