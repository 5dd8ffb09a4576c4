"""Ingest a workbook of past meetings into sales.appointment_history (write-once)
and who they were with into the prospect directory (updatable).

appointment_uid = company_id|people_id|meeting_date. A uid already stored with
the same values is a duplicate (re-ingesting changes nothing). A CRM revises
outcomes: when only the revisable fields differ (outcome, stalled reason, type)
from the meeting as it stands (its latest revision), the row records a revision
in sales.appointment_revisions, a write-once fact of its own. Any other
difference is a conflict and the row is rejected: write-once data is never
overwritten.

A CRM export has its own ids, not UUIDs: people_id is derived from
crm_person_id (else the email), company_id from crm_company_id (else the
company domain), as uuid5 over PROSPECT_NAMESPACE, so next week's export of the
same people gives the same ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import psycopg

from loader.errors import UsageError
from loader.ingest.flow import (
    IngestOptions,
    IngestReport,
    IngestSpec,
    Plan,
    Prepared,
    RowError,
    Written,
    copy_frame,
    copy_query,
    run_ingest,
)
from loader.ingest.mapped_source import mapped_source
from loader.ingest.mapping import CrmMapping
from loader.lanes.lane_a.columns import (
    COMPANY_FIELDS,
    MEETING_COLUMNS,
    PERSON_FIELDS,
    REVISABLE_COLUMNS,
    SOURCES,
    VALUE_COLUMNS,
)
from loader.lanes.lane_a.directory import write_directory
from loader.lanes.lane_a.prospect_ids import derived_id
from loader.lanes.lane_a.switch import KILL_SWITCH
from loader.outreach.kill_switch import unsubscribe_sql
from loader.sheets.cells import Parsed, add_row_error
from loader.sheets.names import split_names
from loader.sheets.workbook import ROW

TARGET = "sales.appointment_history"
REVISIONS = "sales.appointment_revisions"
_STAGE = "stage_appointment_history"
# Only the keys are staged: the compare needs no more, and the new rows go
# straight into the table by COPY (1M rows: 2.4 s of staging saved).
_STAGE_COLUMNS = [("appointment_uid", "text not null")]


def ingest(
    conn: psycopg.Connection,
    path: Path,
    options: IngestOptions,
    source_override: str | None = None,
    mapping: CrmMapping | None = None,
) -> IngestReport:
    """Load a workbook of past meetings (`loader ingest lane-a FILE [--from MAPPING]`)."""
    return run_ingest(conn, meetings_spec(source_override, mapping, conn), path, options)


def meetings_spec(
    source_override: str | None = None,
    mapping: CrmMapping | None = None,
    conn: psycopg.Connection | None = None,
) -> IngestSpec:
    """The Lane A meetings ingest; `source_override` sets the source of every row, and
    `mapping` reads a CRM's export as it is (loader/ingest/mapping.py)."""
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
        _derive_ids(parsed, _stored_companies(conn, parsed.frame) if conn else {})
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
        source=mapped_source(mapping, MEETING_COLUMNS) if mapping else None,
    )


def _with_derived(frame: pl.DataFrame, target: str, sources: list[tuple[str, str]]) -> pl.DataFrame:
    """`target` as given, else derived from the first filled source column (kind, column).

    Each distinct key is hashed once, and only for rows whose target is empty, then
    joined back: a CRM export names the same person on many rows (1M meetings derived
    from emails and domains: 6.4 s row by row, 2.6 s now, most of it uuid5 itself)."""
    missing = frame.filter(pl.col(target).is_null())
    derived = []
    for kind, column in sources:
        keys = missing.get_column(column).drop_nulls().unique()
        if keys.is_empty():
            continue
        name = f"__derived_{column}"
        ids = pl.Series(name, [derived_id(kind, key) for key in keys], dtype=pl.String)
        frame = frame.join(pl.DataFrame([keys, ids]), on=column, how="left", maintain_order="left")
        derived.append(name)
    return frame.with_columns(pl.coalesce(target, *derived).alias(target)).drop(derived)


