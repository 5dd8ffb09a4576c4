"""The sections of `loader status` and `loader report`, defined once.

Each section reads one view dbt owns, documents and tests (bit.v_<lane>_<view>, e.g.
bit.v_reactivation_queue_summary; never an intermediate model), so the two commands
show the same numbers: status prints each section as a table (its `brief` columns),
the report draws it and `--json` gives every column. Adding a section is adding a
view to each lane's marts (one macro call) and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from loader.lanes.spec import InsightSpec
from loader.platform.database import relation_exists


@dataclass(frozen=True)
class Section:
    key: str  # the report's JSON key
    title: str  # the heading; {group} and {success} are the lane's words
    view: str  # the view's name after the lane's prefix: "queue_summary"
    columns: tuple[tuple[str, str], ...]  # (the view's column, the name shown)
    order_by: str  # over the view's columns
    brief: tuple[str, ...] = ()  # the shown names status prints (default: all)

    def relation(self, lane: InsightSpec) -> str:
        return lane.lane.view(self.view)

    def heading(self, lane: InsightSpec) -> str:
        return self.title.format(group=lane.queue_group, success=lane.success)


SECTIONS = (
    Section(
        "queue",
        "ready now, by {group} and channel",
        "queue_summary",
        (("queue_group", "group"), ("channel", "channel"), ("contacts", "rows")),
        "place",
    ),
    Section(
        "out_of_queue",
        "by status, and why (every row: they add up to all of them)",
        "status_summary",
        (("status", "status"), ("reason", "reason"), ("contacts", "rows")),
        "contacts desc, status, reason",
    ),
    Section(
        "activity",
        "outreach activity (each send counted once)",
        "activity_summary",
        (
            ("activity", "activity"),
            ("last_7_days", "last 7 days"),
            ("last_30_days", "last 30 days"),
            ("all_time", "all"),
        ),
        "place, activity",
    ),
    Section(
        "weekly",
        "sends by week, and what came back",
        "weekly_summary",
        (("week", "week"), ("sends", "sends"), ("replies", "replies"), ("meetings", "meetings")),
        "week",
    ),
    Section(
        "rates",
        "does it work (sends -> {success}, 95% interval)",
        "performance",
        (
            ("dimension", "dimension"),
            ("bucket", "bucket"),
            ("touches", "sends"),
            ("replies", "replies"),
            ("meetings", "meetings"),
            ("meeting_rate", "rate"),
            ("meeting_rate_low", "rate_low"),
            ("meeting_rate_high", "rate_high"),
        ),
        "dimension <> 'overall', dimension, meeting_rate desc, bucket",
        brief=("dimension", "bucket", "sends", "meetings", "rate", "rate_low", "rate_high"),
    ),
    Section(
        "score_check",
        "does the score rank (sends with a known score -> {success})",
        "score_check",
        (
            ("check_kind", "check"),
            ("bucket", "bucket"),
            ("sends", "sends"),
            ("meetings", "meetings"),
            ("auc", "auc"),
            ("auc_low", "auc_low"),
            ("auc_high", "auc_high"),
            ("meeting_rate", "rate"),
            ("rate_low", "rate_low"),
            ("rate_high", "rate_high"),
            ("lift", "lift"),
            ("verdict", "verdict"),
        ),
        "check_kind <> 'score', check_kind, abs(lift) desc nulls last, bucket",
        brief=("check", "bucket", "sends", "meetings", "verdict"),
    ),
    Section(
        "experiments",
        "message experiments ({success} against the control)",
        "experiments",
        (
            ("experiment_id", "experiment_id"),
            ("message_variant_id", "variant"),
            ("is_control", "is_control"),
            ("sends", "sends"),
            ("meetings", "meetings"),
            ("meeting_rate", "rate"),
            ("meeting_rate_low", "rate_low"),
            ("meeting_rate_high", "rate_high"),
            ("diff_low", "diff_low"),
            ("diff_high", "diff_high"),
            ("sends_needed", "sends_needed"),
            ("verdict", "verdict"),
        ),
        "experiment_id, not is_control, message_variant_id",
        brief=("experiment_id", "variant", "sends", "meetings", "rate", "verdict"),
    ),
)

SECTIONS = (
    *SECTIONS,
    Section(
        "uplift",
        "what outreach adds ({success}: contacted minus the random holdout, 95% interval)",
        "uplift",
        (
            ("dimension", "dimension"),
            ("bucket", "bucket"),
            ("contacted", "contacted"),
            ("contacted_meetings", "contacted_meetings"),
            ("held_out", "held_out"),
            ("held_out_meetings", "held_out_meetings"),
            ("uplift", "uplift"),
            ("uplift_low", "uplift_low"),
            ("uplift_high", "uplift_high"),
            ("verdict", "verdict"),
        ),
        "dimension <> 'overall', dimension, bucket",
        brief=("dimension", "bucket", "contacted", "held_out", "uplift", "verdict"),
    ),
)

BY_KEY = {section.key: section for section in SECTIONS}


def read_section(
    conn: psycopg.Connection, lane: InsightSpec, section: Section
) -> list[dict] | None:
    """The section's rows, by shown names; None when its view is not built yet."""
    relation = section.relation(lane)
    if not relation_exists(conn, relation):
        return None
    columns = ", ".join(column for column, _ in section.columns)
    names = [name for _, name in section.columns]
    query = f"select {columns} from {relation} order by {section.order_by}"
    return [dict(zip(names, row, strict=True)) for row in conn.execute(query).fetchall()]


def read_sections(conn: psycopg.Connection, lane: InsightSpec) -> dict[str, list[dict] | None]:
    """Every section's rows, by key (None: not built yet)."""
    return {section.key: read_section(conn, lane, section) for section in SECTIONS}
