"""Lane A kill switch: stop (or allow again) reactivation of a meeting, person or company.

The mechanics are shared (loader/outreach/kill_switch.py); this says what may be named and how.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from loader.errors import UsageError
from loader.lanes.spec import SwitchSpec

if TYPE_CHECKING:
    import psycopg

SCOPES = ("appointment", "person", "company")

KILL_SWITCH = SwitchSpec(
    table="sales.reactivation_kill_switch",
    actions=("exclude", "include"),
    key_columns=("scope", "scope_key"),
)


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
    key = key.strip()
    if scope in ("person", "company"):
        try:
            key = str(uuid.UUID(key))
        except ValueError:
            raise UsageError(
                f"{key!r} is not a {scope} id: give the UUID from the "
                f"{'people' if scope == 'person' else 'company'} master."
            ) from None

    def find(conn: psycopg.Connection) -> tuple[tuple[str, str], str]:
        if scope == "appointment":
            require_stored(conn, "appointment_uid", key, f"has appointment_uid {key!r}", "")
        elif not allow_unknown:
            column = "people_id" if scope == "person" else "company_id"
            require_stored(
                conn,
                column,
                key,
                f"is with {scope} {key}",
                f", or add --allow-unknown to {action} this {scope} before their first "
                "meeting is loaded",
            )
        return (scope, key), key

    from loader.outreach.kill_switch import record_switch_entry

    return record_switch_entry(conn, KILL_SWITCH, find, action, reason, actor, expires_at)


def require_stored(
    conn: psycopg.Connection, column: str, key: str, what: str, otherwise: str
) -> None:
    """A UsageError naming `what` unless a stored meeting has `key` in `column`."""
    known = conn.execute(
        f"select 1 from sales.appointment_history where {column} = %s limit 1", (key,)
    ).fetchone()
    if not known:
        raise UsageError(
            f"no stored meeting {what}: check it (copy it from bit.v_reactivation_ready or "
            f"an export){otherwise}."
        )
