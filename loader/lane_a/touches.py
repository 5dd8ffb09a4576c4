"""Lane A outreach activity into sales.reactivation_touches (write-once).

A row names its meeting by appointment_uid (every export carries it; a tool
gives it back as lanes_key) or by reactivation_bit_id. The natural key is
(appointment_uid, channel, event, touched_at): importing the same file again
inserts nothing. An `unsubscribed` event also excludes the person (else the
company) in the kill switch, in the same transaction.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import psycopg

from loader.activity_import import ACTIVITY_COLUMNS, TypedTouch, activity_source, check_tool
from loader.audit import AuditContext
from loader.cells import Column, Parsed, add_row_error
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
from loader.workbook import ROW

TARGET = "sales.reactivation_touches"
_STAGE = "stage_reactivation_touches"
KEY = ["appointment_uid", "channel", "event", "touched_at"]

TOUCH_COLUMNS = [
    Column("appointment_uid", "text", "The meeting, as in every export (appointment_uid).",
           "", note="or reactivation_bit_id"),
    Column("reactivation_bit_id", "uuid", "Score row id, if appointment_uid is not at hand.",
           ""),
    *ACTIVITY_COLUMNS,
]  # fmt: skip

# The activity fields (see loader/outreach_tools.py) this lane reads from a tool's export.
TOOL_FIELDS = {
    "key": "appointment_uid",
    "bit_id": "reactivation_bit_id",
    "message_variant_id": "message_variant_id",
}


def ingest_touches(
    conn: psycopg.Connection, path: Path, options: IngestOptions, tool: str = "generic"
) -> IngestReport:
    """Load outreach activity (`loader ingest lane-a touches FILE [--tool T]`)."""
    return run_ingest(conn, touches_spec(tool), path, options)


def touches_spec(tool: str = "generic") -> IngestSpec:
    tool = check_tool(tool)
    return IngestSpec(
        lane="lane_a",
        target=TARGET,
        columns=TOUCH_COLUMNS,
        stage_table=_STAGE,
        stage_columns=[
            ("appointment_uid", "text"),
            ("reactivation_bit_id", "uuid"),
            ("channel", "text not null"),
            ("touched_at", "timestamptz not null"),
            ("event", "text not null"),
            ("message_variant_id", "text"),
            ("note", "text"),
        ],
        check_rows=_check_rows,
        prepare=_drop_repeats,
        compare=_compare,
        write=lambda conn, plan: written(*write_touches(conn, _STAGE, tool)),
        source=activity_source(tool, TOOL_FIELDS, [c.name for c in TOUCH_COLUMNS]),
    )


def written(inserted: int, excluded: int) -> Written:
    notes = [f"{excluded} unsubscribed prospect(s) excluded from outreach"] if excluded else []
    return Written(inserted, details={"unsubscribed_excluded": excluded}, notes=notes)


def _check_rows(parsed: Parsed) -> None:
    add_row_error(
        parsed,
        "appointment_uid",
        pl.col("appointment_uid").is_null()
        & pl.col("reactivation_bit_id").is_null()
        & pl.col("err:reactivation_bit_id").is_null(),
        "which meeting? fill in appointment_uid (every export has it) or reactivation_bit_id.",
    )


def _drop_repeats(rows: pl.DataFrame) -> Prepared:
    """The same event twice in one file (same meeting, channel, event and time) is one event."""
    by_key = ["appointment_uid", "reactivation_bit_id", "channel", "event", "touched_at"]
    kept = rows.unique(subset=by_key, keep="first", maintain_order=True)
    return Prepared(kept, duplicates=rows.height - kept.height)


def _compare(conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    # A score row's id is md5('reactivation:' || appointment_uid) (see reactivation_intent).
    conn.execute(
        f"""
        update {_STAGE} as s set appointment_uid = h.appointment_uid
        from sales.appointment_history as h
        where s.appointment_uid is null
          and md5('reactivation:' || h.appointment_uid)::uuid = s.reactivation_bit_id
        """
    )
    errors = [
        _unknown(row, uid, bit_id)
        for row, uid, bit_id in conn.execute(
            f"""
            select s.{ROW}, s.appointment_uid, s.reactivation_bit_id::text from {_STAGE} as s
            where not exists (select 1 from sales.appointment_history as h
                              where h.appointment_uid = s.appointment_uid)
            order by s.{ROW}
            """
        )
    ]
    if errors:
        rejected = [e.row for e in errors]
        conn.execute(f"delete from {_STAGE} where {ROW} = any(%s)", (rejected,))
    (stored,) = conn.execute(
        f"""
        select count(*) from {_STAGE} as s
        where exists (select 1 from {TARGET} as t
                      where (t.appointment_uid, t.channel::text, t.event, t.touched_at)
                          = (s.appointment_uid, s.channel, s.event, s.touched_at))
           or exists (select 1 from {_STAGE} as earlier
                      where (earlier.appointment_uid, earlier.channel, earlier.event,
                             earlier.touched_at)
                          = (s.appointment_uid, s.channel, s.event, s.touched_at)
                        and earlier.{ROW} < s.{ROW})
        """
    ).fetchone()
    return Plan(inserted=rows.height - len(errors) - stored, duplicates=stored, errors=errors)


def _unknown(row: int, uid: str | None, bit_id: str | None) -> RowError:
    if uid is None:
        return RowError(
            row,
            "reactivation_bit_id",
            bit_id,
            "no stored meeting has this reactivation_bit_id; use the appointment_uid from the "
            "export instead.",
        )
    return RowError(
        row,
        "appointment_uid",
        uid,
        "no stored meeting has this appointment_uid; copy it from the export or "
        "bit.v_reactivation_ready (a tool gives it back as lanes_key).",
    )


def write_touches(conn: psycopg.Connection, stage: str, tool: str) -> tuple[int, int]:
    """Insert the staged events that are new, and exclude whoever unsubscribed.

    Returns (events inserted, kill-switch entries added). Unsubscribes add
    kill-switch entries "unsubscribed (tool, date)" for the person, else the company.
    """
    inserted, excluded = conn.execute(
        f"""
        with new_events as (
            select distinct on (s.appointment_uid, s.channel, s.event, s.touched_at)
                s.appointment_uid, s.channel, s.touched_at, s.event, s.message_variant_id,
                s.note, s.{ROW}
            from {stage} as s
            where not exists (
                select 1 from {TARGET} as t
                where (t.appointment_uid, t.channel::text, t.event, t.touched_at)
                    = (s.appointment_uid, s.channel, s.event, s.touched_at))
            order by s.appointment_uid, s.channel, s.event, s.touched_at, s.{ROW}
        ),

        inserted as (
            insert into {TARGET} (appointment_uid, channel, touched_at, actor, note, event,
                message_variant_id, tool)
            select appointment_uid, channel::"bit".reactivation_channel_enum, touched_at,
                   current_setting('lanes.actor'), note, event, message_variant_id, %(tool)s
            from new_events
            order by {ROW}
            returning appointment_uid, event, touched_at
        ),

        unsubscribed as (
            insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor)
            select distinct on (scope, scope_key) scope, scope_key, 'exclude',
                   format('unsubscribed (%%s, %%s)', %(tool)s,
                          to_char(touched_at at time zone 'UTC', 'YYYY-MM-DD')),
                   current_setting('lanes.actor')
            from (
                select case when h.people_id is not null then 'person' else 'company' end
                           as scope,
                       coalesce(h.people_id, h.company_id)::text as scope_key,
                       i.touched_at
                from inserted as i
                join sales.appointment_history as h using (appointment_uid)
                where i.event = 'unsubscribed'
            ) as opted_out
            order by scope, scope_key, touched_at desc
            returning 1
        )

        select (select count(*) from inserted), (select count(*) from unsubscribed)
        """,
        {"tool": tool},
    ).fetchone()
    return inserted, excluded


def record_touch(
    conn: psycopg.Connection,
    appointment_uid: str,
    channel: str,
    at: str | None = None,
    event: str = "sent",
    actor: str | None = None,
    note: str | None = None,
) -> bool:
    """One touch typed by a person (`loader touch lane-a UID`); False when already stored."""
    touch = TypedTouch.of(channel, at, event, note)
    context = AuditContext.of(actor)
    with conn.transaction():
        context.apply(conn)
        known = conn.execute(
            "select 1 from sales.appointment_history where appointment_uid = %s",
            (appointment_uid,),
        ).fetchone()
        if not known:
            raise UsageError(
                f"no stored meeting has appointment_uid {appointment_uid!r}; "
                "copy it from bit.v_reactivation_ready or an export."
            )
        stage = touch.stage(conn, "appointment_uid", "text", appointment_uid)
        inserted, _ = write_touches(conn, stage, "person")
    return inserted == 1
