"""What a lane states about itself, as plain data: its names (`Lane`) and the specs the
shared mechanics take. Each lane declares its own (loader/lanes/lane_x/__init__.py,
touches.py, switch.py, export.py, insight.py); the mechanics that use them live once
(loader/outreach/touches.py, loader/outreach/kill_switch.py,
loader/outreach/queue_export.py, loader/insight/).

Nothing here touches a database or a file, so the CLI can read every lane's specs
without loading polars or psycopg.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from loader.outreach.tools import CHANNELS, EVENTS
from loader.sheets.column import Column


@dataclass(frozen=True)
class Lane:
    """One lane's names, each derived from three (docs/architecture.md, glossary): its key
    (`lane_a`: dbt's selector and tag, the ledger's lane, the ingest lock), its own schema
    (`sales`) and the noun its tables and views carry (`reactivation`)."""

    key: str
    schema: str
    noun: str
    title: str  # "Lane A: appointment reactivation", heading status and report
    success: str  # what a send brings back, in words: "meetings back"
    group: str  # what its queue is grouped by first, in words: "tier", "next action"

    @property
    def cli(self) -> str:
        """As the command line names it: lane-a."""
        return self.key.replace("_", "-")

    @property
    def words(self) -> str:
        """As a sentence names it: Lane A."""
        return self.cli.replace("-", " ").title()

    def table(self, name: str) -> str:
        """One of the lane's own tables: sales.reactivation_touches."""
        return f"{self.schema}.{self.noun}_{name}"

    def view(self, name: str) -> str:
        """One of the lane's views BI and the loader read: bit.v_reactivation_queue_summary."""
        return f"bit.v_{self.noun}_{name}"

    @property
    def intent(self) -> str:
        """The lane's scoring table: bit.reactivation_intent."""
        return f"bit.{self.noun}_intent"


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

    lane: Lane  # its touches table is lane.table("touches")
    # The touches template: the subject's key (the table's key to the meeting or partner),
    # the score row id dbt computes in the lane's intent table (a tool may give it back
    # instead of our key; a known id fills in a missing key, never recomputed here), the
    # email and LinkedIn URL, then the activity columns.
    columns: Sequence[Column]
    channel_type: str  # the table's channel enum
    at_touch_column: str  # what else an export keeps at the touch (tier, next action)
    # Where an export keeps the reason codes (Lane B: factors) the row left with.
    reasons_at_touch_column: str
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
    # Tool fields for what else a row left with, beyond our key, bit id and score
    # (e.g. {"tier": "tier_at_touch"}).
    more_tool_fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.lane.table("touches")

    @property
    def subject_column(self) -> str:
        return self.columns[0].name

    @property
    def subject_type(self) -> str:
        return self.columns[0].kind  # text or uuid, as SQL names them

    @property
    def score_id_column(self) -> str:
        return self.columns[1].name

    @property
    def suppressions(self) -> str:
        """Where an unsubscribe naming an address no stored subject has is kept (never an
        error): (email, linkedin_url, tool, unsubscribed_at, actor)."""
        return self.lane.table("suppressions")

    @property
    def references(self) -> list[tuple[str, str]]:
        """The file's columns that may name the subject, (name, SQL type), in the order
        they are tried; the template's columns follow (see `columns`)."""
        return [
            (self.subject_column, self.subject_type),
            (self.score_id_column, "uuid"),
            ("email", "text"),
            ("linkedin_url", "text"),
        ]

    @property
    def tool_fields(self) -> dict[str, str]:
        """A tool's fields for our ids -> our columns; a tool's email, LinkedIn URL and
        message variant go to the columns of those names."""
        return {
            "key": self.subject_column,
            "bit_id": self.score_id_column,
            "score": "score_at_touch",
            **self.more_tool_fields,
        }


@dataclass(frozen=True)
class SwitchSpec:
    table: str  # the append-only entries, e.g. sales.reactivation_kill_switch
    actions: tuple[str, str]  # (stop, allow again), e.g. ("exclude", "include")
    key_columns: Sequence[str]  # what an entry is keyed by, as `find` returns it


@dataclass(frozen=True)
class QueueSpec:
    lane: Lane  # its intent table's computed_at is the last build
    view: str
    columns: Sequence[str]  # the generic export's columns, in order
    order_by: str
    # Lead field (email, first_name, key, score, ...) -> the view's column; a field the
    # lane has not is left out. See loader/outreach/tools/__init__.py for the fields tools read.
    lead_fields: Mapping[str, str]
    # Where --mark-touched records the exported rows: each keeps its score, variant,
    # the lead fields "at_touch" (the tier, the next action) and "reasons" (the reason
    # codes or factors it left with: which reasons bring meetings back is measured on
    # the codes a row left with, not on later ones).
    touches: TouchSpec
    # Records the random holdout's rows not recorded yet, when an export marks its rows
    # touched (the uplift's comparison group); run in the export's transaction.
    record_holdouts: str = ""


@dataclass(frozen=True)
class InsightSpec:
    """What `loader status` and `loader report` say about a lane beyond its names: what
    it counts as loaded and which performance dimensions the report draws. The sections
    themselves are defined once (loader/insight/sections.py)."""

    lane: Lane  # its views (lane.view(...)), intent table and touches table are read
    own_tables: tuple[tuple[str, str], ...]  # (label, table) counted, besides touch events
    dimensions: tuple[str, ...]  # the performance dimensions the report draws
    # (code, plain words) of the lane's reason codes, from its seeds: the report shows
    # the words and keeps the code as a tooltip.
    reason_words: str = ""

    @property
    def loaded(self) -> tuple[tuple[str, str], ...]:
        return (*self.own_tables, ("touch events", self.lane.table("touches")))

    @property
    def title(self) -> str:
        return self.lane.title

    @property
    def success(self) -> str:
        return self.lane.success

    @property
    def queue_group(self) -> str:
        return self.lane.group
