"""Export a lane's ready queue, optionally recording each exported row as touched.

Shared mechanics only: each lane says which view, columns and order to read,
which of its columns are the lead's fields, and how to record a touch (see
loader/lanes/lane_a/export.py, loader/lanes/lane_b/export.py). With `mark_touched`, the
file appears only if the touches were committed, and the touches are
committed only if the file was written: both or neither. Only rows that are
in the file are marked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from loader.errors import DatabaseError, UsageError
from loader.lanes.spec import QueueSpec
from loader.outreach.tools import CHANNELS, GENERIC, tool_names, tools
from loader.outreach.touches import record_exported_touches
from loader.platform.audit import AuditContext
from loader.platform.database import relation_exists
from loader.sheets.export_file import check_destination, discard, publish, write_temporary


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    touched: int
    correlation_id: str
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> rows
    notes: list[str] = field(default_factory=list)
    # Why no file was written (nothing to export); None when the file was written.
    nothing_because: str | None = None


def export_queue(
    conn: psycopg.Connection,
    spec: QueueSpec,
    path: Path,
    limit: int | None = None,
    mark_touched: bool = False,
    actor: str | None = None,
    channel: str | None = None,
    tool: str = GENERIC,
) -> ExportResult:
    check_destination(path)
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1.")
    if channel is not None and channel not in CHANNELS:
        raise UsageError(f"--channel must be one of {', '.join(CHANNELS)}, not {channel!r}.")
    if tool not in tool_names():
        raise UsageError(f"--format must be one of {', '.join(tool_names())}, not {tool!r}.")
    context = AuditContext.of(actor)
    staged: Staged | None = None
    try:
        with conn.transaction():
            records = ready_records(conn, spec, channel, limit)
            staged = stage_records(conn, spec, path, records, tool, mark_touched, context, channel)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    # Reached only when the transaction committed.
    return staged.publish()


def ready_records(
    conn: psycopg.Connection, spec: QueueSpec, channel: str | None = None, limit: int | None = None
) -> list[dict]:
    """The lane's ready rows, best first (the view's columns and the lead's fields)."""
    selected = _selected(spec)
    query = f"select {', '.join(selected)} from {spec.view}"
    params: list[object] = []
    if channel:
        query += f" where {spec.lead_fields['channel']}::text = %s"
        params.append(channel)
    query += f" order by {spec.order_by}"
    if limit:
        query += " limit %s"
        params.append(limit)
    if not relation_exists(conn, spec.view):
        build = f"loader dbt build --select {spec.lane.key}"
        raise DatabaseError(f"{spec.view} does not exist yet: run `{build}` first.")
    return [dict(zip(selected, row, strict=True)) for row in conn.execute(query, params)]


def _selected(spec: QueueSpec) -> list[str]:
    lead_columns = [c for c in spec.lead_fields.values() if c]
    return list(dict.fromkeys([*spec.columns, *lead_columns]))


@dataclass
class Staged:
    """An export written to a temporary file whose touches are recorded in the caller's
    transaction: publish() once it committed, discard() when it did not."""

    result: ExportResult
    temporary: Path | None = None

    def publish(self) -> ExportResult:
        if self.temporary is not None:
            publish(self.temporary, self.result.path)
        return self.result

    def discard(self) -> None:
        if self.temporary is not None:
            discard(self.temporary)


