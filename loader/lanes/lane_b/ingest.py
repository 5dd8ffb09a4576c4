"""Lane B ingests: the partner master (updatable) and partner meetings (write-once).

Partners: a row matches a stored partner (see partner_matching.py); a match
updates only the cells the file fills, no match adds a partner with a new id.

Meetings: the partner is found by fractional_cfo_id, else partner_email, else
linkedin_url. partner_appointment_uid = fractional_cfo_id|meeting_date|seq.
A file is read as the list of its partners' meetings on the days it names (the
weekly full re-export): per partner and day, a row identical to a stored meeting
as it stands (same type, outcome and notes, its latest revision applied) is a
duplicate; the other rows, in file order, revise the stored meetings of that day
no row matched, in seq order (a revision row in
partners.partner_appointment_revisions; the meeting row is never updated); rows
left over are new meetings with the next seq.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import psycopg

from loader.ingest.flow import (
    IngestOptions,
    IngestReport,
    IngestSpec,
    Plan,
    RowError,
    Written,
    copy_frame,
    copy_query,
    keep_every_row,
    no_cross_column_rules,
    run_ingest,
)
from loader.ingest.mapped_source import mapped_source
from loader.ingest.mapping import CrmMapping
from loader.lanes.lane_b.columns import MEETING_COLUMNS, PARTNER_COLUMNS
from loader.lanes.lane_b.linkedin import linkedin_source
from loader.lanes.lane_b.partner_matching import MASTER, match_partners
from loader.lanes.lane_b.switch import PAUSES
from loader.outreach.kill_switch import unsubscribe_sql
from loader.sheets.cells import Parsed, add_row_error
from loader.sheets.workbook import ROW

MEETINGS = "partners.partner_appointments"
REVISIONS = "partners.partner_appointment_revisions"
_PARTNER_STAGE = "stage_partner_master"
_MEETING_STAGE = "stage_partner_appointments"
_FIELDS = [c.name for c in PARTNER_COLUMNS if c.name != "fractional_cfo_id"]
_TEXT_FIELDS = [f for f in _FIELDS if f != "status"]


def ingest_partners(
    conn: psycopg.Connection,
    path: Path,
    options: IngestOptions,
    mapping: CrmMapping | None = None,
) -> IngestReport:
    """Load the partner master (`loader ingest lane-b partners FILE [--from MAPPING]`)."""
    return run_ingest(conn, _mapped(PARTNERS_SPEC, mapping), path, options)


def ingest_meetings(
    conn: psycopg.Connection,
    path: Path,
    options: IngestOptions,
    mapping: CrmMapping | None = None,
) -> IngestReport:
    """Load partner meetings (`loader ingest lane-b appointments FILE [--from MAPPING]`)."""
    return run_ingest(conn, _mapped(MEETINGS_SPEC, mapping), path, options)


def ingest_linkedin(
    conn: psycopg.Connection,
    path: Path,
    options: IngestOptions,
    keywords: list[str] | None = None,
) -> IngestReport:
    """LinkedIn's Connections.csv -> partner candidates (`--from linkedin`, linkedin.py)."""
    columns = [c.name for c in PARTNER_COLUMNS]
    spec = dataclasses.replace(PARTNERS_SPEC, source=linkedin_source(keywords, columns))
    return run_ingest(conn, spec, path, options)


def _mapped(spec: IngestSpec, mapping: CrmMapping | None) -> IngestSpec:
    """The spec reading another program's export through a mapping (crm_mapping.py)."""
    if mapping is None:
        return spec
    return dataclasses.replace(spec, source=mapped_source(mapping, spec.columns))


# ---- the partner master ----

# A matched partner changes when a filled cell differs from what is stored.
_MERGED = ", ".join(
    [f"coalesce(s.{f}, m.{f})" for f in _TEXT_FIELDS]
    + ["coalesce(s.status::partners.partner_status_enum, m.status)"]
)
_STORED = ", ".join(f"m.{f}" for f in _FIELDS)
_CHANGED = (
    "s.is_new = false and m.fractional_cfo_id = s.match_id"
    f" and ({_MERGED}) is distinct from ({_STORED})"
)


