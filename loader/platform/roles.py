"""Least-privilege roles, created when the connecting user may create roles.

They are NOLOGIN group roles: grant them to real logins
(`grant lanes_bi to metabase;`). Grants on what dbt builds in `bit` are re-applied by
the `grant_to_bi` post-hook (set once in dbt_project.yml) each time dbt rebuilds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import psycopg.sql

from loader.errors import UsageError

ROLES = ("lanes_loader", "lanes_transformer", "lanes_bi")

# The tables outreach appends to: facts, touches and kill switches.
_APPEND_ONLY = (
    "sales.appointment_history",
    "sales.appointment_revisions",
    "sales.reactivation_touches",
    "sales.reactivation_kill_switch",
    "sales.reactivation_suppressions",
    "partners.partner_appointments",
    "partners.partner_appointment_revisions",
    "partners.partner_suppressions",
    "partners.partner_touches",
    "partners.partner_pauses",
    "sales.reactivation_holdouts",
    "partners.partner_holdouts",
)
# The loader's own ledgers: what it loaded, and what `loader week` handed each sender.
_LEDGERS = ("shq.load_ledger", "shq.week_runs", "shq.sender_exports")
# The tables the loader may update: the directories (latest file wins).
_UPDATABLE = (
    "partners.fractional_cfo_master",
    "sales.prospect_people",
    "sales.prospect_companies",
)
_LANE_TABLES = (*_APPEND_ONLY, *_UPDATABLE)

_GRANTS = [
    # The loader reads what it deduplicates against and appends; it may update
    # only the directories.
    "grant usage on schema sales, partners, shq to lanes_loader",
    f"grant select, insert on {', '.join((*_APPEND_ONLY, *_LEDGERS))} to lanes_loader",
    f"grant select, insert, update on {', '.join(_UPDATABLE)} to lanes_loader",
    "grant usage on all sequences in schema sales, partners, shq to lanes_loader",
    # dbt reads both lanes' sources and owns what it builds in bit.
    "grant usage on schema sales, partners to lanes_transformer",
    f"grant select on {', '.join(_LANE_TABLES)} to lanes_transformer",
    'grant usage, create on schema "bit" to lanes_transformer',
    # BI sees the schema, and (by the grant_to_bi post-hook, set once in
    # dbt_project.yml) the views dbt builds in it, never the intent tables.
    'grant usage on schema "bit" to lanes_bi',
    # Anyone may check the guards (`loader db status`, the dbt test).
    "grant select on shq.write_guards to lanes_loader, lanes_transformer",
]


@dataclass(frozen=True)
class RolesResult:
    created: list[str]
    skipped_reason: str | None


def ensure_roles(conn: psycopg.Connection) -> RolesResult:
    """Create the roles if missing and (re)apply their grants. Idempotent."""
    can_create = conn.execute(
        "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"
    ).fetchone()
    if not can_create or not can_create[0]:
        return RolesResult(
            [],
            "the connecting user may not create roles, so lanes_loader, lanes_transformer "
            "and lanes_bi were not created; ask an administrator to run `loader db migrate` once",
        )
    created = []
    with conn.transaction():
        for role in ROLES:
            exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
            if not exists:
                # Roles are cluster-wide: another database may be migrating at the same time.
                # A create racing ours fails as duplicate_object if it committed first,
                # as unique_violation (the catalog's index) if it commits while we wait.
                conn.execute(
                    f"do $$ begin create role {role} nologin; "
                    "exception when duplicate_object or unique_violation then null; end $$"
                )
                created.append(role)
        for grant in _GRANTS:
            conn.execute(grant)
        # Temporary tables are a database-wide right every role has through PUBLIC;
        # the loader and dbt need them, a BI login does not.
        database = conn.execute("select current_database()").fetchone()[0]
        quoted = psycopg.sql.Identifier(database)
        conn.execute(psycopg.sql.SQL("revoke temporary on database {} from public").format(quoted))
        conn.execute(
            psycopg.sql.SQL(
                "grant temporary on database {} to lanes_loader, lanes_transformer"
            ).format(quoted)
        )
    return RolesResult(created, None)


@dataclass(frozen=True)
class BiLogin:
    name: str
    created: bool  # False: an existing BI login got a new password


def set_bi_login(conn: psycopg.Connection, name: str, password: str) -> BiLogin:
    """Create a login in lanes_bi, or give an existing one a new password.

    The password never reaches the server as text: libpq turns it into a SCRAM
    verifier here, so no statement log or pg_stat_statements can hold it. Only a
    login that is already a BI login (a member of lanes_bi, nothing more privileged)
    is re-keyed: any other existing role is someone else's and is refused.
    """
    name = name.strip()
    if not name or len(name) > 63:
        raise UsageError("give the login a name of 1 to 63 characters, e.g. metabase.")
    if not password:
        raise UsageError("the password is empty: a BI login over TCP needs one.")
    if name in ROLES or name.startswith("pg_"):
        raise UsageError(f"{name!r} is a group or system role, not a login: choose another name.")
    if not conn.execute("select 1 from pg_roles where rolname = 'lanes_bi'").fetchone():
        raise UsageError("the lanes_bi role does not exist yet: run `loader db migrate` first.")
    existing = conn.execute(
        """
        select rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls,
               pg_has_role(oid, 'lanes_bi', 'member')
        from pg_roles where rolname = %s
        """,
        (name,),
    ).fetchone()
    if existing and (existing[0] or not existing[1]):
        raise UsageError(
            f"a role {name!r} exists and is not a BI login (it is privileged, or not in "
            "lanes_bi): it is not re-keyed. Choose another name for the BI login."
        )
    verifier = conn.pgconn.encrypt_password(
        password.encode(), name.encode(), b"scram-sha-256"
    ).decode()
    role = psycopg.sql.Identifier(name)
    with conn.transaction():
        if existing:
            conn.execute(
                psycopg.sql.SQL("alter role {} with login password {}").format(
                    role, psycopg.sql.Literal(verifier)
                )
            )
        else:
            conn.execute(
                psycopg.sql.SQL("create role {} login password {}").format(
                    role, psycopg.sql.Literal(verifier)
                )
            )
        conn.execute(psycopg.sql.SQL("grant lanes_bi to {}").format(role))
    return BiLogin(name, created=not existing)
