"""What each file in the inbox is, and in which order the week loads them.

A file is told by its headers (loader/ingest/file_kinds.py): our templates, the CRMs'
screen exports, LinkedIn's connections, each outreach tool's activity and lead exports.
A meetings file in another layout is read through `[lane_a] from` when that mapping
finds every column it needs. An activity file says which lane it is for by its folder
(inbox/lane_a/, inbox/lane_b/), its name (…lane_a…, …lane-b…), our own key in it, or
the senders: the one lane whose senders use that tool. A file none of these place stops
the week before anything is loaded, named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loader.errors import FileUnusable
from loader.ingest.file_kinds import kind_of
from loader.sheets.workbook import SUFFIXES, headers_of
from loader.week.config import LANES, WeekConfig

# Facts before what refers to them: meetings and partners, then partner meetings, then
# each tool's activity (it names meetings and partners loaded just before).
STEP_ORDER = {"meetings": 0, "partners": 1, "linkedin": 1, "partner_meetings": 2, "touches": 3}
_LANE_IN_NAME = re.compile(r"lane[ _-]?([ab])(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True)
class InboxFile:
    path: Path
    lane: str
    step: str  # meetings | partners | linkedin | partner_meetings | touches
    what: str  # "a HubSpot meetings export", for the summary
    tool: str | None = None  # the outreach tool (touches)
    mapping: str | None = None  # --from (meetings, partners, partner meetings)

    @property
    def order(self) -> tuple[int, str, str]:
        return (STEP_ORDER[self.step], self.lane, self.path.name)


class Unplaced(FileUnusable):
    """A file in the inbox the week cannot place: the run stops before loading anything."""


def inbox_files(config: WeekConfig) -> list[Path]:
    """The files waiting: the inbox and its lane_a/ and lane_b/ folders, never the archive
    nor hidden or temporary files (Excel's ~$lock files)."""
    if not config.inbox.is_dir():
        return []
    found: list[Path] = []
    for folder in [config.inbox, *(config.inbox / lane for lane in LANES)]:
        if not folder.is_dir() or folder == config.archive:
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".", "~$")) or path.is_dir():
                continue
            found.append(path)
    return found


def place(config: WeekConfig, paths: list[Path]) -> list[InboxFile]:
    """Each file as the step that loads it, in load order; Unplaced names the first file
    that cannot be placed (nothing is loaded then)."""
    placed = [_place(config, path) for path in paths]
    return sorted(placed, key=lambda f: f.order)


def _place(config: WeekConfig, path: Path) -> InboxFile:
    if path.suffix.lower() in (".ics", ".ical"):
        raise Unplaced(
            f"{_shown(config, path)}: a calendar: turn it into meetings with `loader template "
            "lane-a meetings.xlsx --from-calendar FILE --our-domain YOURS.com`, check the "
            "outcomes, and put that workbook in the inbox."
        )
    if path.suffix.lower() not in SUFFIXES:
        raise Unplaced(
            f"{_shown(config, path)}: not a spreadsheet (.xlsx, .xls, .ods or .csv): take it "
            "out of the inbox."
        )
    try:
        found = headers_of(path, lambda row: kind_of(row) is not None)
    except FileUnusable as error:
        raise Unplaced(f"{_shown(config, path)}: {_without_name(str(error), path)}") from None
    kind = kind_of(found)
    hinted = _lane_hint(config, path)
    if kind is None or not kind.week[1]:
        return _by_mapping(config, path, found, hinted)
    lane, step = kind.week
    if step == "meetings":
        mapping = config.lane_a_from or (kind.tool if kind.tool else None)
        return InboxFile(path, "lane_a", step, kind.what, mapping=mapping)
    if step == "partners":
        return InboxFile(path, "lane_b", step, kind.what, mapping=config.lane_b_from)
    if step == "partner_meetings":
        mapping = config.lane_b_meetings_from
        return InboxFile(path, "lane_b", step, kind.what, mapping=mapping)
    if step == "linkedin":
        return InboxFile(path, "lane_b", step, kind.what)
    lane = lane or hinted or _lane_of_tool(config, kind.tool or "generic", path)
    return InboxFile(path, lane, "touches", kind.what, tool=kind.tool or "generic")


def _by_mapping(config: WeekConfig, path: Path, found: list[str], hinted: str | None) -> InboxFile:
    """A file no kind tells: a meetings or partners file through the team's mapping."""
    from loader.ingest.mapped_source import derived_by_rules, resolve
    from loader.ingest.mapping import load_mapping
    from loader.lanes.lane_a.columns import MEETING_COLUMNS
    from loader.lanes.lane_b.columns import MEETING_COLUMNS as PARTNER_MEETING_COLUMNS
    from loader.lanes.lane_b.columns import PARTNER_COLUMNS

    candidates = [
        ("lane_a", "meetings", config.lane_a_from, MEETING_COLUMNS, "lane-a meetings"),
        ("lane_b", "partners", config.lane_b_from, PARTNER_COLUMNS, "lane-b partners"),
        ("lane_b", "partner_meetings", config.lane_b_meetings_from, PARTNER_MEETING_COLUMNS,
         "lane-b appointments"),
    ]  # fmt: skip
    for lane, step, source, columns, kind in candidates:
        if source is None or (hinted and hinted != lane):
            continue
        mapping = load_mapping(source, kind, columns)
        resolution = resolve(mapping, columns, found)
        derived = derived_by_rules(mapping)
        needed = [c.name for c in columns if c.required and c.name not in derived]
        if all(resolution.header(name) for name in needed):
            return InboxFile(path, lane, step, f"a file read through {source}", mapping=source)
    shown = ", ".join(found[:8]) + (", …" if len(found) > 8 else "")
    raise Unplaced(
        f"{_shown(config, path)}: cannot tell what this file is (headers: {shown or 'none'}). "
        "Use a lane's template, a CRM or tool export as its screen writes it, or set "
        "[lane_a] from in lanes.toml to the mapping that reads it; or take it out of the inbox."
    )


def _lane_hint(config: WeekConfig, path: Path) -> str | None:
    if path.parent.name in LANES and path.parent.parent == config.inbox:
        return path.parent.name
    match = _LANE_IN_NAME.search(path.stem)
    return f"lane_{match.group(1).lower()}" if match else None


def _lane_of_tool(config: WeekConfig, tool: str, path: Path) -> str:
    lanes = sorted({s.lane for s in config.senders if s.tool == tool})
    if len(lanes) == 1:
        return lanes[0]
    why = f"senders of both lanes use {tool}" if lanes else f"no sender in lanes.toml uses {tool}"
    raise Unplaced(
        f"{_shown(config, path)}: outreach activity, but for which lane ({why})? Put it in "
        f"{config.inbox.name}/lane_a/ or {config.inbox.name}/lane_b/, or name it …lane_a… "
        "or …lane_b…."
    )


def _shown(config: WeekConfig, path: Path) -> str:
    try:
        return str(path.relative_to(config.inbox.parent))
    except ValueError:
        return str(path)


def _without_name(message: str, path: Path) -> str:
    prefix = f"{path.name}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
