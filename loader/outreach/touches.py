"""Outreach events (touches) for either lane: a tool's activity file, one typed by a
person, and the rows an export marks touched.

The mechanics live here once; each lane states only its tables, keys and words in
a `TouchSpec` (loader/lanes/lane_a/touches.py, loader/lanes/lane_b/touches.py). An event's
natural key is (subject, channel, event, touched_at), the subject being the lane's
meeting (Lane A) or partner (Lane B): importing the same file again inserts
nothing. An `unsubscribed` event stops outreach to whoever it names in the same
transaction (the lane's kill switch, loader/outreach/kill_switch.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import polars as pl
import psycopg

from loader.ingest.flow import (
    IngestOptions,
    IngestReport,
    IngestSpec,
    Plan,
    Prepared,
    RowError,
    Written,
    run_ingest,
)
from loader.lanes.spec import TouchSpec
from loader.outreach.activity import TypedTouch, activity_source, check_tool
from loader.outreach.kill_switch import unsubscribe_sql
from loader.outreach.tools import LEAD_STATE_NOTE
from loader.platform.audit import AuditContext
from loader.platform.database import relation_exists
from loader.sheets.cells import Parsed, add_row_error
from loader.sheets.workbook import ROW


def ingest_touches(
    conn: psycopg.Connection,
    spec: TouchSpec,
    path: Path,
    options: IngestOptions,
    tool: str = "generic",
) -> IngestReport:
    """Load outreach activity (`loader ingest lane-x touches FILE [--tool T]`)."""
    return run_ingest(conn, touches_ingest_spec(spec, tool), path, options)


def _stage_table(spec: TouchSpec) -> str:
    return f"stage_{spec.table.split('.')[-1]}"


def touches_ingest_spec(spec: TouchSpec, tool: str = "generic") -> IngestSpec:
    tool = check_tool(tool)
    stage = _stage_table(spec)
    references = [name for name, _ in spec.references]
    return IngestSpec(
        lane=spec.lane.key,
        target=spec.table,
        columns=spec.columns,
        stage_table=stage,
        stage_columns=[
            *spec.references,
            ("channel", "text not null"),
            ("touched_at", "timestamptz not null"),
            ("event", "text not null"),
            ("message_variant_id", "text"),
            ("note", "text"),
            ("score_at_touch", "numeric"),
            (spec.at_touch_column, "text"),
            ("subject", spec.subject_type),
        ],
        check_rows=lambda parsed: _check_rows(spec, parsed),
        prepare=lambda rows: _drop_repeats(references, rows),
        compare=lambda conn, rows: _compare(spec, conn, rows),
        write=lambda conn, plan: _write(spec, conn, plan, stage, tool),
        source=activity_source(tool, _tool_fields(spec), [c.name for c in spec.columns]),
        tool=tool,
    )


def _tool_fields(spec: TouchSpec) -> dict[str, str]:
    """What the lane reads from a tool's activity: its ids, and the fields both lanes
    name alike (email, LinkedIn URL, message variant) where the lane has the column."""
    columns = {c.name for c in spec.columns}
    alike = {f: f for f in ("email", "linkedin_url", "message_variant_id") if f in columns}
    return {**alike, **spec.tool_fields}


def _write(spec: TouchSpec, conn: psycopg.Connection, plan: Plan, stage: str, tool: str) -> Written:
    inserted, stopped = write_touches(conn, spec, stage, tool)
    notes = [spec.opt_out_note.format(n=stopped)] if stopped else []
    details: dict[str, object] = {spec.opt_out_detail: stopped}
    kept = _write_suppressions(conn, spec, tool)
    details["unsubscribes_kept_for_unknown_addresses"] = kept
    if kept:
        notes.append(
            f"{kept} unsubscribe(s) from addresses no stored meeting has yet: kept; "
            "each stops that person as soon as a meeting of theirs is loaded"
        )
    inserted += kept
    return Written(inserted, details=details, notes=notes)


def _check_rows(spec: TouchSpec, parsed: Parsed) -> None:
    first = spec.references[0][0]
    add_row_error(
        parsed,
        first,
        pl.all_horizontal(
            pl.col(name).is_null() & pl.col(f"err:{name}").is_null() for name, _ in spec.references
        ),
        spec.which_message,
    )


def _drop_repeats(references: list[str], rows: pl.DataFrame) -> Prepared:
    """The same event twice in one file (same subject, channel, event and time) is one event."""
    kept = rows.unique(
        subset=[*references, "channel", "event", "touched_at"], keep="first", maintain_order=True
    )
    return Prepared(kept, duplicates=rows.height - kept.height)


def _compare(spec: TouchSpec, conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    stage = _stage_table(spec)
    _key_from_score_row(conn, spec, stage)
    conn.execute(spec.resolve_sql.format(stage=stage))
    names = [name for name, _ in spec.references]
    # An opt-out is honoured whoever it names: one naming an address no stored
    # meeting has is kept apart and written as a suppression.
    unknown = _unknown_table(spec)
    conn.execute(
        f"create temp table {unknown} on commit drop as"
        f" select * from {stage} where subject is null and event = 'unsubscribed'"
        " and (email is not null or linkedin_url is not null)"
    )
    conn.execute(f"delete from {stage} as s using {unknown} as u where s.{ROW} = u.{ROW}")
    same = _SAME_SUPPRESSION.format(spec.suppressions)
    (kept_before,) = conn.execute(f"select count(*) from {unknown} as u where {same}").fetchone()
    unresolved = conn.execute(
        f"select {ROW}, {', '.join(f'{n}::text' for n in names)} from {stage}"
        f" where subject is null order by {ROW}"
    ).fetchall()
    # A row naming someone only by an address we never stored is another campaign's (a
    # tool's export holds every lead it has): skipped and counted. One naming our own
    # key or score row id that is not stored is a mistake: refused.
    by_address = [r for r in unresolved if _first_named(names, r) in ADDRESS_FIELDS]
    errors = [_unknown(spec, names, r) for r in unresolved if r not in by_address]
    warnings = []
    if by_address:
        warnings.append(
            f"skipped {len(by_address):,} row(s) about people {spec.lane.words} never stored "
            f"(another campaign's leads, e.g. {_first_value(names, by_address[0])!r}): "
            "nothing to record for them"
        )
    if unresolved:
        conn.execute(f"delete from {stage} where subject is null")
    # Joins and a window, never a correlated EXISTS per row: an OR of EXISTS is planned
    # row by row, quadratic in the file (20k rows took 29 s of 32).
    key = spec.subject_column
    (stored,) = conn.execute(
        f"""
        select count(*) from (
            select s.{ROW} from {stage} as s
            inner join {spec.table} as t
                on (t.{key}, t.channel::text, t.event, t.touched_at)
                = (s.subject, s.channel, s.event, s.touched_at)
            union
            select s.{ROW} from {stage} as s
            inner join {spec.table} as t
                on (t.{key}, t.channel::text, t.event) = (s.subject, s.channel, s.event)
            where s.note is not distinct from %(lead_state)s
            union
            select repeated.{ROW} from (
                select {ROW}, row_number() over (
                    partition by subject, channel, event, touched_at order by {ROW}
                ) as nth
                from {stage}
            ) as repeated
            where repeated.nth > 1
        ) as duplicates
        """,
        {"lead_state": LEAD_STATE_NOTE},
    ).fetchone()
    # A kept opt-out is inserted (as a suppression) unless the same one was kept before.
    duplicates = stored + kept_before
    return Plan(
        inserted=rows.height - len(unresolved) - duplicates,
        duplicates=duplicates,
        errors=errors,
        warnings=warnings,
    )


def _key_from_score_row(conn: psycopg.Connection, spec: TouchSpec, stage: str) -> None:
    """A row naming its score row (a tool gave back our bit id) but not our key gets the
    key from the intent table dbt built: the id is dbt's, never recomputed here."""
    intent, id_column, key_column = spec.lane.intent, spec.score_id_column, spec.subject_column
    if not relation_exists(conn, intent):
        return  # never built: no score row id can have been handed out
    conn.execute(
        f"update {stage} as s set {key_column} = i.{key_column} from {intent} as i"
        f" where s.{key_column} is null and s.{id_column} = i.{id_column}"
    )


