"""Export a lane's ready queue, optionally recording each exported row as touched.

Shared mechanics only: each lane says which view, columns and order to read,
and how to record a touch (see loader/lane_a/export.py, loader/lane_b/export.py).
With `mark_touched`, the file appears only if the touches were committed, and
the touches are committed only if the file was written: both or neither.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from loader.audit import AuditContext
from loader.errors import DatabaseError, UsageError
from loader.export_file import check_destination, discard, publish, write_temporary


@dataclass(frozen=True)
class QueueSpec:
    lane: str  # the dbt selector that builds the view
    view: str
    columns: Sequence[str]
    order_by: str
    # Records the exported rows as touched; returns how many touches it wrote.
    record_touches: Callable[[psycopg.Connection, list[dict], str], int]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    touched: int
    correlation_id: str


def export_queue(
    conn: psycopg.Connection,
    spec: QueueSpec,
    path: Path,
    limit: int | None = None,
    mark_touched: bool = False,
    actor: str | None = None,
) -> ExportResult:
    check_destination(path)
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1.")
    context = AuditContext.of(actor)
    query = f"select {', '.join(spec.columns)} from {spec.view} order by {spec.order_by}" + (
        " limit %s" if limit else ""
    )
    with conn.transaction():
        context.apply(conn)
        if conn.execute("select to_regclass(%s)", (spec.view,)).fetchone()[0] is None:
            build = f"loader dbt build --select {spec.lane}"
            raise DatabaseError(f"{spec.view} does not exist yet: run `{build}` first.")
        cursor = conn.execute(query, (limit,) if limit else ())
        rows = cursor.fetchall()
        temporary = write_temporary(path, spec.columns, rows)
        try:
            touched = 0
            if mark_touched and rows:
                records = [dict(zip(spec.columns, row, strict=True)) for row in rows]
                touched = spec.record_touches(conn, records, context.actor)
        except BaseException:
            discard(temporary)
            raise
    # Reached only when the transaction committed.
    publish(temporary, path)
    return ExportResult(path, len(rows), touched, str(context.correlation_id))
