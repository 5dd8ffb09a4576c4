"""Lane B ingests: the partner master (updatable) and partner meetings (write-once).

Partners: a row matches a stored partner (see partner_matching.py); a match
updates only the cells the file fills, no match adds a partner with a new id.

Meetings: the partner is found by fractional_cfo_id, else partner_email, else
linkedin_url. partner_appointment_uid = fractional_cfo_id|meeting_date|seq: a
row identical to a stored meeting (same partner, day, type, outcome and notes)
is a duplicate; a different meeting with the same partner that day gets the
next seq.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import psycopg

from loader.cells import Parsed, add_row_error
from loader.ingest_run import (
    IngestOptions,
    IngestReport,
    IngestSpec,
    Plan,
    RowError,
    Written,
    copy_frame,
    keep_every_row,
    no_cross_column_rules,
    run_ingest,
)
from loader.lane_b.columns import MEETING_COLUMNS, PARTNER_COLUMNS
from loader.lane_b.partner_matching import MASTER, match_partners
from loader.workbook import ROW

MEETINGS = "partners.partner_appointments"
_PARTNER_STAGE = "stage_partner_master"
_MEETING_STAGE = "stage_partner_appointments"
_FIELDS = [c.name for c in PARTNER_COLUMNS if c.name != "fractional_cfo_id"]
_TEXT_FIELDS = [f for f in _FIELDS if f != "status"]


def ingest_partners(conn: psycopg.Connection, path: Path, options: IngestOptions) -> IngestReport:
    """Load the partner master (`loader ingest lane-b partners FILE`)."""
    return run_ingest(conn, PARTNERS_SPEC, path, options)


def ingest_meetings(conn: psycopg.Connection, path: Path, options: IngestOptions) -> IngestReport:
    """Load partner meetings (`loader ingest lane-b appointments FILE`)."""
    return run_ingest(conn, MEETINGS_SPEC, path, options)


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
    with conn.cursor() as cur:
        cur.executemany(
            f"update {_PARTNER_STAGE} set match_id = %s, is_new = %s where {ROW} = %s",
            [(match_id, is_new, row) for row, (match_id, is_new) in decisions.items()],
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
    notes = [
        f"new partner {new['fractional_cfo_id']} (row {new['row']}: {new['firm_name']})"
        for new in new_partners
    ]
    return Written(
        inserted, updated, {"new_partner_ids": new_partners} if new_partners else {}, notes
    )


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


def _compare_meetings(conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    partner_of = dict(
        conn.execute(
            f"""
            select s.{ROW}, coalesce(
                (select m.fractional_cfo_id from {MASTER} m
                 where m.fractional_cfo_id = s.fractional_cfo_id),
                case when s.fractional_cfo_id is null then
                    coalesce(
                        (select m.fractional_cfo_id from {MASTER} m
                         where m.email = s.partner_email),
                        (select m.fractional_cfo_id from {MASTER} m
                         where lower(m.linkedin_url) = lower(s.linkedin_url)))
                end)
            from {_MEETING_STAGE} s order by s.{ROW}
            """
        ).fetchall()
    )
    stored = _stored_meetings(conn)
    plan = Plan(state=[])
    next_seq: dict[tuple, int] = {}
    seen: dict[tuple, set] = {}
    for row in rows.iter_rows(named=True):
        partner = partner_of.get(row[ROW])
        if partner is None:
            plan.errors.append(_unknown_partner(row))
            continue
        key = (str(partner), row["meeting_date"])
        content = (row["meeting_type"], row["outcome"], row["notes"])
        known = seen.setdefault(key, set(stored.get(key, {}).values()))
        if content in known:
            plan.duplicates += 1
            continue
        seq = next_seq.get(key, max(stored.get(key, {}), default=0)) + 1
        next_seq[key] = seq
        known.add(content)
        plan.state.append(
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
    plan.inserted = len(plan.state)
    return plan


def _write_meetings(conn: psycopg.Connection, plan: Plan) -> Written:
    if not plan.state:
        return Written(0)
    conn.execute(
        f"""
        create temp table {_MEETING_STAGE}_new (
            {ROW} bigint, partner_appointment_uid text, fractional_cfo_id uuid,
            meeting_date date, meeting_type text, outcome text, notes text
        ) on commit drop
        """
    )
    copy_frame(conn, f"{_MEETING_STAGE}_new", pl.DataFrame(plan.state))
    inserted = conn.execute(
        f"""
        insert into {MEETINGS} (partner_appointment_uid, fractional_cfo_id, meeting_date,
            meeting_type, outcome, notes)
        select partner_appointment_uid, fractional_cfo_id, meeting_date,
               meeting_type::partners.partner_meeting_type_enum,
               outcome::partners.partner_meeting_outcome_enum, notes
        from {_MEETING_STAGE}_new order by {ROW}
        """
    ).rowcount
    return Written(inserted)


def _stored_meetings(conn: psycopg.Connection) -> dict[tuple, dict[int, tuple]]:
    """(partner, day) -> {seq: (type, outcome, notes)} for the days the file mentions."""
    stored: dict[tuple, dict[int, tuple]] = {}
    for partner, day, seq, meeting_type, outcome, notes in conn.execute(
        f"""
        select a.fractional_cfo_id::text, a.meeting_date,
               split_part(a.partner_appointment_uid, '|', 3)::int,
               a.meeting_type::text, a.outcome::text, a.notes
        from {MEETINGS} a
        where a.meeting_date in (select distinct meeting_date from {_MEETING_STAGE})
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
