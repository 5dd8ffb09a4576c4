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
class InsightSpec:
    """What `loader status` and `loader report` say about a lane: where its views are and
    its words. The sections themselves are defined once (loader/insight/sections.py)."""

    lane: str  # as in the ledger and the dbt selector
    title: str
    views: str  # the lane's summary views' prefix: "bit.v_reactivation_"
    intent: str  # its max(computed_at) is the last build
    touches: str  # the last export: max(created_at) of its planned touches
    loaded: tuple[tuple[str, str], ...]  # (label, table) counted
    success: str  # what a send brings back, e.g. "meetings back"
    queue_group: str  # what the queue is grouped by first ("tier", "next action")
    dimensions: tuple[str, ...]  # the performance dimensions the report draws
