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
    said = key

    def find(conn: psycopg.Connection) -> tuple[tuple[str, str], str]:
        nonlocal key
        if scope in ("person", "company"):
            key = _prospect_id(conn, scope, key, allow_unknown)
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
        return (scope, key), key if key == said else f"{key} ({said})"

    from loader.outreach.kill_switch import record_switch_entry

    return record_switch_entry(conn, KILL_SWITCH, find, action, reason, actor, expires_at)


def _prospect_id(conn: psycopg.Connection, scope: str, said: str, allow_unknown: bool) -> str:
    """The person's or company's id from what the user typed: the UUID itself, or (a
    person) an email or LinkedIn URL, (a company) its web domain - looked up in the
    prospect directory, else derived as the ingest derives it (an email, a domain)."""
    try:
        return str(uuid.UUID(said))
    except ValueError:
        pass
    from loader.lanes.lane_a.prospect_ids import derived_id
    from loader.sheets.cells import one_value

    if scope == "person":
        email = one_value("email", said) if "@" in said else None
        linkedin = one_value("linkedin", said) if "linkedin" in said.lower() else None
        if email or linkedin:
            row = conn.execute(
                "select people_id::text from sales.prospect_people"
                " where email = %s or lower(linkedin_url) = lower(%s)"
                " order by (email = %s) desc nulls last limit 1",
                (email, linkedin, email),
            ).fetchone()
            if row:
                return row[0]
            if email and allow_unknown:
                return derived_id("email", email)
            raise UsageError(
                f"no person in the prospect directory has {said!r}"
                + (
                    "; add --allow-unknown to exclude this email before their first meeting is"
                    " loaded."
                    if email
                    else "; check it, or give the person's id."
                )
            )
    else:
        domain = one_value("domain", said)
        if domain:
            row = conn.execute(
                "select company_id::text from sales.prospect_companies where company_domain = %s"
                " limit 1",
                (domain,),
            ).fetchone()
            return row[0] if row else derived_id("domain", domain)
    raise UsageError(
        f"{said!r} is not a {scope}: give "
        + (
            "its id (UUID), email or LinkedIn URL."
            if scope == "person"
            else "its id (UUID) or web domain (acme.com)."
        )
    )


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