def _stored_companies(conn: psycopg.Connection, frame: pl.DataFrame) -> dict[str, str]:
    """Domain -> the company already stored with it, for the file's rows that need an id."""
    [(any_stored,)] = _read_before_the_load(
        conn, "select exists (select from sales.prospect_companies)"
    )
    if not any_stored:
        return {}  # a first load: nothing to look up (a million domains cost a second)
    domains = (
        frame.filter(pl.col("company_id").is_null())
        .get_column("company_domain")
        .drop_nulls()
        .unique()
        .to_list()
    )
    if not domains:
        return {}
    rows = _read_before_the_load(
        conn,
        "select distinct on (company_domain) company_domain, company_id::text"
        " from sales.prospect_companies where company_domain = any(%s)"
        " order by company_domain, created_at, company_id",
        (domains,),
    )
    return dict(rows)


def _read_before_the_load(conn: psycopg.Connection, query: str, params=None) -> list[tuple]:
    """A read before the load's own transaction, leaving none open behind it."""
    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    rows = conn.execute(query, params).fetchall()
    if idle and not conn.autocommit:
        conn.commit()
    return rows


def _derive_ids(parsed: Parsed, stored_companies: dict[str, str] | None = None) -> None:
    # A CRM id is kept as typed (trimmed): Salesforce's 15-character ids are case-sensitive.
    frame = _with_derived(
        parsed.frame, "people_id", [("crm-person", "crm_person_id"), ("email", "email")]
    )
    parsed.frame = _one_company_per_domain(frame, stored_companies or {})


def _one_company_per_domain(frame: pl.DataFrame, stored: dict[str, str]) -> pl.DataFrame:
    """company_id as given; else the company stored with the row's domain; else the id
    the file's CRM id for that domain derives (one company, whichever row names it by
    its CRM id and which by its domain alone: a calendar and a CRM export of the same
    firm); else derived from the row's CRM id, else from its domain."""
    frame = _with_derived(
        frame.with_columns(pl.lit(None, pl.String).alias("__by_crm")),
        "__by_crm",
        [("crm-company", "crm_company_id")],
    )
    by_domain = (
        frame.filter(pl.col("company_domain").is_not_null() & pl.col("__by_crm").is_not_null())
        .sort(ROW)
        .group_by("company_domain", maintain_order=True)
        .agg(pl.col("__by_crm").first().alias("__by_domain"))
    )
    known = pl.DataFrame(
        {"company_domain": list(stored), "__stored": list(stored.values())},
        schema={"company_domain": pl.String, "__stored": pl.String},
    )
    frame = (
        frame.join(by_domain, on="company_domain", how="left", maintain_order="left")
        .join(known, on="company_domain", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("company_id", "__stored", "__by_domain", "__by_crm").alias("company_id")
        )
        .drop("__by_crm", "__by_domain", "__stored")
    )
    return _with_derived(frame, "company_id", [("domain", "company_domain")])


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
    stored = _stored_matches(conn)
    conflicts, duplicates, revisions = _compare_with_stored(rows, stored)
    new_rows = rows if stored.is_empty() else rows.join(stored.select(ROW), on=ROW, how="anti")
    return Plan(
        inserted=new_rows.height,
        revised=revisions.height,
        duplicates=duplicates,
        errors=conflicts,
        state=_WriteInput(
            revisions=revisions,
            # Key order: the primary key then grows at its right edge (1M rows: 10.4 s
            # for the whole ingest instead of 13.7 s).
            new_rows=new_rows.select(_STORED_COLUMNS).sort("appointment_uid"),
            people=_people(rows),
            companies=_companies(rows),
        ),
    )


@dataclass(frozen=True)
class _WriteInput:
    revisions: pl.DataFrame  # stored meetings the file revises: uid and the revisable fields
    new_rows: pl.DataFrame  # the meetings not stored yet, in key order, as the table stores them
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
    # A full name alone gives the first and last name a message can use, particles kept.
    split = split_names(people.get_column("person_name"))
    return people.with_columns(
        pl.coalesce(pl.col("first_name"), split.get_column("first_name")).alias("first_name"),
        pl.coalesce(pl.col("last_name"), split.get_column("last_name")).alias("last_name"),
    ).filter(pl.any_horizontal(pl.col(f).is_not_null() for f in PERSON_FIELDS))


