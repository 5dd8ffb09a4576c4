"""Ingest partner meetings into partners.partner_appointments (write-once).

The partner is found by fractional_cfo_id, else partner_email, else
linkedin_url. partner_appointment_uid = fractional_cfo_id|meeting_date|seq: a
row identical to a stored meeting (same partner, day, type, outcome and notes)
is a duplicate; a different meeting with the same partner that day gets the
next seq.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import psycopg

from loader.cells import add_row_error, parse_columns
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
from loader.lane_b.columns import APPOINTMENT_COLUMNS
from loader.workbook import ROW, read_table

TARGET = "partners.partner_appointments"
_STAGE = "stage_partner_appointments"
_KNOWN = [c.name for c in APPOINTMENT_COLUMNS]
_REQUIRED = [c.name for c in APPOINTMENT_COLUMNS if c.required]


def ingest(conn: psycopg.Connection, path: Path, options: IngestOptions) -> IngestReport:
    started_at = dt.datetime.now(dt.UTC)
    table = read_table(path, _KNOWN, _REQUIRED, options.sheet)
    report = new_report("lane_b", TARGET, table, options)
    parsed = parse_columns(table.frame, APPOINTMENT_COLUMNS, options.today or dt.date.today())
    add_row_error(
        parsed,
        "fractional_cfo_id",
        pl.all_horizontal(
            pl.col(c).is_null() & pl.col(f"err:{c}").is_null()
            for c in ("fractional_cfo_id", "partner_email", "linkedin_url")
        ),
        "say which partner this meeting was with: fill in fractional_cfo_id, partner_email "
        "or linkedin_url.",
    )
    errors = collect_errors(parsed, table.frame)
    rows = valid_rows(parsed)

    with conn.transaction() as tx:
        lock_lane(conn, "lane_b")
        context = audit_context(report, options)
        context.apply(conn)
        conn.execute(
            f"""
            create temp table {_STAGE} (
                {ROW} bigint primary key, fractional_cfo_id uuid, partner_email text,
                linkedin_url text, meeting_date date, meeting_type text, outcome text, notes text
            ) on commit drop
            """
        )
        copy_frame(conn, _STAGE, rows.select(ROW, *_KNOWN))
        resolved = conn.execute(
            f"""
            select s.{ROW}, coalesce(
                (select m.fractional_cfo_id from partners.fractional_cfo_master m
                 where m.fractional_cfo_id = s.fractional_cfo_id),
                case when s.fractional_cfo_id is null then
                    coalesce(
                        (select m.fractional_cfo_id from partners.fractional_cfo_master m
                         where m.email = s.partner_email),
                        (select m.fractional_cfo_id from partners.fractional_cfo_master m
                         where lower(m.linkedin_url) = lower(s.linkedin_url)))
                end)
            from {_STAGE} s order by s.{ROW}
            """
        ).fetchall()
        partner_of = dict(resolved)
        stored = _stored_meetings(conn)
        new_rows: list[dict] = []
        next_seq: dict[tuple, int] = {}
        seen: dict[tuple, set] = {}
        for row in rows.iter_rows(named=True):
            partner = partner_of.get(row[ROW])
            if partner is None:
                errors.append(_unknown_partner(row))
                continue
            key = (str(partner), row["meeting_date"])
            content = (row["meeting_type"], row["outcome"], row["notes"])
            known = seen.setdefault(key, set(stored.get(key, {}).values()))
            if content in known:
                report.duplicates += 1
                continue
            seq = next_seq.get(key, max(stored.get(key, {}), default=0)) + 1
            next_seq[key] = seq
            known.add(content)
            new_rows.append(
                {
                    ROW: row[ROW],
                    "partner_appointment_uid": f"{key[0]}|{key[1]:%Y-%m-%d}|{seq}",
                    "fractional_cfo_id": key[0],
                    "meeting_date": row["meeting_date"],
                    "meeting_type": row["meeting_type"],
                    "outcome": row["outcome"],
                    "notes": row["notes"],
                }
            )
        report.errors = sort_errors(errors)
        report.inserted = len(new_rows)
        if must_roll_back(report, options):
            raise psycopg.Rollback(tx)
        if new_rows:
            conn.execute(
                """
                create temp table stage_partner_appointments_new (
                    __row bigint, partner_appointment_uid text, fractional_cfo_id uuid,
                    meeting_date date, meeting_type text, outcome text, notes text
                ) on commit drop
                """
            )
            copy_frame(conn, "stage_partner_appointments_new", pl.DataFrame(new_rows))
            conn.execute(
                f"""
                insert into {TARGET} (partner_appointment_uid, fractional_cfo_id, meeting_date,
                    meeting_type, outcome, notes)
                select partner_appointment_uid, fractional_cfo_id, meeting_date,
                       meeting_type::partners.partner_meeting_type_enum,
                       outcome::partners.partner_meeting_outcome_enum, notes
                from stage_partner_appointments_new order by __row
                """
            )
        write_ledger(conn, report, context.actor, started_at)
        report.written = True

    if options.rejects and report.errors:
        write_rejects(options.rejects, table.frame, report.errors)
    return report


def _stored_meetings(conn: psycopg.Connection) -> dict[tuple, dict[int, tuple]]:
    """(partner, day) -> {seq: (type, outcome, notes)} for the days the file mentions."""
    stored: dict[tuple, dict[int, tuple]] = {}
    for partner, day, seq, meeting_type, outcome, notes in conn.execute(
        f"""
        select a.fractional_cfo_id::text, a.meeting_date,
               split_part(a.partner_appointment_uid, '|', 3)::int,
               a.meeting_type::text, a.outcome::text, a.notes
        from {TARGET} a
        where a.meeting_date in (select distinct meeting_date from {_STAGE})
        """
    ):
        stored.setdefault((partner, day), {})[seq] = (meeting_type, outcome, notes)
    return stored


def _unknown_partner(row: dict) -> RowError:
    for column in ("fractional_cfo_id", "partner_email", "linkedin_url"):
        if row[column]:
            return RowError(
                row[ROW],
                column,
                row[column],
                f"no partner with this {column} is loaded; load the partner first "
                "(loader ingest lane-b partners FILE) or correct it.",
            )
    raise AssertionError("rows without any partner reference were rejected earlier")
