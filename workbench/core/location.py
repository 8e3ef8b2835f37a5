"""Where a project lives: a file path, or a project in a PostgreSQL database.

A location is what the user types as PROJECT: `study.qwb`, or
`postgresql://user@host[:port]/database?project=NAME`. Several projects may share one
database; each is a PostgreSQL schema named NAME. The name is checked here, before it
reaches any engine: it becomes an SQL identifier, so it is kept to lower-case ASCII
letters, digits and `_` (no quoting, no case folding surprises), and short enough that
the copies the workbench makes beside it (`NAME_bk_YYYYMMDDHHMMSS`) still fit
PostgreSQL's 63-byte identifiers. A password in the URL never appears in a message:
`str(location)` shows it as `***`.

Passwords. Best kept out of the URL: libpq finds one in its usual places, `~/.pgpass`
(or the file PGPASSFILE names) and PGPASSWORD, and the window asks for one only when the
server refuses to sign in without it. A password is held in memory for the session and is
never written to settings, logs, reports or messages (the recent list keeps `url()`, which
drops it unless asked).

TLS. The connection to any host but this computer is encrypted and refuses to go on
without TLS: `tls_options()` adds `sslmode=require` unless the host is loopback
(127.0.0.1, ::1, localhost, or a Unix-socket directory such as /var/run/postgresql) or
the user has said otherwise, with `sslmode=...` in the URL (`disable`, `allow` or
`prefer` mean "plain text is acceptable"; `verify-ca`/`verify-full` check the
certificate too) or in the environment (PGSSLMODE, libpq's own setting). libpq itself
refuses an unencrypted connection under `require`: the workbench never downgrades.
"""
from __future__ import annotations

import ipaddress
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from workbench.core.errors import ProjectError

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
MAX_SERVER_NAME = 40
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_RESERVED = ("public", "information_schema")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def is_loopback(host: str) -> bool:
    """Whether host is this computer: a loopback address, localhost, or a socket directory."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_HOSTS or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback  # 127.0.0.0/8, ::1
    except ValueError:
        return False  # a name: only "localhost" is taken on trust


def is_server_location(location: str | os.PathLike) -> bool:
    """Whether PROJECT names a server project (a postgresql:// URL) rather than a file."""
    return isinstance(location, str) and location.split("://", 1)[0].lower() in SCHEMES and "://" in location


def check_server_project_name(name: str, where: str = "") -> str:
    """Refuse a server project name that could not be a plain schema name; return it."""
    prefix = f"{where}: " if where else ""
    if not name:
        raise ProjectError(f"{prefix}name the project with ?project=NAME")
    if len(name) > MAX_SERVER_NAME:
        raise ProjectError(f"{prefix}a server project name can have at most {MAX_SERVER_NAME} characters "
                           f"(this one has {len(name)})")
    if not _NAME.fullmatch(name):
        raise ProjectError(f"{prefix}the server project name {name!r} may hold only lower-case letters a-z, "
                           "digits and _, and starts with a letter")
    if name in _RESERVED or name.startswith("pg_"):
        raise ProjectError(f"{prefix}{name!r} is a name PostgreSQL keeps for itself; choose another")
    return name


@dataclass(frozen=True)
class ServerLocation:
    """A project on a PostgreSQL server: a database and the project's schema in it."""

    host: str
    port: int | None
    database: str
    project: str
    user: str | None = None
    password: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # other query parameters, passed to libpq (sslmode...)

    @property
    def name(self) -> str:
        return self.project

    @property
    def stem(self) -> str:
        return self.project

    def url(self, hide_password: bool = True) -> str:
        """The location as a URL; the password, if any, shown as *** unless asked for."""
        auth = ""
        if self.user is not None:
            auth = urllib.parse.quote(self.user, safe="")
            if self.password is not None:
                auth += ":" + ("***" if hide_password else urllib.parse.quote(self.password, safe=""))
            auth += "@"
        host = f"[{self.host}]" if ":" in self.host else urllib.parse.quote(self.host, safe="")
        port = f":{self.port}" if self.port else ""
        query = urllib.parse.urlencode(((("project", self.project),) + self.options))
        return f"postgresql://{auth}{host}{port}/{urllib.parse.quote(self.database, safe='')}?{query}"

    def without_password(self) -> "ServerLocation":
        """The same location with no password: what may be remembered (recent projects)."""
        return ServerLocation(self.host, self.port, self.database, self.project, self.user, None, self.options)

    def with_password(self, password: str | None) -> "ServerLocation":
        return ServerLocation(self.host, self.port, self.database, self.project, self.user, password, self.options)

    @property
    def sslmode(self) -> str | None:
        """The sslmode the URL names, if any."""
        modes = [v for k, v in self.options if k == "sslmode"]
        return modes[-1] if modes else None

    def tls_options(self, environ: dict | None = None) -> dict[str, str]:
        """The URL's libpq parameters, with sslmode=require added for a remote host unless the
        user chose a mode (in the URL or PGSSLMODE). See the module's note on TLS."""
        environ = os.environ if environ is None else environ
        opts = dict(self.options)
        if self.sslmode is None and not environ.get("PGSSLMODE") and not is_loopback(self.host):
            opts["sslmode"] = "require"
        return opts

    def with_project(self, project: str) -> "ServerLocation":
        return ServerLocation(self.host, self.port, self.database, check_server_project_name(project),
                              self.user, self.password, self.options)

    def __str__(self) -> str:
        return self.url(hide_password=True)


def parse_server_location(text: str) -> ServerLocation:
    """A postgresql:// URL as a ServerLocation; a malformed one is refused in one line."""
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ProjectError(f"{_hidden(text)}: not a usable server address ({exc})") from None
    shown = _hidden(text)
    if parts.scheme.lower() not in SCHEMES:
        raise ProjectError(f"{shown}: a server project starts with postgresql://")
    database = urllib.parse.unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database or "/" in database:
        raise ProjectError(f"{shown}: write it as postgresql://user@host[:port]/database?project=NAME")
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    projects = [v for k, v in query if k == "project"]
    if len(projects) != 1:
        raise ProjectError(f"{shown}: name the project once, with ?project=NAME")
    for key, value in query:
        if key == "sslmode" and value not in SSL_MODES:
            raise ProjectError(f"{shown}: sslmode={value} is not one of {', '.join(SSL_MODES)}")
    user = urllib.parse.unquote(parts.username) if parts.username is not None else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return ServerLocation(urllib.parse.unquote(parts.hostname), port, database, check_server_project_name(projects[0], shown),
                          user, password, tuple((k, v) for k, v in query if k != "project"))


def parse_location(location: str | os.PathLike) -> Path | ServerLocation:
    """PROJECT as typed: a ServerLocation for a postgresql:// URL, else a file path."""
    if isinstance(location, ServerLocation):
        return location
    if is_server_location(location):
        return parse_server_location(location)
    return Path(location)


def _hidden(text: str) -> str:
    """The URL with any password replaced, for messages about a URL that did not parse."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", text)
