"""The audit context of a write: who, which run, from which file.

The database's audit triggers read these settings (transaction-local), so every
audit row of a run carries the run's correlation id and actor.
"""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass, field

import psycopg

from loader import __version__


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class AuditContext:
    actor: str = field(default_factory=default_actor)
    correlation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    source_file: str | None = None
    # True only for a loader run that writes its shq.load_ledger row in the same
    # transaction: its audit rows of write-once tables are then thin (migration 0008).
    ledgered: bool = False

    @classmethod
    def of(cls, actor: str | None, **fields: object) -> AuditContext:
        """The context for `actor`, or for the OS user when none is given."""
        return cls(actor=actor or default_actor(), **fields)

    def apply(self, conn: psycopg.Connection) -> None:
        """Set the context for the current transaction (call inside it)."""
        conn.execute(
            """
            select set_config('lanes.actor', %s, true),
                   set_config('lanes.correlation_id', %s, true),
                   set_config('lanes.source_file', %s, true),
                   set_config('lanes.loader_version', %s, true),
                   set_config('lanes.ledgered_run', %s, true)
            """,
            (
                self.actor,
                str(self.correlation_id),
                self.source_file or "",
                __version__,
                "on" if self.ledgered else "off",
            ),
        )


@dataclass(frozen=True)
class GuardOff:
    table_name: str
    trigger_name: str
    state: str  # 'disabled', 'missing' or 'not always'

    def fix(self) -> str:
        if self.state == "missing":
            return "run `loader db migrate` on a fresh database and compare, then restore it"
        return f"alter table {self.table_name} enable always trigger {self.trigger_name}"


def write_guards(conn: psycopg.Connection) -> tuple[int, list[GuardOff]]:
    """(guards checked, those not enabled) from shq.write_guards; (0, []) before migrating."""
    if conn.execute("select to_regclass('shq.write_guards')").fetchone()[0] is None:
        return 0, []
    rows = conn.execute(
        "select table_name, trigger_name, state from shq.write_guards order by 1, 2"
    ).fetchall()
    return len(rows), [GuardOff(*row) for row in rows if row[2] != "enabled"]
