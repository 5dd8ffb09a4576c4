"""Least-privilege roles, created when the connecting user may create roles.

They are NOLOGIN group roles: grant them to real logins
(`grant lanes_bi to metabase;`). Grants on the dbt-built views are re-applied by
the `grant_to_bi` post-hook each time dbt rebuilds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import psycopg.sql

ROLES = ("lanes_loader", "lanes_transformer", "lanes_bi")

# The tables outreach appends to: facts, touches and kill switches.
_APPEND_ONLY = (
    "sales.appointment_history",
    "sales.reactivation_touches",
    "sales.reactivation_kill_switch",
    "partners.partner_appointments",
    "partners.partner_touches",
    "partners.partner_pauses",
    "shq.load_ledger",
)
# The tables the loader may update: the directories (latest file wins).
_UPDATABLE = (
    "partners.fractional_cfo_master",
    "sales.prospect_people",
    "sales.prospect_companies",
)
_LANE_TABLES = (*_APPEND_ONLY[:-1], *_UPDATABLE)

_GRANTS = [
    # The loader reads what it deduplicates against and appends; it may update
    # only the directories.
    "grant usage on schema sales, partners, shq to lanes_loader",
    f"grant select, insert on {', '.join(_APPEND_ONLY)} to lanes_loader",
    f"grant select, insert, update on {', '.join(_UPDATABLE)} to lanes_loader",
    "grant usage on all sequences in schema sales, partners, shq to lanes_loader",
    # dbt reads both lanes' sources and owns what it builds in bit.
    "grant usage on schema sales, partners to lanes_transformer",
    f"grant select on {', '.join(_LANE_TABLES)} to lanes_transformer",
    'grant usage, create on schema "bit" to lanes_transformer',
    # BI sees the schema, and (by the dbt post-hook) the ready and performance
    # views only.
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
