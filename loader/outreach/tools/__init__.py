"""The outreach tools, one module each: the set is whatever modules this folder holds.

A tool module (loader/outreach/tools/<name>.py) defines one `TOOL = Tool(...)`: the
columns its lead import takes, the columns and event names of its activity export, and
the headers that tell its activity file apart. Everything else reads the tools from
here: the CLI's `--format` / `--tool` choices, the export (loader/outreach/queue_export.py),
reading activity back (loader/outreach/activity.py) and telling which file is which
(loader/ingest/file_kinds.py). Adding a tool is adding a module (docs/development.md).

Our ids, score, tier and variant go out as the tool's custom fields (`lanes_*`
columns) and come back in its activity export, so activity is matched without a
manual step.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache

# Our own layout (docs/outreach-tools.md): not a tool, the default of --format and --tool.
GENERIC = "generic"

# The channels both lanes send on (each lane's channel enum has these labels).
CHANNELS = ("email", "linkedin")

# What we keep of a tool's activity; every other event is skipped and counted.
EVENTS = ("sent", "replied", "bounced", "unsubscribed")

# Our own fields, added after the tool's columns as custom fields: (column, lead field).
CUSTOM_FIELDS = (
    ("lanes_lane", "lane"),
    ("lanes_key", "key"),
    ("lanes_bit_id", "bit_id"),
    ("lanes_score", "score"),
    ("lanes_tier", "tier"),
    ("lanes_variant", "variant"),
    ("lanes_channel", "channel"),
    ("lanes_subject", "subject"),
)

# Our custom fields as a tool's activity gives them back (column as read -> activity field).
OUR_FIELDS_BACK = {
    "lanes_key": "key",
    "lanes_bit_id": "bit_id",
    "lanes_variant": "message_variant_id",
    # What the row left with: the score at the touch when no export recorded it.
    "lanes_score": "score",
    "lanes_tier": "tier",
}

# The address a row needs on each channel.
ADDRESS_FIELD = {"email": "email", "linkedin": "linkedin_url"}


def our_fields_back(prefix: str = "") -> dict[str, str]:
    """OUR_FIELDS_BACK under a tool's nesting (`payload.`, `lead.variables.`, ...)."""
    return {f"{prefix}{name}": value for name, value in OUR_FIELDS_BACK.items()}


# The note on an event read from a lead export: the lead's state, not a dated event.
LEAD_STATE_NOTE = "state read from the tool lead export"


@dataclass(frozen=True)
class LeadSignal:
    """One event a lead export states in a column: `count` (a number above 0), `true`
    (true, yes, 1) or `is` (one of `values`, any case)."""

    event: str
    column: str  # as read (lower-case, spaces to _)
    test: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeadExport:
    """A tool's export of its leads with their state (replied, bounced, unsubscribed), read
    as events: each lead once per event its columns state, at the time the file is loaded
    (a lead export says what happened, not when); recorded once per lead and event."""

    recognised_by: frozenset[str]  # headers (as read) only this export has together
    email: tuple[str, ...]
    signals: tuple[LeadSignal, ...]
    linkedin_url: tuple[str, ...] = ()
    at: tuple[str, ...] = ()  # when the lead last changed, if the export says; else now
    # Our custom fields as the export gives them back: a column -> activity field, or a
    # JSON column holding them ({"lanes_key": ...}): column -> "json".
    our_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Tool:
    name: str  # what --format and --tool take: the module's name
    label: str  # as the tool writes its own name, for messages
    channels: tuple[str, ...]  # what the tool sends on; other rows are left out of its file
    # The lead import: (the tool's column, our lead field), in the file's order.
    lead_columns: tuple[tuple[str, str], ...]
    # The activity export: the tool's column, as read (lower-case, spaces to _) -> our
    # activity field. Several columns may give one field (a nested and a flat form): the
    # first filled one, in this order, wins.
    activity_columns: dict[str, str]
    # The tool's event (lower-case) -> (our event, channel).
    events: dict[str, tuple[str, str]]
    # Headers (as read) that only this tool's activity export has together.
    recognised_by: frozenset[str]
    # Events that repeat another for the same lead: left out when the file has that
    # other event for the lead ({repeating event: the events it repeats}).
    repeats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Its lead export read back, when the tool has one we read.
    lead_export: LeadExport | None = None

    def named(self, what: str) -> str:
        """The tool's file in a sentence, with its article: 'an <Label> lead export'."""
        return f"{'an' if self.label[0].lower() in 'aeiou' else 'a'} {self.label} {what}"

    def lead_header(self) -> list[str]:
        return [name for name, _ in self.lead_columns] + [name for name, _ in CUSTOM_FIELDS]

    def lead_row(self, lead: dict[str, object]) -> list[object]:
        return [lead.get(f) for _, f in self.lead_columns] + [lead.get(f) for _, f in CUSTOM_FIELDS]

    def left_out_reason(self, lead: dict[str, object]) -> str | None:
        """Why this tool cannot take the lead (None when it can)."""
        channel = str(lead["channel"])
        if channel not in self.channels:
            return f"recommended channel is {channel}, which {self.name} does not send on"
        if not lead.get(ADDRESS_FIELD[channel]):
            return "no email address" if channel == "email" else "no LinkedIn URL"
        return None


@cache
def tools() -> dict[str, Tool]:
    """Every tool module in this package (its `__path__`), by name, in name order."""
    found: dict[str, Tool] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        tool = importlib.import_module(f"{__name__}.{module.name}").TOOL
        if tool.name != module.name:
            raise RuntimeError(f"{module.name}.py defines a tool named {tool.name!r}")
        found[tool.name] = tool
    return found


def tool_names() -> tuple[str, ...]:
    """What --format and --tool take: our own layout first, then each tool."""
    return (GENERIC, *tools())