def _unknown_table(spec: TouchSpec) -> str:
    return f"{_stage_table(spec)}_unknown_opt_outs"


# The same suppression: same address (either may be missing) and moment. {} is the table.
_SAME_SUPPRESSION = """exists (
    select 1 from {} as kept
    where kept.email is not distinct from u.email
      and lower(kept.linkedin_url) is not distinct from lower(u.linkedin_url)
      and kept.unsubscribed_at = u.touched_at)"""


def _write_suppressions(conn: psycopg.Connection, spec: TouchSpec, tool: str) -> int:
    cursor = conn.execute(
        f"""
        insert into {spec.suppressions} (email, linkedin_url, tool, unsubscribed_at, actor)
        select u.email, u.linkedin_url, %(tool)s, u.touched_at, current_setting('lanes.actor')
        from {_unknown_table(spec)} as u
        where not {_SAME_SUPPRESSION.format(spec.suppressions)}
        order by u.{ROW}
        """,
        {"tool": tool},
    )
    return cursor.rowcount


ADDRESS_FIELDS = ("email", "linkedin_url")


def _first_named(names: list[str], record: tuple) -> str:
    """The reference a row names first (its key, score row id, email or LinkedIn URL)."""
    return next(c for c, v in zip(names, record[1:], strict=True) if v)


def _first_value(names: list[str], record: tuple) -> str:
    return next(v for v in record[1:] if v)


