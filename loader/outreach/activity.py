"""Outreach activity files (what was sent, what came back), read the same way for both lanes.

A lane's touches import is one more `IngestSpec` (loader/lanes/lane_a/touches.py,
loader/lanes/lane_b/touches.py). What they share lives here: the activity columns
every lane has, and reading an outreach tool's activity export as those columns
(each tool's columns and events are its module in loader/outreach/tools/).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import psycopg

from loader.errors import FileUnusable, UsageError
from loader.ingest.flow import SourceFormat
from loader.outreach.tools import (
    CHANNELS,
    EVENTS,
    GENERIC,
    LEAD_STATE_NOTE,
    OUR_FIELDS_BACK,
    LeadExport,
    LeadSignal,
    Tool,
    tool_names,
    tools,
)
from loader.sheets.cells import Column, parse_columns
from loader.sheets.workbook import ROW


def check_tool(tool: str) -> str:
    tool = tool.strip().lower()
    if tool not in tool_names():
        raise UsageError(f"--tool must be one of {', '.join(tool_names())}, not {tool!r}.")
    return tool


def activity_source(
    tool: str, fields: Mapping[str, str], columns: list[str]
) -> SourceFormat | None:
    """How to read `tool`'s activity export as a lane's touch columns (None: our own layout).

    `fields` maps the activity fields the lane uses (key, bit_id, email, ...) to its
    columns; a tool column for a field the lane does not use is left unread (and
    reported as an ignored column).
    """
    if check_tool(tool) == GENERIC:
        return None
    layout = tools()[tool]
    wanted = {**fields, "event": "event", "touched_at": "touched_at"}
    # The tool's column -> ours, for the fields the lane reads.
    header_columns = {h: wanted[f] for h, f in layout.activity_columns.items() if f in wanted}

    def to_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        sources: dict[str, list[str]] = {}
        for header, column in header_columns.items():
            if header in frame.columns:
                sources.setdefault(column, []).append(header)
        for needed in ("event", "touched_at"):
            # The reader adds every known header, empty, when the file lacks it.
            filled = [h for h in sources.get(needed, []) if frame.get_column(h).null_count()
                      < frame.height]  # fmt: skip
            if not filled:
                headers = [h for h, f in layout.activity_columns.items() if f == needed]
                raise FileUnusable(
                    f"this is not a {layout.label} activity export: no "
                    f"{' or '.join(headers)} column (or it is empty). Export the activity "
                    f"again from {layout.label} (docs/outreach-tools.md says where)."
                )
        frame = frame.select(
            ROW,
            *(
                pl.coalesce([pl.when(pl.col(h) != "").then(pl.col(h)) for h in headers]).alias(
                    column
                )
                for column, headers in sources.items()
            ),
        )
        warnings = []
        frame, repeated = _without_repeats(
            frame, layout, [c for c in sources if c in fields.values()]
        )
        if repeated:
            warnings.append(
                f"left out {repeated} {layout.label} row(s) repeating a reply already in the file "
                f"({', '.join(layout.repeats)}): a reply counts once"
            )
        raw_event = pl.col("event").str.to_lowercase().str.strip_chars()
        mapping = layout.events
        frame = frame.with_columns(
            raw_event.replace_strict(
                {k: v[0] for k, v in mapping.items()}, default=None, return_dtype=pl.String
            ).alias("__event"),
            raw_event.replace_strict(
                {k: v[1] for k, v in mapping.items()}, default=None, return_dtype=pl.String
            ).alias("channel"),
        )
        untracked = frame.filter(pl.col("__event").is_null() & pl.col("event").is_not_null())
        if untracked.height:
            counts = Counter(untracked["event"].to_list())
            listed = ", ".join(f"{name}: {n}" for name, n in counts.most_common())
            warnings.append(
                f"skipped {untracked.height} row(s) with {layout.label} events that are not "
                f"sent, replied, bounced or unsubscribed ({listed})"
            )
        frame = frame.filter(~(pl.col("__event").is_null() & pl.col("event").is_not_null()))
        frame = frame.with_columns(pl.col("__event").alias("event")).drop("__event")
        for column in columns:
            if column not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
        return frame.select(ROW, *columns), warnings

    lead = layout.lead_export
    if lead is None:
        # Nothing is required by name: a tool writes its event and time under one of
        # several headers (to_columns says which are missing).
        return SourceFormat(known=list(header_columns), required=[], to_columns=to_columns)
    read_as_leads: dict[str, bool] = {}

    def choose(headers: dict[str, str]) -> tuple[list[str], list[str]]:
        read_as_leads["file"] = lead.recognised_by <= set(headers)
        if read_as_leads["file"]:
            return _lead_export_columns(lead), []
        return list(header_columns), []

    def either(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        if read_as_leads.get("file"):
            return _lead_rows(frame, layout, lead, fields, columns)
        return to_columns(frame)

    return SourceFormat(known=[], required=[], to_columns=either, choose=choose)


def _lead_export_columns(lead: LeadExport) -> list[str]:
    listed = [*lead.email, *lead.linkedin_url, *lead.at, *(s.column for s in lead.signals),
              *lead.our_fields, *sorted(lead.recognised_by)]  # fmt: skip
    return list(dict.fromkeys(listed))


def _signal(signal: LeadSignal) -> pl.Expr:
    value = pl.col(signal.column).str.strip_chars().str.to_lowercase()
    if signal.test == "count":
        return value.cast(pl.Float64, strict=False).fill_null(0) > 0
    if signal.test == "true":
        return value.is_in(["true", "yes", "1", "t", "y"]).fill_null(False)
    return value.is_in(list(signal.values)).fill_null(False)


def _lead_rows(
    frame: pl.DataFrame,
    layout: Tool,
    lead: LeadExport,
    fields: Mapping[str, str],
    columns: list[str],
) -> tuple[pl.DataFrame, list[str]]:
    """A lead export as events: one row per event each lead's columns state."""
    sources: dict[str, pl.Expr] = {}
    if "email" in fields:
        sources[fields["email"]] = pl.coalesce([pl.col(c) for c in lead.email])
    if "linkedin_url" in fields and lead.linkedin_url:
        sources[fields["linkedin_url"]] = pl.coalesce([pl.col(c) for c in lead.linkedin_url])
    for column, field in lead.our_fields.items():
        if field == "json":
            for name, ours in OUR_FIELDS_BACK.items():
                if ours in fields:
                    found = pl.col(column).str.json_path_match(f"$.{name}")
                    sources[fields[ours]] = pl.coalesce(sources.get(fields[ours]), found)
        elif field in fields:
            sources[fields[field]] = pl.coalesce(sources.get(fields[field]), pl.col(column))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
    at = pl.coalesce([*(pl.col(c) for c in lead.at), pl.lit(now)])
    base = frame.with_columns(
        *(expr.alias(name) for name, expr in sources.items()),
        at.alias("touched_at"),
        pl.lit(layout.channels[0]).alias("channel"),
        pl.lit(LEAD_STATE_NOTE).alias("note"),
    )
    events = [
        base.filter(_signal(signal)).with_columns(pl.lit(signal.event).alias("event"))
        for signal in lead.signals
    ]
    rows = pl.concat([e.select(ROW, *sources, "touched_at", "channel", "note", "event")
                      for e in events])  # fmt: skip
    counts = Counter(rows.get_column("event").to_list())
    quiet = frame.height - rows.get_column(ROW).n_unique()
    stated = ", ".join(f"{n} {event}" for event, n in counts.most_common()) or "no event"
    warnings = [
        f"read as {layout.named('lead export')}: {stated}; {quiet} lead(s) with none of "
        "replied, bounced or unsubscribed: nothing to record for them"
    ]
    for column in columns:
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return rows.select(ROW, *columns).sort(ROW), warnings


