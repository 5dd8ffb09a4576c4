"""Stopping outreach at once, for either lane: one append-only entry per decision.

The one path every stop takes: a person's decision (`record_switch_entry`, cause
`manual`) and an opt-out (`unsubscribe_sql`, cause `unsubscribed`: a tool's unsubscribe
event, or a kept suppression matched when the person arrives). Each lane states its
table, its two actions and how a person names whom to stop (loader/lanes/lane_a/switch.py:
a meeting, person or company; loader/lanes/lane_b/switch.py: a partner). The latest
entry per key wins, and the ready views read them at query time, so an entry takes
effect at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import psycopg

from loader.errors import UsageError
from loader.lanes.spec import SwitchSpec
from loader.platform.audit import AuditContext

# Finds whom the entry is for: (the key columns' values, how to name them to the user);
# raises a UsageError that says what is wrong with what the user typed.
Finder = Callable[[psycopg.Connection], tuple[Sequence[object], str]]


def record_switch_entry(
    conn: psycopg.Connection,
    spec: SwitchSpec,
    find: Finder,
    action: str,
    reason: str,
    actor: str | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[int, str]:
    """Append one entry; returns (entry_id, whom it is for, as `find` names them)."""
    if action not in spec.actions:
        raise UsageError(f"action must be {' or '.join(spec.actions)}, not {action!r}.")
    if not reason.strip():
        raise UsageError("--reason is required: say why, for whoever reads the queue next.")
    context = AuditContext.of(actor)
    columns = [*spec.key_columns, "action", "reason", "actor"]
    if expires_at is not None:
        columns.append("expires_at")
    with conn.transaction():
        context.apply(conn)
        keys, label = find(conn)
        values = [*keys, action, reason.strip(), context.actor]
        if expires_at is not None:
            values.append(expires_at)
        (entry_id,) = conn.execute(
            f"insert into {spec.table} ({', '.join(columns)})"
            f" values ({', '.join(['%s'] * len(values))}) returning entry_id",
            values,
        ).fetchone()
    return entry_id, label


def unsubscribe_sql(spec: SwitchSpec, whom: str, when: str = "", *, once: bool = False) -> str:
    """An INSERT of one `unsubscribed` stop per key, the latest opt-out's, returning 1 a row.

    `whom` is a query giving the spec's key columns, `tool` (where the opt-out came from)
    and `at` (its moment); `when` ends the entry's reason ("before they were loaded").
    With `once`, a key that already has an unsubscribed stop gets none (a kept
    suppression is matched again on every load).
    """
    keys = ", ".join(spec.key_columns)
    already = " and ".join(f"entry.{key} = whom.{key}" for key in spec.key_columns)
    skip = (
        f"where not exists (select 1 from {spec.table} as entry"
        f" where {already} and entry.cause = 'unsubscribed')"
        if once
        else ""
    )
    reason = (
        "'unsubscribed (' || whom.tool || ', '"
        " || to_char(whom.at at time zone 'UTC', 'YYYY-MM-DD') || ')'"
    )
    if when:
        reason += f" || ' {when}'"
    return f"""
        insert into {spec.table} ({keys}, action, reason, actor, cause)
        select distinct on ({keys}) {keys}, '{spec.actions[0]}', {reason},
               current_setting('lanes.actor'), 'unsubscribed'
        from ({whom}) as whom
        {skip}
        order by {keys}, whom.at desc
        returning 1
    """