def stage_records(
    conn: psycopg.Connection,
    spec: QueueSpec,
    path: Path,
    records: list[dict],
    tool: str,
    mark_touched: bool,
    context: AuditContext,
    channel: str | None = None,
) -> Staged:
    """`records` (from ready_records) written to a temporary file in the tool's layout,
    each marked touched (planned) when asked. Call inside a transaction; the file goes to
    `path` (Staged.publish) only after it commits: both or neither."""
    context.apply(conn)
    notes = _stale_build_notes(conn, spec)
    exported, left_out = _for_tool(spec, records, tool)
    correlation = str(context.correlation_id)
    if not exported:
        # A file with a header and no row would be imported as an empty campaign.
        why = _why_nothing(spec, records, channel, tool)
        return Staged(ExportResult(path, 0, 0, correlation, left_out, notes, nothing_because=why))
    if tool == GENERIC:
        columns = list(spec.columns)
        rows = [[record[c] for c in columns] for record in exported]
    else:
        columns = tools()[tool].lead_header()
        rows = [tools()[tool].lead_row(_lead(spec, record)) for record in exported]
    temporary = write_temporary(path, columns, rows)
    try:
        touched = 0
        if mark_touched:
            touched = record_exported_touches(
                conn, spec.touches, [_touch(spec, record) for record in exported], context.actor
            )
            held = record_holdouts(conn, spec)
            if held:
                notes.append(
                    f"{held} ready row(s) of the random holdout were left out of this export "
                    f"and recorded (they measure what outreach adds; {spec.lane.view('holdout')})"
                )
    except BaseException:
        discard(temporary)
        raise
    return Staged(ExportResult(path, len(rows), touched, correlation, left_out, notes), temporary)


def record_holdouts(conn: psycopg.Connection, spec: QueueSpec) -> int:
    """The holdout's ready rows not recorded yet, recorded now (the export's audit
    context applied): how many. The ready view never holds them, so they are never
    exported; recording when they were left out gives their outcome a start."""
    if not spec.record_holdouts:
        return 0
    if not relation_exists(conn, spec.lane.view("holdout")):
        return 0
    return conn.execute(spec.record_holdouts).rowcount


def left_out_reason(spec: QueueSpec, record: dict, tool: str) -> str | None:
    """Why the tool cannot take this ready row (no address on its channel), or None."""
    return None if tool == GENERIC else tools()[tool].left_out_reason(_lead(spec, record))


def _why_nothing(spec: QueueSpec, records: list[dict], channel: str | None, tool: str) -> str:
    if records:
        return f"{tools()[tool].label} can take none of the {len(records)} ready row(s)"
    where = f" recommends {channel}" if channel else " is ready"
    return (
        f"no row of {spec.view}{where} now (`loader status {spec.lane.cli}` says why the rest "
        "waits)"
    )


def _stale_build_notes(conn: psycopg.Connection, spec: QueueSpec) -> list[str]:
    """A load after the last build is not in the queue yet: say so rather than export less."""
    loaded, built = conn.execute(
        # Touches imports do not count: the view already drops touched rows at query time.
        f"select (select max(finished_at) from shq.load_ledger where lane = %s"
        f"          and inserted + updated > 0 and target not like '%%touches'),"
        f"       (select max(computed_at) from {spec.lane.intent})",
        (spec.lane.key,),
    ).fetchone()
    if loaded is None or (built is not None and loaded <= built):
        return []
    return [
        f"data was loaded after the last build: run `loader dbt build --select {spec.lane.key}` "
        "and export again to include it."
    ]


def _lead(spec: QueueSpec, record: dict) -> dict[str, object]:
    lead: dict[str, object] = {"lane": spec.lane.key}
    for name, column in spec.lead_fields.items():
        value = record[column]
        lead[name] = str(value) if name == "channel" and value is not None else value
    return lead


def _touch(spec: QueueSpec, record: dict) -> dict[str, object]:
    """An exported row as the touch it becomes: what it left with."""
    fields = spec.lead_fields
    at_touch = record[fields["at_touch"]]
    return {
        "subject": record[fields["key"]],
        "channel": str(record[fields["channel"]]),
        "variant": record[fields["variant"]],
        "score": record[fields["score"]],
        "at_touch": None if at_touch is None else str(at_touch),
        "reasons": record[fields["reasons"]],
    }


def _for_tool(spec: QueueSpec, records: list[dict], tool: str) -> tuple[list[dict], dict]:
    """The records the tool can take, and how many it cannot, by reason."""
    if tool == GENERIC:
        return records, {}
    kept, reasons = [], Counter()
    for record in records:
        reason = tools()[tool].left_out_reason(_lead(spec, record))
        if reason:
            reasons[reason] += 1
        else:
            kept.append(record)
    return kept, dict(reasons)
