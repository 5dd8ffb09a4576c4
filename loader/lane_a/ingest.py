"""Ingest a workbook of past meetings into sales.appointment_history (write-once)
and who they were with into the prospect directory (updatable).

appointment_uid = company_id|people_id|meeting_date. A uid already stored with
the same values is a duplicate (re-ingesting changes nothing); with other
values it is a conflict and the row is rejected: write-once data is never
overwritten.

A CRM export has its own ids, not UUIDs: people_id is derived from
crm_person_id (else the email), company_id from crm_company_id (else the
company domain), as uuid5 over PROSPECT_NAMESPACE, so next week's export of the
same people gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import psycopg

from loader.cells import Parsed, add_row_error
from loader.errors import UsageError
from loader.ingest_run import (
    IngestOptions,
    IngestReport,
    IngestSpec,
    Plan,
    Prepared,
    RowError,
    Written,
    run_ingest,
)
from loader.lane_a.columns import (
    COMPANY_FIELDS,
    MEETING_COLUMNS,
    PERSON_FIELDS,
    SOURCES,
    VALUE_COLUMNS,
)
from loader.lane_a.directory import write_directory
from loader.workbook import ROW

TARGET = "sales.appointment_history"
# Fixed forever: changing it would give every derived prospect a new id.
PROSPECT_NAMESPACE = uuid.UUID("5d0c6a2e-8b1f-4f6e-9a57-3c2d1e0f4b8a")
_STAGE = "stage_appointment_history"
_STAGE_COLUMNS = [
    ("appointment_uid", "text not null"),
    ("company_id", "uuid"),
    ("people_id", "uuid"),
    ("outreach_id", "uuid"),
    ("meeting_date", "date not null"),
    ("meeting_type", "text not null"),
    ("meeting_outcome", "text not null"),
    ("stalled_reason", "text"),
    ("source", "text not null"),
    ("source_record_id", "text"),
]


def ingest(
    conn: psycopg.Connection,
    path: Path,
    options: IngestOptions,
    source_override: str | None = None,
) -> IngestReport:
    """Load a workbook of past meetings (`loader ingest lane-a FILE`)."""
    return run_ingest(conn, meetings_spec(source_override), path, options)


def meetings_spec(source_override: str | None = None) -> IngestSpec:
    """The Lane A meetings ingest; `source_override` sets the source of every row."""
    if source_override is not None:
        source_override = source_override.strip().lower()
        if source_override not in SOURCES:
            raise UsageError(
                f"--source {source_override!r} is not allowed; use one of: {', '.join(SOURCES)}."
            )

    def check_rows(parsed: Parsed) -> None:
        if source_override is not None:
            parsed.frame = parsed.frame.with_columns(
                pl.lit(source_override).alias("source"),
                pl.lit(None, dtype=pl.String).alias("err:source"),
            )
        _derive_ids(parsed)
        _check_meeting_rules(parsed)

    return IngestSpec(
        lane="lane_a",
        target=TARGET,
        columns=MEETING_COLUMNS,
        stage_table=_STAGE,
        stage_columns=_STAGE_COLUMNS,
        check_rows=check_rows,
        prepare=_prepare,
        compare=_compare,
        write=_write,
    )


def derived_id(kind: str, key: str) -> str:
    """The stable UUID of a prospect known by a CRM id, an email or a domain."""
    return str(uuid.uuid5(PROSPECT_NAMESPACE, f"{kind}:{key}"))


def _derive(frame: pl.DataFrame, target: str, sources: list[tuple[str, str]]) -> pl.Expr:
    """`target` as given, else derived from the first filled source column (kind, column)."""
    derived = [
        pl.col(column).map_elements(
            lambda key, kind=kind: derived_id(kind, key), return_dtype=pl.String
        )
        for kind, column in sources
        if frame.get_column(column).is_not_null().any()
    ]
    return pl.coalesce(pl.col(target), *derived).alias(target)


def _derive_ids(parsed: Parsed) -> None:
    # A CRM id is kept as typed (trimmed): Salesforce's 15-character ids are case-sensitive.
    frame = parsed.frame
    parsed.frame = frame.with_columns(
        _derive(frame, "people_id", [("crm-person", "crm_person_id"), ("email", "email")]),
        _derive(
            frame, "company_id", [("crm-company", "crm_company_id"), ("domain", "company_domain")]
        ),
    )


def _check_meeting_rules(parsed: Parsed) -> None:
    add_row_error(
        parsed,
        "company_id",
        pl.col("company_id").is_null()
        & pl.col("people_id").is_null()
        & pl.col("err:company_id").is_null()
        & pl.col("err:people_id").is_null()
        & pl.col("err:email").is_null()
        & pl.col("err:company_domain").is_null(),
        "nothing says who the prospect is; fill in crm_person_id, email, crm_company_id, "
        "company_domain, people_id or company_id.",
    )
    add_row_error(
        parsed,
        "stalled_reason",
        (pl.col("meeting_outcome") == "stalled") & pl.col("stalled_reason").is_null(),
        "stalled_reason is required when meeting_outcome is stalled; say why it stalled.",
    )


def _prepare(rows: pl.DataFrame) -> Prepared:
    keyed = rows.with_columns(
        pl.concat_str(
            pl.col("company_id").fill_null(""),
            pl.col("people_id").fill_null(""),
            pl.col("meeting_date").dt.strftime("%Y-%m-%d"),
            separator="|",
        ).alias("appointment_uid")
    )
    keyed, email_conflicts = _one_email_per_person(keyed)
    first, duplicates, conflicts = _dedupe_in_file(keyed)
    return Prepared(first, duplicates, email_conflicts + conflicts)


def _one_email_per_person(rows: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
    """Reject a later row that gives one person a second email, naming both rows."""
    with_email = rows.filter(pl.col("people_id").is_not_null() & pl.col("email").is_not_null())
    firsts = with_email.unique(subset="people_id", keep="first", maintain_order=True).select(
        "people_id", pl.col(ROW).alias("first_row"), pl.col("email").alias("first_email")
    )
    clashes = with_email.join(firsts, on="people_id").filter(
        pl.col("email") != pl.col("first_email")
    )
    errors = [
        RowError(
            row,
            "email",
            email,
            f"row {first_row} gives this person the email {first_email!r}; one email per "
            "person: correct one of the two rows.",
        )
        for row, email, first_row, first_email in clashes.select(
            ROW, "email", "first_row", "first_email"
        ).iter_rows()
    ]
    return rows.join(clashes.select(ROW), on=ROW, how="anti"), errors


def _compare(conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    conflicts, stored_duplicates = _compare_with_stored(conn)
    return Plan(
        inserted=rows.height - stored_duplicates - len(conflicts),
        duplicates=stored_duplicates,
        errors=conflicts,
        state=_WriteInput(
            skip_stored=bool(stored_duplicates or conflicts),
            people=_people(rows),
            companies=_companies(rows),
        ),
    )


@dataclass(frozen=True)
class _WriteInput:
    skip_stored: bool  # some rows are stored already: the insert must skip them
    people: pl.DataFrame
    companies: pl.DataFrame


def _latest_values(rows: pl.DataFrame, key: str, fields: list[str]) -> pl.DataFrame:
    """Per key, the last filled value of each field in file order (the latest row wins)."""
    filled = rows.filter(
        pl.col(key).is_not_null() & pl.any_horizontal(pl.col(f).is_not_null() for f in fields)
    )
    return (
        filled.sort(ROW)
        .group_by(key, maintain_order=True)
        .agg(pl.col(f).drop_nulls().last() for f in fields)
    )


def _people(rows: pl.DataFrame) -> pl.DataFrame:
    people = _latest_values(rows, "people_id", [*PERSON_FIELDS, "company_id"])
    # A full name alone gives the first and last name a message can use.
    words = pl.col("person_name").str.split_exact(" ", 1)
    return people.with_columns(
        pl.coalesce("first_name", words.struct.field("field_0")).alias("first_name"),
        pl.coalesce("last_name", words.struct.field("field_1")).alias("last_name"),
    ).filter(pl.any_horizontal(pl.col(f).is_not_null() for f in PERSON_FIELDS))


def _companies(rows: pl.DataFrame) -> pl.DataFrame:
    return _latest_values(rows, "company_id", COMPANY_FIELDS)


def _write(conn: psycopg.Connection, plan: Plan) -> Written:
    # Loaders of this lane are serialised by the lock, so the stored uids cannot
    # change under us: skip the anti-join when nothing in the file is stored yet.
    # Key order: the primary key and the audit rows' record index then grow at
    # their right edge (1M rows: 5 s instead of 13 s for this insert).
    # (A writer outside the loader racing us gets a unique violation: all rolls back.)
    skip_stored = ""
    if plan.state.skip_stored:
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
        order by s.appointment_uid
        """
    )
    people_added, people_updated, companies_added, companies_updated = write_directory(
        conn, plan.state.people, plan.state.companies
    )
    directory = {
        "people_added": people_added,
        "people_updated": people_updated,
        "companies_added": companies_added,
        "companies_updated": companies_updated,
    }
    notes = []
    if any(directory.values()):
        notes.append(
            f"prospect directory: {people_added} people added, {people_updated} updated; "
            f"{companies_added} companies added, {companies_updated} updated"
        )
    return Written(inserted.rowcount, details={"directory": directory}, notes=notes)


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