def _unknown(spec: TouchSpec, names: list[str], record: tuple) -> RowError:
    row, *values = record
    column, value = next((c, v) for c, v in zip(names, values, strict=True) if v)
    return RowError(row, column, value, spec.unknown_message(column))


def write_touches(
    conn: psycopg.Connection, spec: TouchSpec, stage: str, tool: str
) -> tuple[int, int]:
    """Insert the staged events (column `subject`) that are new, and stop whoever unsubscribed.

    Returns (events inserted, opt-outs recorded).
    """
    key = spec.subject_column
    inserted, stopped = conn.execute(
        f"""
        with new_events as (
            select distinct on (s.subject, s.channel, s.event, s.touched_at)
                s.subject, s.channel, s.touched_at, s.event, s.message_variant_id,
                s.note, s.score_at_touch, s.{spec.at_touch_column} as at_touch, s.{ROW}
            from {stage} as s
            where not exists (
                select 1 from {spec.table} as t
                where (t.{key}, t.channel::text, t.event, t.touched_at)
                    = (s.subject, s.channel, s.event, s.touched_at))
            -- A lead export's state (replied, ...) is recorded once per lead and event.
            and not (s.note is not distinct from %(lead_state)s and exists (
                select 1 from {spec.table} as t
                where (t.{key}, t.channel::text, t.event)
                    = (s.subject, s.channel, s.event)))
            order by s.subject, s.channel, s.event, s.touched_at, s.{ROW}
        ),

        inserted as (
            insert into {spec.table} ({key}, channel, touched_at, actor, note, event,
                message_variant_id, score_at_touch, {spec.at_touch_column}, tool)
            select subject, channel::{spec.channel_type}, touched_at,
                   current_setting('lanes.actor'), note, event, message_variant_id,
                   score_at_touch, at_touch, %(tool)s
            from new_events
            order by {ROW}
            returning {key}, event, touched_at
        ),

        opted_out as ({unsubscribe_sql(spec.switch, spec.opt_out_whom)})

        select (select count(*) from inserted), (select count(*) from opted_out)
        """,
        {"tool": tool, "lead_state": LEAD_STATE_NOTE},
    ).fetchone()
    return inserted, stopped


def record_touch(
    conn: psycopg.Connection,
    spec: TouchSpec,
    find_subject: Callable[[psycopg.Connection], tuple[str, str]],
    channel: str,
    at: str | None = None,
    event: str = "sent",
    actor: str | None = None,
    note: str | None = None,
) -> tuple[bool, str]:
    """One touch typed by a person (`loader touch lane-x …`): (added?, who it was for).

    `find_subject` returns the stored subject's key and how to name it to the user,
    or raises a UsageError saying what is wrong. False: that event was stored already.
    """
    touch = TypedTouch.of(channel, at, event, note)
    context = AuditContext.of(actor)
    with conn.transaction():
        context.apply(conn)
        subject, label = find_subject(conn)
        stage = touch.stage(conn, "subject", spec.subject_type, subject, spec.at_touch_column)
        inserted, _ = write_touches(conn, spec, stage, "person")
    return inserted == 1, label


def record_exported_touches(
    conn: psycopg.Connection, spec: TouchSpec, exported: Sequence[Mapping], actor: str
) -> int:
    """Each exported row as a `planned` touch, with the score, variant, `at_touch` value and
    reason codes it left with (what the outcomes measure) and the export's run id. The
    tool's `sent` for the same prospect and channel confirms it later (dbt pairs them, so
    one send counts once); never confirmed, it still counts as a touch. `exported` rows
    have subject, channel, variant, score, at_touch and reasons (a list of codes). Call
    inside the export's transaction, its audit context applied."""
    cursor = conn.execute(
        f"""
        insert into {spec.table} ({spec.subject_column}, channel, actor, note, event,
            message_variant_id, score_at_touch, {spec.at_touch_column},
            {spec.reasons_at_touch_column}, tool, export_run)
        select subject, channel::{spec.channel_type}, %s, 'exported from the ready queue',
               'planned', variant, score, at_touch, string_to_array(reasons, chr(31)), 'export',
               current_setting('lanes.correlation_id')::uuid
        from unnest(%s::{spec.subject_type}[], %s::text[], %s::text[], %s::numeric[], %s::text[],
                    %s::text[])
            as exported (subject, channel, variant, score, at_touch, reasons)
        """,
        (
            actor,
            [row["subject"] for row in exported],
            [row["channel"] for row in exported],
            [row["variant"] for row in exported],
            [row["score"] for row in exported],
            [row["at_touch"] for row in exported],
            # One text per row (a ragged text[][] cannot cross), the codes joined by the
            # ASCII unit separator: a code edited into a seed may hold a space or a comma.
            [None if row["reasons"] is None else "\x1f".join(row["reasons"]) for row in exported],
        ),
    )
    return cursor.rowcount
