"""Lane B outreach activity into partners.partner_touches (write-once).

A row names its partner by fractional_cfo_id (every export carries it; a tool
gives it back as lanes_key), partner_bit_id, email or linkedin_url — the same
matching as partner meetings. The natural key is (fractional_cfo_id, channel,
event, touched_at): importing the same file again inserts nothing. An
`unsubscribed` event also pauses the partner, in the same transaction.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import psycopg

from loader.activity_import import ACTIVITY_COLUMNS, TypedTouch, activity_source, check_tool
from loader.audit import AuditContext
from loader.cells import Column, Parsed, add_row_error
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
from loader.lane_b.switch import find_partner
from loader.workbook import ROW

TARGET = "partners.partner_touches"
MASTER = "partners.fractional_cfo_master"
_STAGE = "stage_partner_touches"
_REFERENCES = ("fractional_cfo_id", "partner_bit_id", "email", "linkedin_url")

TOUCH_COLUMNS = [
    Column("fractional_cfo_id", "uuid", "The partner, as in every export.", "",
           note="or partner_bit_id, email or linkedin_url"),
    Column("partner_bit_id", "uuid", "Score row id, if fractional_cfo_id is not at hand.", ""),
    Column("email", "email", "The partner's email, if no id is at hand.", ""),
    Column("linkedin_url", "linkedin", "The partner's LinkedIn URL, if no id or email.", ""),
    *ACTIVITY_COLUMNS,
]  # fmt: skip

# The activity fields (see loader/outreach_tools.py) this lane reads from a tool's export.
TOOL_FIELDS = {
    "key": "fractional_cfo_id",
    "bit_id": "partner_bit_id",
    "email": "email",
    "linkedin_url": "linkedin_url",
    "message_variant_id": "message_variant_id",
}


def ingest_touches(
    conn: psycopg.Connection, path: Path, options: IngestOptions, tool: str = "generic"
) -> IngestReport:
    """Load outreach activity (`loader ingest lane-b touches FILE [--tool T]`)."""
    return run_ingest(conn, touches_spec(tool), path, options)


def touches_spec(tool: str = "generic") -> IngestSpec:
    tool = check_tool(tool)
    return IngestSpec(
        lane="lane_b",
        target=TARGET,
        columns=TOUCH_COLUMNS,
        stage_table=_STAGE,
        stage_columns=[
            ("fractional_cfo_id", "uuid"),
            ("partner_bit_id", "uuid"),
            ("email", "text"),
            ("linkedin_url", "text"),
            ("channel", "text not null"),
            ("touched_at", "timestamptz not null"),
            ("event", "text not null"),
            ("message_variant_id", "text"),
            ("note", "text"),
            ("partner_id", "uuid"),
        ],
        check_rows=_check_rows,
        prepare=_drop_repeats,
        compare=_compare,
        write=lambda conn, plan: written(*write_touches(conn, _STAGE, tool)),
        source=activity_source(tool, TOOL_FIELDS, [c.name for c in TOUCH_COLUMNS]),
    )


def written(inserted: int, paused: int) -> Written:
    notes = [f"{paused} unsubscribed partner(s) paused"] if paused else []
    return Written(inserted, details={"unsubscribed_paused": paused}, notes=notes)


def _check_rows(parsed: Parsed) -> None:
    add_row_error(
        parsed,
        "fractional_cfo_id",
        pl.all_horizontal(pl.col(c).is_null() & pl.col(f"err:{c}").is_null() for c in _REFERENCES),
        "which partner? fill in fractional_cfo_id (every export has it), partner_bit_id, "
        "email or linkedin_url.",
    )


def _drop_repeats(rows: pl.DataFrame) -> Prepared:
    """The same event twice in one file (same partner, channel, event and time) is one event."""
    kept = rows.unique(
        subset=[*_REFERENCES, "channel", "event", "touched_at"], keep="first", maintain_order=True
    )
    return Prepared(kept, duplicates=rows.height - kept.height)


def _compare(conn: psycopg.Connection, rows: pl.DataFrame) -> Plan:
    # The first reference that names a stored partner wins, in the order of _REFERENCES;
    # a partner's score row id is md5('partner:' || fractional_cfo_id) (see partner_intent).
    conn.execute(
        f"""
        update {_STAGE} as s set partner_id = coalesce(
            (select m.fractional_cfo_id from {MASTER} as m
             where m.fractional_cfo_id = s.fractional_cfo_id),
            (select m.fractional_cfo_id from {MASTER} as m
             where md5('partner:' || m.fractional_cfo_id::text)::uuid = s.partner_bit_id),
            (select m.fractional_cfo_id from {MASTER} as m where m.email = s.email),
            (select m.fractional_cfo_id from {MASTER} as m
             where lower(m.linkedin_url) = lower(s.linkedin_url)))
        """
    )
    errors = [
        _unknown(record)
        for record in conn.execute(
            f"""
            select {ROW}, fractional_cfo_id::text, partner_bit_id::text, email, linkedin_url
            from {_STAGE} where partner_id is null order by {ROW}
            """
        )
    ]
    if errors:
        conn.execute(f"delete from {_STAGE} where partner_id is null")
    (stored,) = conn.execute(
        f"""
        select count(*) from {_STAGE} as s
        where exists (select 1 from {TARGET} as t
                      where (t.fractional_cfo_id, t.channel::text, t.event, t.touched_at)
                          = (s.partner_id, s.channel, s.event, s.touched_at))
           or exists (select 1 from {_STAGE} as earlier
                      where (earlier.partner_id, earlier.channel, earlier.event,
                             earlier.touched_at)
                          = (s.partner_id, s.channel, s.event, s.touched_at)
                        and earlier.{ROW} < s.{ROW})
        """
    ).fetchone()
    return Plan(inserted=rows.height - len(errors) - stored, duplicates=stored, errors=errors)


def _unknown(record: tuple) -> RowError:
    row, *references = record
    column, value = next((c, v) for c, v in zip(_REFERENCES, references, strict=True) if v)
    return RowError(
        row,
        column,
        value,
        f"no partner with this {column} is loaded; copy fractional_cfo_id from the export "
        "(a tool gives it back as lanes_key) or load the partner first.",
    )


def write_touches(conn: psycopg.Connection, stage: str, tool: str) -> tuple[int, int]:
    """Insert the staged events that are new, and pause whoever unsubscribed.

    Returns (events inserted, pauses added); the pause's reason is
    "unsubscribed (tool, date)".
    """
    inserted, paused = conn.execute(
        f"""
        with new_events as (
            select distinct on (s.partner_id, s.channel, s.event, s.touched_at)
                s.partner_id, s.channel, s.touched_at, s.event, s.message_variant_id,
                s.note, s.{ROW}
            from {stage} as s
            where not exists (
                select 1 from {TARGET} as t
                where (t.fractional_cfo_id, t.channel::text, t.event, t.touched_at)
                    = (s.partner_id, s.channel, s.event, s.touched_at))
            order by s.partner_id, s.channel, s.event, s.touched_at, s.{ROW}
        ),

        inserted as (
            insert into {TARGET} (fractional_cfo_id, channel, touched_at, actor, note, event,
                message_variant_id, tool)
            select partner_id, channel::partners.partner_channel_enum, touched_at,
                   current_setting('lanes.actor'), note, event, message_variant_id, %(tool)s
            from new_events
            order by {ROW}
            returning fractional_cfo_id, event, touched_at
        ),

        paused as (
            insert into partners.partner_pauses (fractional_cfo_id, action, reason, actor)
            select distinct on (fractional_cfo_id) fractional_cfo_id, 'pause',
                   format('unsubscribed (%%s, %%s)', %(tool)s,
                          to_char(touched_at at time zone 'UTC', 'YYYY-MM-DD')),
                   current_setting('lanes.actor')
            from inserted
            where event = 'unsubscribed'
            order by fractional_cfo_id, touched_at desc
            returning 1
        )

        select (select count(*) from inserted), (select count(*) from paused)
        """,
        {"tool": tool},
    ).fetchone()
    return inserted, paused


def record_touch(
    conn: psycopg.Connection,
    partner: str,
    channel: str,
    at: str | None = None,
    event: str = "sent",
    actor: str | None = None,
    note: str | None = None,
) -> tuple[bool, str]:
    """One touch typed by a person (`loader touch lane-b PARTNER`); (added?, firm name).

    PARTNER is a fractional_cfo_id or an email, as for `loader pause lane-b`.
    """
    touch = TypedTouch.of(channel, at, event, note)
    context = AuditContext.of(actor)
    with conn.transaction():
        context.apply(conn)
        partner_id, firm = find_partner(conn, partner)
        stage = touch.stage(conn, "partner_id", "uuid", partner_id)
        inserted, _ = write_touches(conn, stage, "person")
    return inserted == 1, firm
