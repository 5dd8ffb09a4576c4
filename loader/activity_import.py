"""Outreach activity files (what was sent, what came back), read the same way for both lanes.

A lane's touches import is one more `IngestSpec` (loader/lane_a/touches.py,
loader/lane_b/touches.py). What they share lives here: the activity columns
every lane has, and reading an outreach tool's activity export as those columns
(the mappings themselves are in loader/outreach_tools.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
import psycopg

from loader.cells import Column, parse_columns
from loader.errors import UsageError
from loader.ingest_run import SourceFormat
from loader.outreach_tools import ACTIVITY_FORMATS, CHANNELS, EVENTS, GENERIC, TOOL_NAMES
from loader.workbook import ROW


def check_tool(tool: str) -> str:
    tool = tool.strip().lower()
    if tool not in TOOL_NAMES:
        raise UsageError(f"--tool must be one of {', '.join(TOOL_NAMES)}, not {tool!r}.")
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
    layout = ACTIVITY_FORMATS[tool]
    wanted = {**fields, "event": "event", "touched_at": "touched_at"}
    # The tool's column -> ours, for the fields the lane reads.
    header_columns = {h: wanted[f] for h, f in layout.columns.items() if f in wanted}
    event_header = next(h for h, f in layout.columns.items() if f == "event")
    time_header = next(h for h, f in layout.columns.items() if f == "touched_at")

    def to_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        sources: dict[str, list[str]] = {}
        for header, column in header_columns.items():
            if header in frame.columns:
                sources.setdefault(column, []).append(header)
        frame = frame.select(
            ROW,
            *(
                pl.coalesce([pl.when(pl.col(h) != "").then(pl.col(h)) for h in headers]).alias(
                    column
                )
                for column, headers in sources.items()
            ),
        )
        raw_event = pl.col("event").str.to_lowercase()
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
        warnings = []
        if untracked.height:
            counts = Counter(untracked["event"].to_list())
            listed = ", ".join(f"{name}: {n}" for name, n in counts.most_common())
            warnings.append(
                f"skipped {untracked.height} row(s) with {layout.name} events that are not "
                f"sent, replied, bounced or unsubscribed ({listed})"
            )
        frame = frame.filter(~(pl.col("__event").is_null() & pl.col("event").is_not_null()))
        frame = frame.with_columns(pl.col("__event").alias("event")).drop("__event")
        for column in columns:
            if column not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
        return frame.select(ROW, *columns), warnings

    return SourceFormat(
        known=list(header_columns), required=[event_header, time_header], to_columns=to_columns
    )


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

    def stage(self, conn: psycopg.Connection, key_column: str, key_type: str, key: str) -> str:
        """Stage it as a one-row touches file would be (in the open transaction); the table."""
        conn.execute(
            f"create temp table typed_touch ({ROW} bigint, {key_column} {key_type},"
            " channel text, touched_at timestamptz, event text, message_variant_id text,"
            " note text) on commit drop"
        )
        conn.execute(
            "insert into typed_touch values (1, %s, %s, %s, %s, null, %s)",
            (key, self.channel, self.touched_at, self.event, self.note),
        )
        return "typed_touch"
