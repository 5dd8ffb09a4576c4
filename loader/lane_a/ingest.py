"""Ingest a workbook of past meetings into sales.appointment_history (write-once).

appointment_uid = company_id|people_id|meeting_date. A uid already stored with
the same values is a duplicate (re-ingesting changes nothing); with other
values it is a conflict and the row is rejected: write-once data is never
overwritten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import psycopg

from loader.cells import add_row_error, parse_columns
from loader.errors import UsageError
from loader.ingest_run import (
    IngestOptions,
    IngestReport,
    RowError,
    audit_context,
    collect_errors,
    copy_frame,
    lock_lane,
    must_roll_back,
    new_report,
    sort_errors,
    valid_rows,
    write_ledger,
    write_rejects,
)
from loader.lane_a.columns import COLUMNS, KNOWN, REQUIRED, SOURCES, VALUE_COLUMNS
from loader.workbook import ROW, read_table

TARGET = "sales.appointment_history"
_STAGE = "stage_appointment_history"


def ingest(
    conn: psycopg.Connection,
    path: Path,
    options: IngestOptions,
    source_override: str | None = None,
) -> IngestReport:
    if source_override is not None:
        source_override = source_override.strip().lower()
        if source_override not in SOURCES:
            raise UsageError(
                f"--source {source_override!r} is not allowed; use one of: {', '.join(SOURCES)}."
            )
    started_at = dt.datetime.now(dt.UTC)
    table = read_table(path, KNOWN, REQUIRED, options.sheet)
    report = new_report("lane_a", TARGET, table, options)
    today = options.today or dt.date.today()
    if options.progress:
        options.progress("validating", 0, table.rows_read)

    parsed = parse_columns(table.frame, COLUMNS, today)
    frame = parsed.frame
    if source_override is not None:
        parsed.frame = frame.with_columns(
            pl.lit(source_override).alias("source"),
            pl.lit(None, dtype=pl.String).alias("err:source"),
        )
    raw = table.frame
    add_row_error(
        parsed,
        "company_id",
        pl.col("company_id").is_null()
        & pl.col("people_id").is_null()
        & pl.col("err:company_id").is_null()
        & pl.col("err:people_id").is_null(),
        "company_id and people_id are both empty; fill in at least one so the prospect can be "
        "identified.",
    )
    add_row_error(
        parsed,
        "stalled_reason",
        (pl.col("meeting_outcome") == "stalled") & pl.col("stalled_reason").is_null(),
        "stalled_reason is required when meeting_outcome is stalled; say why it stalled.",
    )
    errors = collect_errors(parsed, raw)

    rows = valid_rows(parsed).with_columns(
        pl.concat_str(
            pl.col("company_id").fill_null(""),
            pl.col("people_id").fill_null(""),
            pl.col("meeting_date").dt.strftime("%Y-%m-%d"),
            separator="|",
        ).alias("appointment_uid")
    )
    rows, in_file_duplicates, in_file_conflicts = _dedupe_in_file(rows)
    errors.extend(in_file_conflicts)
    report.duplicates += in_file_duplicates

    if options.progress:
        options.progress("writing", 0, rows.height)
    with conn.transaction() as tx:
        lock_lane(conn, "lane_a")
        context = audit_context(report, options)
        context.apply(conn)
        conn.execute(
            f"""
            create temp table {_STAGE} (
                {ROW} bigint not null,
                appointment_uid text not null,
                company_id uuid, people_id uuid, outreach_id uuid,
                meeting_date date not null,
                meeting_type text not null, meeting_outcome text not null,
                stalled_reason text, source text not null, source_record_id text
            ) on commit drop
            """
        )
        stage_cols = [ROW, "appointment_uid", *VALUE_COLUMNS]
        copy_frame(conn, _STAGE, rows.select(stage_cols), options.progress)
        conflicts, stored_duplicates = _compare_with_stored(conn)
        errors.extend(conflicts)
        report.duplicates += stored_duplicates
        report.errors = sort_errors(errors)

        report.inserted = rows.height - stored_duplicates - len(conflicts)
        if must_roll_back(report, options):
            raise psycopg.Rollback(tx)
        # Loaders of this lane are serialised by the lock, so the stored uids cannot
        # change under us: skip the anti-join when nothing in the file is stored yet.
        # (A writer outside the loader racing us gets a unique violation: all rolls back.)
        skip_stored = ""
        if stored_duplicates or conflicts:
            skip_stored = (
                f"where not exists (select 1 from {TARGET} as h"
                " where h.appointment_uid = s.appointment_uid)"
            )
        inserted = conn.execute(
            f"""
            insert into {TARGET} (appointment_uid, company_id, people_id, outreach_id,
                meeting_date, meeting_type, meeting_outcome, stalled_reason, source,
                source_record_id)
            select s.appointment_uid, s.company_id, s.people_id, s.outreach_id, s.meeting_date,
                   s.meeting_type::sales.meeting_type_enum,
                   s.meeting_outcome::sales.meeting_outcome_enum,
                   s.stalled_reason, s.source::sales.appointment_source_enum, s.source_record_id
            from {_STAGE} as s
            {skip_stored}
            """
        )
        report.inserted = inserted.rowcount
        write_ledger(conn, report, context.actor, started_at)
        report.written = True

    if options.rejects and report.errors:
        write_rejects(options.rejects, raw, report.errors)
    return report


def _dedupe_in_file(rows: pl.DataFrame) -> tuple[pl.DataFrame, int, list[RowError]]:
    """Keep the first row of each uid; later identical rows are duplicates, others conflicts."""
    first = rows.unique(subset="appointment_uid", keep="first", maintain_order=True)
    if first.height == rows.height:
        return rows, 0, []
    later = rows.join(first.select(ROW), on=ROW, how="anti")
    firsts = {r["appointment_uid"]: r for r in first.filter(
        pl.col("appointment_uid").is_in(later.get_column("appointment_uid").implode())
    ).iter_rows(named=True)}  # fmt: skip
    duplicates = 0
    conflicts: list[RowError] = []
    for row in later.iter_rows(named=True):
        original = firsts[row["appointment_uid"]]
        diffs = [c for c in VALUE_COLUMNS if row[c] != original[c]]
        if not diffs:
            duplicates += 1
            continue
        column = diffs[0]
        conflicts.append(
            RowError(
                row[ROW],
                column,
                _text(row[column]),
                f"conflicts with row {original[ROW]} (same company, person and date): "
                + _describe(diffs, row, original, "this row", f"row {original[ROW]}")
                + ". Keep one row per meeting, or correct the date or ids.",
            )
        )
    return first, duplicates, conflicts


def _compare_with_stored(conn: psycopg.Connection) -> tuple[list[RowError], int]:
    stage_cols = ", ".join(f"s.{c}" for c in VALUE_COLUMNS)
    stored_cols = ", ".join(f"h.{c}::text" if c in _ENUMS else f"h.{c}" for c in VALUE_COLUMNS)
    duplicates = conn.execute(
        f"""
        select count(*) from {_STAGE} as s
        join {TARGET} as h using (appointment_uid)
        where ({stage_cols}) is not distinct from ({stored_cols})
        """
    ).fetchone()[0]
    conflict_rows = conn.execute(
        f"""
        select s.{ROW}, s.appointment_uid, h.created_at, {stage_cols}, {stored_cols}
        from {_STAGE} as s
        join {TARGET} as h using (appointment_uid)
        where ({stage_cols}) is distinct from ({stored_cols})
        order by s.{ROW}
        """
    ).fetchall()
    n = len(VALUE_COLUMNS)
    errors = []
    for record in conflict_rows:
        row, uid, created_at = record[:3]
        mine = dict(zip(VALUE_COLUMNS, record[3 : 3 + n], strict=True))
        stored = dict(zip(VALUE_COLUMNS, record[3 + n :], strict=True))
        diffs = [c for c in VALUE_COLUMNS if mine[c] != stored[c]]
        column = diffs[0]
        errors.append(
            RowError(
                row,
                column,
                _text(mine[column]),
                f"conflicts with the meeting already stored as {uid} "
                f"(loaded {created_at:%Y-%m-%d}): "
                + _describe(diffs, mine, stored, "this file", "stored")
                + ". Stored meetings are write-once and never overwritten; "
                "if the file is right, add a kill-switch entry or ask an admin.",
            )
        )
    return errors, duplicates


_ENUMS = {"meeting_type", "meeting_outcome", "source"}


def _describe(diffs: list[str], mine: dict, other: dict, mine_label: str, other_label: str) -> str:
    parts = [
        f"{c} {_text(mine[c])!r} in {mine_label} vs {_text(other[c])!r} in {other_label}"
        for c in diffs
    ]
    return "; ".join(parts)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
