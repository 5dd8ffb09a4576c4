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
                   set_config('lanes.loader_version', %s, true)
            """,
            (self.actor, str(self.correlation_id), self.source_file or "", __version__),
        )