def _companies(rows: pl.DataFrame) -> pl.DataFrame:
    return _latest_values(rows, "company_id", COMPANY_FIELDS)


def _write(conn: psycopg.Connection, plan: Plan) -> Written:
    # Straight into the table, in key order. Loaders of this lane are serialised by
    # the lock, so no stored uid appeared since the compare; a writer outside the
    # loader racing us gets a unique violation and everything rolls back.
    new_rows = plan.state.new_rows
    copy_frame(conn, TARGET, new_rows, plan.progress)
    revised = write_revisions(conn, plan.state.revisions)
    people_added, people_updated, companies_added, companies_updated = write_directory(
        conn, plan.state.people, plan.state.companies
    )
    directory = {
        "people_added": people_added,
        "people_updated": people_updated,
        "companies_added": companies_added,
        "companies_updated": companies_updated,
    }
    excluded = exclude_suppressed_people(conn)
    notes = []
    if excluded:
        notes.append(
            f"{excluded} person(s) had unsubscribed before their meetings were loaded: "
            "excluded from outreach (kill switch)"
        )
    if any(directory.values()):
        notes.append(
            f"prospect directory: {people_added} people added, {people_updated} updated; "
            f"{companies_added} companies added, {companies_updated} updated"
        )
    return Written(
        new_rows.height,
        revised=revised,
        details={"directory": directory, "unsubscribed_before_loaded": excluded},
        notes=notes,
    )


def exclude_suppressed_people(conn: psycopg.Connection) -> int:
    """Exclude (kill switch, person) everyone in the directory whose email or LinkedIn URL
    unsubscribed before any meeting of theirs was stored (sales.reactivation_suppressions),
    once: a person already excluded for an unsubscribe is left as is."""
    if conn.execute("select not exists (select 1 from sales.reactivation_suppressions)").fetchone()[
        0
    ]:
        return 0
    # Two equi-joins, not one join on "email or LinkedIn": each hashes the few
    # suppressions and scans the directory once.
    cursor = conn.execute(
        """
        with matched as (
            select people.people_id, kept.tool, kept.unsubscribed_at
            from sales.reactivation_suppressions as kept
            inner join sales.prospect_people as people on people.email = kept.email
            union all
            select people.people_id, kept.tool, kept.unsubscribed_at
            from sales.reactivation_suppressions as kept
            inner join sales.prospect_people as people
                on lower(people.linkedin_url) = lower(kept.linkedin_url)
        )
        """
        + unsubscribe_sql(
            KILL_SWITCH,
            "select 'person' as scope, people_id::text as scope_key, tool,"
            " unsubscribed_at as at from matched",
            "before their meetings were loaded",
            once=True,
        )
    )
    return cursor.rowcount


def write_revisions(conn: psycopg.Connection, revisions: pl.DataFrame) -> int:
    """One revision row per revised meeting, tagged with this run's correlation id."""
    if revisions.is_empty():
        return 0
    conn.execute(
        f"""
        insert into {REVISIONS} (appointment_uid, meeting_type, meeting_outcome,
            stalled_reason, correlation_id)
        select uid, meeting_type::sales.meeting_type_enum,
               meeting_outcome::sales.meeting_outcome_enum, stalled_reason,
               current_setting('lanes.correlation_id')::uuid
        from unnest(%s::text[], %s::text[], %s::text[], %s::text[])
            as revised (uid, meeting_type, meeting_outcome, stalled_reason)
        order by uid
        """,
        [revisions.get_column(c).to_list() for c in ("appointment_uid", *REVISABLE_COLUMNS)],
    )
    return revisions.height


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