def _without_repeats(
    frame: pl.DataFrame, layout: Tool, lead_columns: list[str]
) -> tuple[pl.DataFrame, int]:
    """The rows of an event that repeats another (a tool's every-reply stream), left out
    for a lead whose repeated event is in the file; returns (frame, rows left out)."""
    if not layout.repeats or not lead_columns:
        return frame, 0
    event = pl.col("event").str.to_lowercase().str.strip_chars()
    lead = pl.concat_str([pl.col(c).fill_null("") for c in lead_columns], separator="|")
    keyed = frame.with_columns(event.alias("__raw"), lead.alias("__lead"))
    dropped = pl.lit(False)
    for repeating, originals in layout.repeats.items():
        leads = keyed.filter(pl.col("__raw").is_in(list(originals))).get_column("__lead")
        dropped = dropped | (
            (pl.col("__raw") == repeating) & pl.col("__lead").is_in(leads.implode())
        )
    kept = keyed.filter(~dropped)
    return kept.drop("__raw", "__lead"), frame.height - kept.height


def parse_instant(text: str | None) -> dt.datetime:
    """--at as the touches import reads touched_at (a date alone is noon UTC); default now."""
    if text is None:
        return dt.datetime.now(dt.UTC)
    column = Column("at", "timestamp", "", past_only=True)
    frame = pl.DataFrame({ROW: [1], "at": [text.strip()]})
    parsed = parse_columns(frame, [column], dt.date.today()).frame
    error = parsed["err:at"][0]
    if error:
        raise UsageError(f"--at {error}")
    return parsed["at"][0]


@dataclass(frozen=True)
class TypedTouch:
    """One event typed by a person (`loader touch`), checked like a file's row."""

    channel: str
    touched_at: dt.datetime
    event: str
    note: str | None

    @classmethod
    def of(cls, channel: str, at: str | None, event: str, note: str | None) -> TypedTouch:
        if channel not in CHANNELS:
            raise UsageError(f"--channel must be one of {', '.join(CHANNELS)}, not {channel!r}.")
        if event not in EVENTS:
            raise UsageError(f"--event must be one of {', '.join(EVENTS)}, not {event!r}.")
        return cls(channel, parse_instant(at), event, note)

    def stage(
        self,
        conn: psycopg.Connection,
        key_column: str,
        key_type: str,
        key: str,
        at_touch_column: str,
    ) -> str:
        """Stage it as a one-row touches file would be (in the open transaction); the table."""
        conn.execute(
            f"create temp table typed_touch ({ROW} bigint, {key_column} {key_type},"
            " channel text, touched_at timestamptz, event text, message_variant_id text,"
            f" note text, score_at_touch numeric, {at_touch_column} text) on commit drop"
        )
        conn.execute(
            "insert into typed_touch values (1, %s, %s, %s, %s, null, %s)",
            (key, self.channel, self.touched_at, self.event, self.note),
        )
        return "typed_touch"
