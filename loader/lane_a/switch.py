"""Lane A kill switch: stop (or allow again) reactivation of a meeting, person or company."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg

from loader.audit import AuditContext
from loader.errors import UsageError

SCOPES = ("appointment", "person", "company")


def record_entry(
    conn: psycopg.Connection,
    scope: str,
    key: str,
    action: str,
    reason: str,
    actor: str | None = None,
    expires_at: dt.datetime | None = None,
    allow_unknown: bool = False,
) -> tuple[int, str]:
    """Append one exclude/include entry; returns (entry_id, the key as stored).

    The latest entry per (scope, key) wins.
    """
    if scope not in SCOPES:
        raise UsageError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}.")
    if action not in ("exclude", "include"):
        raise UsageError(f"action must be exclude or include, not {action!r}.")
    if not reason.strip():
        raise UsageError("--reason is required: say why, for whoever reads the queue next.")
    key = key.strip()
    if scope in ("person", "company"):
        try:
            key = str(uuid.UUID(key))
        except ValueError:
            raise UsageError(
                f"{key!r} is not a {scope} id: give the UUID from the "
                f"{'people' if scope == 'person' else 'company'} master."
            ) from None
    context = AuditContext.of(actor)
    with conn.transaction():
        context.apply(conn)
        if scope in ("person", "company") and not allow_unknown:
            column = "people_id" if scope == "person" else "company_id"
            known = conn.execute(
                f"select 1 from sales.appointment_history where {column} = %s limit 1", (key,)
            ).fetchone()
            if not known:
                raise UsageError(
                    f"no stored meeting is with {scope} {key}: check the id (copy it from "
                    "bit.v_reactivation_ready or an export), or add --allow-unknown to "
                    f"{action} this {scope} before their first meeting is loaded."
                )
        if scope == "appointment":
            known = conn.execute(
                "select 1 from sales.appointment_history where appointment_uid = %s", (key,)
            ).fetchone()
            if not known:
                raise UsageError(
                    f"no stored meeting has appointment_uid {key!r}; "
                    "copy it from bit.v_reactivation_ready or an export."
                )
        (entry_id,) = conn.execute(
            """
            insert into sales.reactivation_kill_switch
                (scope, scope_key, action, reason, actor, expires_at)
            values (%s, %s, %s, %s, %s, %s)
            returning entry_id
            """,
            (scope, key, action, reason.strip(), context.actor, expires_at),
        ).fetchone()
    return entry_id, key
