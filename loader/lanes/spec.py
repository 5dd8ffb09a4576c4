"""What a lane states about itself, as plain data: the specs the shared mechanics
take. Each lane declares its own (loader/lane_x/touches.py, switch.py, export.py,
status.py); the mechanics that use them live once (loader/outreach/touches.py,
loader/outreach/kill_switch.py, loader/outreach/queue_export.py, loader/insight/status.py).

Nothing here touches a database or a file, so the CLI can read every lane's specs
without loading polars or psycopg.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from loader.outreach.tools import CHANNELS, EVENTS
from loader.sheets.column import Column

# After the lane's own key columns, in every lane's touches template.
ACTIVITY_COLUMNS = [
    Column("channel", "enum", "email or linkedin.", "email", required=True, allowed=CHANNELS),
    Column("touched_at", "timestamp",
           "When it happened: a date (noon UTC) or a date-time (UTC unless it says otherwise).",
           "2026-11-23 09:30", required=True, past_only=True),
    Column("event", "enum",
           "sent (default), replied, bounced or unsubscribed. Only sent counts as a touch; "
           "unsubscribed stops outreach at once.", "sent", allowed=EVENTS, default="sent"),
    Column("message_variant_id", "text", "The message variant sent, when known.", ""),
    Column("score_at_touch", "score",
           "The row's score when it was handed out (a tool gives it back as lanes_score).", ""),
    Column("note", "text", "Anything worth keeping.", ""),
]  # fmt: skip


@dataclass(frozen=True)
class TouchSpec:
    """One lane's touches: where they go, how a row names its subject, what words to use."""

    lane: str  # the ingest lock and ledger's lane
    table: str  # e.g. sales.reactivation_touches
    subject_column: str  # the table's key to the meeting or partner
    subject_type: str  # its SQL type (text, uuid)
    channel_type: str  # the table's channel enum
    at_touch_column: str  # what else an export keeps at the touch (tier, next action)
    # Where an export keeps the reason codes (Lane B: factors) the row left with.
    reasons_at_touch_column: str
    # The file's columns that may name the subject, (name, SQL type), in the order
    # they are tried; the template's columns follow (see `columns`).
    references: Sequence[tuple[str, str]]
    columns: Sequence[Column]  # the touches template: references, then the activity columns
    # The tool's fields for our ids -> our columns (key, bit_id); a tool's email, LinkedIn
    # URL and message variant go to the columns of those names when the lane has them.
    tool_fields: Mapping[str, str]
    # The score rows dbt owns, whose id a tool may give back instead of our key:
    # (the intent table, its score-row id column, its key column). The file's columns of
    # the same names are the id and the key; a known id fills in a missing key.
    score_rows: tuple[str, str, str]
    # UPDATE of the staged rows: sets `subject` from the references (first that names a
    # stored meeting or partner). `{stage}` is the staging table.
    resolve_sql: str
    which_message: str  # the row names no subject at all
    unknown_message: Callable[[str], str]  # a reference column that names nothing stored
    # Whoever unsubscribed is stopped in the lane's kill switch (its one stop path,
    # loader/outreach/kill_switch.py): a query reading `inserted` (subject_column, event,
    # touched_at) that gives the switch's key columns, `tool` and `at`; `%(tool)s` is the
    # tool's name.
    switch: SwitchSpec
    opt_out_whom: str
    opt_out_detail: str  # the report's key for how many were stopped
    opt_out_note: str  # "{n} unsubscribed … stopped", for the report
    # Where an unsubscribe naming an address no stored subject has is kept (never an
    # error): a table of (email, linkedin_url, tool, unsubscribed_at, actor). None: such
    # a row is an error like any other.
    suppressions: str | None = None


@dataclass(frozen=True)
class SwitchSpec:
    table: str  # the append-only entries, e.g. sales.reactivation_kill_switch
    actions: tuple[str, str]  # (stop, allow again), e.g. ("exclude", "include")
    key_columns: Sequence[str]  # what an entry is keyed by, as `find` returns it