def _compare_partners(conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    conn.execute(f"create unique index on {_PARTNER_STAGE} ({ROW})")
    decisions, errors = match_partners(conn, _PARTNER_STAGE, rows)
    # One COPY and one UPDATE, not an UPDATE per row (100k partners: 3 s).
    conn.execute(
        f"create temp table {_PARTNER_STAGE}_decisions ({ROW} bigint, match_id uuid,"
        " is_new boolean) on commit drop"
    )
    decided = pl.DataFrame(
        {
            ROW: list(decisions),
            "match_id": [str(match_id) for match_id, _ in decisions.values()],
            "is_new": [is_new for _, is_new in decisions.values()],
        },
        schema={ROW: pl.Int64, "match_id": pl.String, "is_new": pl.Boolean},
    )
    copy_frame(conn, f"{_PARTNER_STAGE}_decisions", decided)
    conn.execute(
        f"update {_PARTNER_STAGE} as s set match_id = d.match_id, is_new = d.is_new"
        f" from {_PARTNER_STAGE}_decisions as d where d.{ROW} = s.{ROW}"
    )
    (changed,) = conn.execute(
        f"select count(*) from {_PARTNER_STAGE} as s join {MASTER} as m on {_CHANGED}"
    ).fetchone()
    matched = sum(1 for _, is_new in decisions.values() if not is_new)
    firm_by_row = dict(rows.select(ROW, "firm_name").iter_rows())
    new_partners = [
        {"row": row, "fractional_cfo_id": str(match_id), "firm_name": firm_by_row[row]}
        for row, (match_id, is_new) in sorted(decisions.items())
        if is_new
    ]
    return Plan(
        inserted=len(new_partners),
        updated=changed,
        duplicates=matched - changed,
        errors=errors,
        state=new_partners,
    )


def _write_partners(conn: psycopg.Connection, plan: Plan) -> Written:
    assignments = ",\n".join(
        [f"{f} = coalesce(s.{f}, m.{f})" for f in _TEXT_FIELDS]
        + ["status = coalesce(s.status::partners.partner_status_enum, m.status)"]
    )
    updated = conn.execute(
        f"update {MASTER} as m set {assignments} from {_PARTNER_STAGE} as s where {_CHANGED}"
    ).rowcount
    inserted = conn.execute(
        f"""
        insert into {MASTER} (fractional_cfo_id, {", ".join(_FIELDS)})
        select s.match_id, {", ".join(f"s.{f}" for f in _TEXT_FIELDS)},
               coalesce(s.status, 'prospect')::partners.partner_status_enum
        from {_PARTNER_STAGE} as s where s.is_new order by s.{ROW}
        """
    ).rowcount
    new_partners = plan.state
    paused = pause_suppressed_partners(conn)
    notes = [
        f"new partner {new['fractional_cfo_id']} (row {new['row']}: {new['firm_name']})"
        for new in new_partners
    ]
    if paused:
        notes.append(f"{paused} partner(s) had unsubscribed before they were loaded: paused")
    details: dict[str, object] = {"unsubscribed_before_loaded": paused}
    if new_partners:
        details["new_partner_ids"] = new_partners
    return Written(inserted, updated, details=details, notes=notes)


def pause_suppressed_partners(conn: psycopg.Connection) -> int:
    """Pause every partner whose email or LinkedIn URL unsubscribed before they were
    loaded (partners.partner_suppressions), once: a partner already paused for an
    unsubscribe is left as is."""
    if conn.execute("select not exists (select 1 from partners.partner_suppressions)").fetchone()[
        0
    ]:
        return 0
    # Two equi-joins, not one join on "email or LinkedIn": each hashes the suppressions.
    cursor = conn.execute(
        f"""
        with matched as (
            select master.fractional_cfo_id, kept.tool, kept.unsubscribed_at
            from partners.partner_suppressions as kept
            inner join {MASTER} as master on master.email = kept.email
            union all
            select master.fractional_cfo_id, kept.tool, kept.unsubscribed_at
            from partners.partner_suppressions as kept
            inner join {MASTER} as master
                on lower(master.linkedin_url) = lower(kept.linkedin_url)
        )
        """
        + unsubscribe_sql(
            PAUSES,
            "select fractional_cfo_id, tool, unsubscribed_at as at from matched",
            "before they were loaded",
            once=True,
        )
    )
    return cursor.rowcount


PARTNERS_SPEC = IngestSpec(
    lane="lane_b",
    target=MASTER,
    columns=PARTNER_COLUMNS,
    stage_table=_PARTNER_STAGE,
    stage_columns=[
        ("fractional_cfo_id", "uuid"),
        *[(f, "text") for f in _FIELDS],
        ("match_id", "uuid"),
        ("is_new", "boolean"),
    ],
    check_rows=no_cross_column_rules,
    prepare=keep_every_row,
    compare=_compare_partners,
    write=_write_partners,
)


# ---- partner meetings ----


def _check_meeting_rules(parsed: Parsed) -> None:
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


_RESOLVED = "stage_partner_appointments_partner"
_DAY = ["partner", "day"]
_CONTENT = ["meeting_type", "outcome", "notes"]


def _compare_meetings(conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    """Per partner and day: duplicates, revisions of the stored meetings no row matched
    (in seq order), and new meetings numbered after the stored ones (see the module doc)."""
    _resolve_partners(conn)
    partners = copy_query(
        conn,
        f"select {ROW}, partner::text from {_RESOLVED}",
        {ROW: pl.Int64, "partner": pl.String},
    )
    stored = _stored_meetings(conn)
    found = rows.join(partners, on=ROW, how="left")
    errors = [
        _unknown_partner(row)
        for row in found.filter(pl.col("partner").is_null()).sort(ROW).iter_rows(named=True)
    ]
    candidates = (
        found.filter(pl.col("partner").is_not_null())
        .with_columns(pl.col("meeting_date").dt.strftime("%Y-%m-%d").alias("day"))
        .sort(ROW)
    )
    # The first row of each kind; a repeat in the file is a duplicate.
    firsts = candidates.filter(pl.int_range(pl.len()).over([*_DAY, *_CONTENT]) == 0)
    current = stored.select(*_DAY, *_CONTENT)
    unmatched = firsts.join(
        current, on=[*_DAY, *_CONTENT], how="anti", nulls_equal=True, maintain_order="left"
    ).with_columns(pl.int_range(pl.len()).over(_DAY).alias("__place"))
    free = (
        stored.join(
            firsts.select(*_DAY, *_CONTENT), on=[*_DAY, *_CONTENT], how="anti", nulls_equal=True
        )
        .sort("seq")
        .with_columns(pl.int_range(pl.len()).over(_DAY).alias("__place"))
        .select(*_DAY, "__place", pl.col("seq").alias("revised_seq"))
    )
    paired = unmatched.join(free, on=[*_DAY, "__place"], how="left", maintain_order="left")
    revisions = paired.filter(pl.col("revised_seq").is_not_null()).select(
        _uid(pl.col("revised_seq")), *_CONTENT
    )
    stored_seq = stored.group_by(_DAY).agg(pl.col("seq").max().alias("stored_seq"))
    new = (
        paired.filter(pl.col("revised_seq").is_null())
        .join(stored_seq, on=_DAY, how="left", maintain_order="left")
        .with_columns(
            (pl.col("stored_seq").fill_null(0) + pl.int_range(1, pl.len() + 1).over(_DAY)).alias(
                "seq"
            )
        )
        .select(
            _uid(pl.col("seq")),
            pl.col("partner").alias("fractional_cfo_id"),
            "meeting_date",
            *_CONTENT,
        )
    )
    return Plan(
        inserted=new.height,
        revised=revisions.height,
        duplicates=candidates.height - new.height - revisions.height,
        errors=errors,
        state=(new, revisions),
    )


def _uid(seq: pl.Expr) -> pl.Expr:
    return pl.concat_str("partner", "day", seq.cast(pl.String), separator="|").alias(
        "partner_appointment_uid"
    )


def _resolve_partners(conn: psycopg.Connection) -> None:
    """Each staged row's partner: by id, else by email, else by LinkedIn URL (null: none)."""
    conn.execute(
        f"""
        create temp table {_RESOLVED} on commit drop as
        select s.{ROW}, s.meeting_date, coalesce(
            by_id.fractional_cfo_id,
            by_email.fractional_cfo_id,
            by_linkedin.fractional_cfo_id
        ) as partner
        from {_MEETING_STAGE} as s
        -- Each key is unique in the master: a row finds at most one partner by each.
        left join {MASTER} as by_id on by_id.fractional_cfo_id = s.fractional_cfo_id
        left join {MASTER} as by_email
            on s.fractional_cfo_id is null and by_email.email = s.partner_email
        left join {MASTER} as by_linkedin
            on s.fractional_cfo_id is null
            and lower(by_linkedin.linkedin_url) = lower(s.linkedin_url)
        """
    )


def _write_meetings(conn: psycopg.Connection, plan: Plan) -> Written:
    new, revisions = plan.state
    # Straight into the table, in key order (the primary key grows in runs, not at random).
    new = new.sort("partner_appointment_uid")
    if new.height:
        copy_frame(conn, MEETINGS, new, plan.progress)
    if revisions.height:
        conn.execute(
            f"""
            insert into {REVISIONS} (partner_appointment_uid, meeting_type, outcome, notes,
                correlation_id)
            select uid, meeting_type::partners.partner_meeting_type_enum,
                   outcome::partners.partner_meeting_outcome_enum, notes,
                   current_setting('lanes.correlation_id')::uuid
            from unnest(%s::text[], %s::text[], %s::text[], %s::text[])
                as revised (uid, meeting_type, outcome, notes)
            order by uid
            """,
            [revisions.get_column(c).to_list() for c in ("partner_appointment_uid", *_CONTENT)],
        )
    return Written(new.height, revised=revisions.height)


def _stored_meetings(conn: psycopg.Connection) -> pl.DataFrame:
    """The stored meetings of the partners and days the file mentions, with their seq,
    as they stand: the latest revision's type, outcome and notes, if any."""
    return copy_query(
        conn,
        f"""
        select a.fractional_cfo_id::text, to_char(a.meeting_date, 'YYYY-MM-DD'),
               split_part(a.partner_appointment_uid, '|', 3)::int,
               coalesce(r.meeting_type, a.meeting_type)::text,
               coalesce(r.outcome, a.outcome)::text,
               case when r.partner_appointment_uid is null then a.notes else r.notes end
        from {MEETINGS} a
        left join lateral (
            select partner_appointment_uid, meeting_type, outcome, notes
            from {REVISIONS} as rev
            where rev.partner_appointment_uid = a.partner_appointment_uid
            order by rev.revised_at desc, rev.revision_id desc
            limit 1
        ) as r on true
        where (a.fractional_cfo_id, a.meeting_date) in (
            select partner, meeting_date from {_RESOLVED} where partner is not null
        )
        """,
        {
            "partner": pl.String,
            "day": pl.String,
            "seq": pl.Int64,
            "meeting_type": pl.String,
            "outcome": pl.String,
            "notes": pl.String,
        },
    )


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


MEETINGS_SPEC = IngestSpec(
    lane="lane_b",
    target=MEETINGS,
    columns=MEETING_COLUMNS,
    stage_table=_MEETING_STAGE,
    stage_columns=[
        ("fractional_cfo_id", "uuid"),
        ("partner_email", "text"),
        ("linkedin_url", "text"),
        ("meeting_date", "date"),
        ("meeting_type", "text"),
        ("outcome", "text"),
        ("notes", "text"),
    ],
    check_rows=_check_meeting_rules,
    prepare=keep_every_row,
    compare=_compare_meetings,
    write=_write_meetings,
)
