"""Riding out a lost connection to a server project: retries with backoff, and the truth about a commit.

A server restarts, a laptop changes networks, an administrator ends a session
(`pg_terminate_backend`): the connections a project holds die. Then:
- new connections are taken from the pool (`pool_pre_ping` finds the dead ones before
  use), and making one is retried with backoff (`install`) for a few seconds, so a
  restart of the server passes unnoticed between two actions;
- an action whose connection died before its COMMIT was sent was rolled back by the
  server: nothing of it was kept, and the user is told so ("NOT saved: try again");
- an action whose connection died *during* its COMMIT may or may not have been kept. Each
  write transaction notes its own transaction id just before committing
  (`commit_token`); after reconnecting, `commit_outcome` asks the server what became
  of that id (`pg_xact_status`): committed, or not. A transaction the server never
  wrote to disk (it crashed before) has an id "in the future" after the restart, and was
  not kept either.
Nothing here retries an action by itself: an action runs once, and its user hears which.
"""
from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

RETRY_SECONDS = 4.0  # how long making a connection is retried before the action is refused
PING_TIMEOUT = 2  # seconds the heartbeat waits for a server to answer
FIRST_DELAY = 0.05
MAX_DELAY = 1.0

# Words of libpq and the server for a connection that is gone or not there yet. Sign-in
# refusals (password, no such role or database) are not among them: retrying cannot help.
_GONE = ("connection refused", "server closed the connection", "terminating connection",
         "could not receive data", "could not send data", "connection timed out", "no route to host",
         "the database system is starting up", "the database system is shutting down",
         "the database system is in recovery mode", "the database system is not yet accepting",
         "connection is lost", "connection is closed", "consuming input failed", "ssl syscall error",
         "connection reset", "broken pipe", "network is unreachable", "no connection to the server")
_GONE_STATES = ("57P01", "57P02", "57P03")


_ONE_TRY = contextvars.ContextVar("workbench_one_try", default=False)


def backoff(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    """The waits between attempts: doubling from first, never above cap."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


def connection_lost(exc: BaseException) -> bool:
    """Whether exc says the connection is gone (or the server not reachable yet), not that the
    statement was wrong."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    if state.startswith("08") or state in _GONE_STATES:
        return True
    low = str(orig).lower()
    return type(orig).__name__ in ("OperationalError", "InterfaceError") and any(w in low for w in _GONE)


def retrying(fn: Callable[[], object], seconds: float = RETRY_SECONDS,
             sleep: Callable[[float], None] = time.sleep) -> object:
    """fn(), tried again with backoff while it fails for want of a connection, for up to seconds."""
    deadline = time.monotonic() + seconds
    for delay in backoff():
        try:
            return fn()
        except Exception as exc:  # the driver's own errors as well as SQLAlchemy's
            if not connection_lost(exc) or time.monotonic() + delay > deadline:
                raise
        sleep(delay)
    raise AssertionError("unreachable")


def install(engine: Engine, seconds: float = RETRY_SECONDS, lost: Callable[[], None] | None = None) -> None:
    """Make engine retry new connections with backoff, and call lost() whenever the pool
    finds a connection dead (so the caller can renew what lived on the old session)."""

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, conn_rec, cargs, cparams):  # noqa: ANN001
        if _ONE_TRY.get():  # the heartbeat: one short try, so the window is never held for long
            quick = dict(cparams, connect_timeout=min(int(cparams.get("connect_timeout") or PING_TIMEOUT),
                                                      PING_TIMEOUT))
            return dialect.loaded_dbapi.connect(*cargs, **quick)
        return retrying(lambda: dialect.loaded_dbapi.connect(*cargs, **cparams), seconds)

    if lost is not None:
        @event.listens_for(engine.pool, "invalidate")
        def _invalidated(dbapi_conn, conn_rec, exc):  # noqa: ANN001
            lost()


def commit_token(session: Session) -> str | None:
    """The id of the session's write transaction (None when it wrote nothing), taken just
    before COMMIT; flushes first, so the id covers every pending write."""
    session.flush()
    return session.execute(text("SELECT pg_current_xact_id_if_assigned()::text")).scalar()


def commit_outcome(engine: Engine, token: str, seconds: float = RETRY_SECONDS) -> bool | None:
    """Whether the transaction `token` was committed: True, False, or None when the server can
    no longer say (it was reached again but has forgotten so old a transaction)."""

    def ask() -> str | None:
        with engine.connect() as conn:
            try:
                return conn.execute(text("SELECT pg_xact_status(CAST(:x AS xid8))"), {"x": token}).scalar()
            except DBAPIError as exc:
                if "in the future" in str(getattr(exc, "orig", exc)):
                    return "aborted"  # the server restarted from before the transaction reached its disk
                raise

    deadline = time.monotonic() + seconds
    for delay in backoff():
        status = retrying(ask, seconds)
        if status != "in progress" or time.monotonic() + delay > deadline:
            break
        time.sleep(delay)  # the ended session's backend is still winding down
    if status == "committed":
        return True
    if status == "aborted":
        return False
    return None  # forgotten, or still being decided when we stopped asking


def ping(engine: Engine) -> bool:
    """Whether the server answers now: one try, no waiting (the window's heartbeat)."""
    token = _ONE_TRY.set(True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as exc:
        if connection_lost(exc) or isinstance(exc, DBAPIError):
            return False
        raise
    finally:
        _ONE_TRY.reset(token)