@dataclass(frozen=True)
class QueueSpec:
    lane: str  # the dbt selector that builds the view
    view: str
    intent: str  # the table the view reads; its computed_at is the last build
    columns: Sequence[str]  # the generic export's columns, in order
    order_by: str
    # Lead field (email, first_name, key, score, ...) -> the view's column; a field the
    # lane has not is left out. See loader/outreach/tools/__init__.py for the fields tools read.
    lead_fields: Mapping[str, str]
    # Where --mark-touched records the exported rows, and which lead field it keeps
    # beside the score and variant (the touches table's `at_touch_column`).
    touches: TouchSpec
    at_touch_field: str
    # The view's reason codes (Lane B: factors), kept on the touch: which reasons bring
    # meetings back is measured on the codes a row left with, not on later ones.
    reasons_column: str


@dataclass(frozen=True)
class Section:
    title: str
    needs: str  # the relation the query reads; missing -> "not built yet"
    query: str
    columns: tuple[str, ...]


def activity_section(touches: str, sends: str) -> Section:
    """What went out and came back in the last 7 and 30 days and in all, each send once.

    `sends` is the lane's dbt view that pairs a touch an export planned with the tool's
    send confirming it (one send); what came back is read from the touches table."""
    return Section(
        "outreach activity (each send counted once)",
        sends,
        f"""
        with activity (what, place, at) as (
            select case send_status
                       when 'confirmed' then 'sent: exported and confirmed by the tool'
                       when 'unplanned' then 'sent: not from an export'
                       else 'exported, not confirmed by a tool yet'
                   end,
                   case send_status when 'confirmed' then 1 when 'unplanned' then 2 else 3 end,
                   sent_at
            from {sends}
            union all
            select event, 4, touched_at
            from {touches}
            where event in ('replied', 'bounced', 'unsubscribed')
        )
        select what,
               count(*) filter (where at > now() - interval '7 days'),
               count(*) filter (where at > now() - interval '30 days'),
               count(*)
        from activity group by what order by min(place), what
        """,
        ("activity", "last 7 days", "last 30 days", "all"),
    )


def performance_section(title: str, view: str, dimensions: tuple[str, ...]) -> Section:
    """The performance view's top lines: overall, then the given dimensions."""
    return Section(
        title,
        view,
        "select dimension, bucket, touches, replies, meetings, meeting_rate,"
        f" meeting_rate_low, meeting_rate_high from {view}"
        f" where dimension in ('overall', {', '.join(repr(d) for d in dimensions)})"
        " order by dimension <> 'overall', dimension, meeting_rate desc",
        ("dimension", "bucket", "touches", "replies", "meetings", "rate", "low", "high"),
    )


def score_check_section(view: str) -> Section:
    """The score check's verdict in words, then each weight it suggests looking at."""
    return Section(
        "does the score rank (sends with a known score -> meetings)",
        view,
        f"""
        select case check_kind when 'score' then 'score' else bucket end, verdict
        from {view}
        where check_kind = 'score' or (check_kind = 'reason' and verdict is not null)
        order by check_kind <> 'score', abs(lift) desc nulls last
        """,
        ("what", "verdict"),
    )


def experiments_section(view: str) -> Section:
    """Each running experiment's arms against their control, in words."""
    return Section(
        "message experiments (meeting rate against the control)",
        view,
        f"""
        select experiment_id, message_variant_id, sends, meetings, meeting_rate, verdict
        from {view} order by experiment_id, not is_control, message_variant_id
        """,
        ("experiment", "variant", "sends", "meetings", "rate", "verdict"),
    )


@dataclass(frozen=True)
class StatusSpec:
    lane: str  # as in the ledger and the dbt selector
    title: str
    loaded: tuple[tuple[str, str], ...]  # (label, table) counted
    intent: str  # its max(computed_at) is the last build
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class ReportSpec:
    """What `loader report lane-x` reads, and the lane's words for it (loader/insight/report.py)."""

    lane: str  # as in the ledger and the dbt selector
    title: str
    success: str  # what a send brings back, e.g. "meetings back"
    # Each query returns the columns named after it.
    queue_sql: str  # (group, channel, rows): the ready queue now
    out_sql: str  # (status, reason, rows): who is not in the queue, and why
    weekly_sql: str  # (week, sends, replies, meetings); {weeks} is the report's weeks
    performance_view: str  # dimension, bucket, touches, replies, meetings, rates
    dimensions: tuple[str, ...]  # the performance dimensions to draw
    score_check_view: str
    experiments_view: str
    intent: str  # max(computed_at): the last build
    touches: str  # the last export: max(created_at) of its planned touches
    queue_group: str  # what queue_sql groups by first ("tier", "next action")
