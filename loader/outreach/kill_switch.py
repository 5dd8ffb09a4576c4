"""Stopping outreach at once, for either lane: one append-only entry per decision.

The mechanics live here once; each lane states its table, its two actions and how
a person names whom to stop (loader/lanes/lane_a/switch.py: a meeting, person or
company; loader/lanes/lane_b/switch.py: a partner). The latest entry per key wins, and
the ready views read them at query time, so an entry takes effect at once.
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