def _stored_matches(conn: psycopg.Connection) -> pl.DataFrame:
    """The stored meetings whose uid is staged: the file's row, and the meeting as it
    stands (its latest revision's revisable fields, if any) as text."""
    stored_cols = ", ".join(_stored_as_text(c) for c in VALUE_COLUMNS)
    schema = {ROW: pl.Int64, "stored_on": pl.String}
    schema.update({f"{c}{_STORED}": pl.String for c in VALUE_COLUMNS})
    return copy_query(
        conn,
        f"""
        select s.{ROW}, to_char(h.created_at, 'YYYY-MM-DD'), {stored_cols}
        from {_STAGE} as s
        inner join {TARGET} as h on s.appointment_uid = h.appointment_uid
        left join (
            select distinct on (appointment_uid)
                appointment_uid, meeting_type, meeting_outcome, stalled_reason
            from {REVISIONS}
            where appointment_uid in (select appointment_uid from {_STAGE})
            order by appointment_uid, revised_at desc, revision_id desc
        ) as r on r.appointment_uid = h.appointment_uid
        """,
        schema,
    )


def _stored_as_text(column: str) -> str:
    # Not meeting_date::text: its form follows the session's DateStyle.
    if column == "meeting_date":
        return "to_char(h.meeting_date, 'YYYY-MM-DD')"
    if column in REVISABLE_COLUMNS:
        return f"case when r.appointment_uid is null then h.{column} else r.{column} end::text"
    return f"h.{column}::text"


_STORED = "__stored"
# What goes into the table, in its column order; the rest of a row is the prospect's.
_STORED_COLUMNS = ["appointment_uid", *VALUE_COLUMNS]


def _as_text(column: str) -> pl.Expr:
    if column == "meeting_date":
        return pl.col(column).dt.strftime("%Y-%m-%d")
    return pl.col(column)


def _compare_with_stored(
    rows: pl.DataFrame, stored: pl.DataFrame
) -> tuple[list[RowError], int, pl.DataFrame]:
    """Rows whose uid is stored: the same values are duplicates; other values in the
    revisable fields only are revisions; any other difference is a conflict.

    Returns (conflicts, duplicates, revisions: uid and the revisable fields)."""
    revisions = pl.DataFrame(
        schema={"appointment_uid": pl.String, **{c: pl.String for c in REVISABLE_COLUMNS}}
    )
    if stored.is_empty():
        return [], 0, revisions
    mine = rows.select(ROW, "appointment_uid", *(_as_text(c) for c in VALUE_COLUMNS))
    fixed = [c for c in VALUE_COLUMNS if c not in REVISABLE_COLUMNS]
    matched = mine.join(stored, on=ROW).with_columns(
        pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}{_STORED}")) for c in fixed).alias(
            "__conflicts"
        ),
        pl.any_horizontal(
            pl.col(c).ne_missing(pl.col(f"{c}{_STORED}")) for c in REVISABLE_COLUMNS
        ).alias("__revises"),
    )
    conflicting = matched.filter("__conflicts").sort(ROW)
    revised = matched.filter(~pl.col("__conflicts") & pl.col("__revises"))
    errors = []
    for record in conflicting.iter_rows(named=True):
        mine_values = {c: record[c] for c in VALUE_COLUMNS}
        stored_values = {c: record[f"{c}{_STORED}"] for c in VALUE_COLUMNS}
        diffs = [c for c in fixed if mine_values[c] != stored_values[c]]
        column = diffs[0]
        errors.append(
            RowError(
                record[ROW],
                column,
                mine_values[column],
                f"conflicts with the meeting already stored as {record['appointment_uid']} "
                f"(loaded {record['stored_on']}): "
                + _describe(diffs, mine_values, stored_values, "this file", "stored")
                + ". Stored meetings are write-once: only "
                + ", ".join(REVISABLE_COLUMNS)
                + " can be revised by a later file. If the file is right, the meeting is "
                "another one: correct its date or ids; else correct the file.",
            )
        )
    revisions = revised.select("appointment_uid", *REVISABLE_COLUMNS)
    duplicates = matched.height - conflicting.height - revised.height
    return errors, duplicates, revisions


def _describe(diffs: list[str], mine: dict, other: dict, mine_label: str, other_label: str) -> str:
    parts = [
        f"{c} {_shown(mine[c])} in {mine_label} vs {_shown(other[c])} in {other_label}"
        for c in diffs
    ]
    return "; ".join(parts)


def _shown(value: object) -> str:
    text = _text(value)
    return "(blank)" if text is None else repr(text)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
