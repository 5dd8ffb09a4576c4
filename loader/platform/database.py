"""The one connection rule, shared by the loader and dbt.

`DATABASE_URL` when it is set (any libpq URL or key=value string: Neon, RDS, a
local server); otherwise the embedded PostgreSQL, started on demand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from loader.errors import DatabaseError
from loader.platform import embedded
from loader.platform.migrations import available, migrate, pending
from loader.platform.roles import ensure_roles

# libpq keyword -> environment variable, as read by profiles.yml.
_ENV_FOR_KEY = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


@dataclass(frozen=True)
class Target:
    conninfo: str
    origin: str  # "DATABASE_URL" or "embedded"

    def masked(self) -> str:
        return mask(self.conninfo)


def resolve(start_embedded: bool = True) -> Target:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        try:
            conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise DatabaseError(
                f"DATABASE_URL is not a valid PostgreSQL URL ({_first_line(exc)}). "
                "Expected e.g. postgresql://user:password@host:5432/dbname?sslmode=require"
            ) from exc
        return Target(url, "DATABASE_URL")
    if not start_embedded:
        current = embedded.status()
        if not current.running:
            raise DatabaseError(
                "the embedded database is not running: start it with `loader db start` "
                "(or set DATABASE_URL)."
            )
        return Target(embedded.conninfo(current, embedded.DATABASE_NAME), "embedded")
    return Target(embedded.start(), "embedded")


def connect(target: Target | None = None, autocommit: bool = False) -> psycopg.Connection:
    target = target or resolve()
    try:
        return psycopg.connect(
            target.conninfo, autocommit=autocommit, application_name="outreach-lanes-loader"
        )
    except psycopg.OperationalError as exc:
        raise DatabaseError(
            f"cannot connect to {target.masked()} ({target.origin}): {_first_line(exc)}. "
            "Check the server is up and the URL, user and password are right."
        ) from exc


def mask(conninfo: str) -> str:
    """The connection string with any password replaced, safe to print."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "<unparseable connection string>"
    if params.get("password"):
        params["password"] = "***"
    host = params.get("host", "localhost")
    port = params.get("port", "5432")
    user = params.get("user", "")
    dbname = params.get("dbname", "")
    auth = f"{user}{':***' if params.get('password') else ''}@" if user else ""
    named = {"host", "port", "user", "password", "dbname"}
    query = "&".join(f"{k}={v}" for k, v in params.items() if k not in named)
    if str(host).startswith("/"):
        url = f"postgresql://{auth}/{dbname}?host={host}"
        return f"{url}&{query}" if query else url
    url = f"postgresql://{auth}{host}:{port}/{dbname}"
    return f"{url}?{query}" if query else url


def libpq_env(target: Target) -> dict[str, str]:
    """PG* variables describing the target, for dbt's profile and other tools."""
    params = conninfo_to_dict(target.conninfo)
    env = {var: str(params[key]) for key, var in _ENV_FOR_KEY.items() if params.get(key)}
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGSSLMODE", "prefer")
    return env


def with_database(conninfo: str, dbname: str) -> str:
    """The same server and credentials, another database (used by tests and tools)."""
    params = conninfo_to_dict(conninfo)
    params["dbname"] = dbname
    return make_conninfo(**params)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def ready_target(notify=None) -> Target:
    """The database commands use, with its schema current.

    On the embedded default the loader owns the database, so pending migrations
    are applied on first use (`notify` gets one line saying so). A DATABASE_URL
    database belongs to someone: the loader never changes its schema unasked and
    stops with what to run instead.
    """
    target = resolve()
    with connect(target, autocommit=True) as conn:
        missing = pending(conn)
        if not missing:
            return target
        if target.origin != "embedded":
            fresh = len(missing) == len(available())
            what = (
                "has no Outreach Lanes schema yet"
                if fresh
                else f"is {len(missing)} migration(s) behind this loader"
            )
            raise DatabaseError(
                f"the database at {target.masked()} {what}: run `loader db migrate` first "
                "(it creates or upgrades the schemas, tables and roles; safe to re-run)."
            )
        applied_now = migrate(conn)
        ensure_roles(conn)
    if notify:
        notify(
            f"prepared the embedded database: applied {len(applied_now)} migration(s) "
            f"({applied_now[0].path.name} .. {applied_now[-1].path.name})"
        )
    return target


def connect_ready(notify=None) -> psycopg.Connection:
    """An autocommit connection to the database commands use, its schema current."""
    return connect(ready_target(notify), autocommit=True)


def relation_exists(conn: psycopg.Connection, relation: str) -> bool:
    """Whether a table or view (schema.name) exists: dbt has built it, a migration made it."""
    return conn.execute("select to_regclass(%s)", (relation,)).fetchone()[0] is not None
