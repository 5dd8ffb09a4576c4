"""`lanes.toml`: what `loader week` reads and where it writes, and who sends what.

Written by `loader week --init` with a comment on every key (INIT_TEXT). Read whole and
checked before anything runs: an unknown key is an error naming the closest known one, a
wrong value names its key and what it may be.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from loader.errors import UsageError
from loader.outreach.tools import CHANNELS, GENERIC, tool_names, tools

LANES = ("lane_a", "lane_b")
# What a sender may send when lanes.toml does not say: a LinkedIn account about 100
# invitations a week, a mailbox 50 emails a day. Set the team's own numbers.
DEFAULT_CAPS = {
    "linkedin": {"per_week": 100, "per_day": None},
    "email": {"per_week": None, "per_day": 50},
}
DEFAULT_MAX_MEETING_AGE_DAYS = 14
MAX_CONFIG_BYTES = 100_000


@dataclass(frozen=True)
class Sender:
    name: str
    lane: str
    tool: str
    channel: str
    per_week: int | None
    per_day: int | None


@dataclass(frozen=True)
class WeekConfig:
    path: Path
    inbox: Path
    outbox: Path
    archive: Path
    lane_a_from: str | None  # a preset or a mapping TOML (resolved) for meeting files
    lane_b_from: str | None  # for partner files
    lane_b_meetings_from: str | None  # for partner meeting files
    linkedin_keywords: tuple[str, ...]
    senders: tuple[Sender, ...]
    max_meeting_age_days: int | None  # None: no rule
    activity_required: bool  # a tool exported to last week owes its activity


_TOP = {"inbox", "outbox", "archive", "lane_a", "lane_b", "senders", "freshness"}
_LANE_A = {"from"}
_LANE_B = {"from", "meetings_from", "linkedin_keywords"}
_SENDER = {"name", "lane", "tool", "channel", "per_week", "per_day"}
_FRESHNESS = {"max_meeting_age_days", "activity"}


def load_config(path: Path) -> WeekConfig:
    """lanes.toml, checked whole (UsageError naming the key and the fix)."""
    if not path.is_file():
        raise UsageError(
            f"{path}: no such file. Write one with `loader week --init` (next to the inbox)."
        )
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise UsageError(f"{path.name}: more than {MAX_CONFIG_BYTES:,} bytes: not a lanes.toml.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path.name}: is not valid TOML ({error}).") from None
    _known(data, _TOP, path.name)
    base = path.parent
    lane_a = _table(data, "lane_a", _LANE_A, path.name)
    lane_b = _table(data, "lane_b", _LANE_B, path.name)
    freshness = _table(data, "freshness", _FRESHNESS, path.name)
    senders = tuple(_sender(entry, i, path.name) for i, entry in enumerate(_list(data, path.name)))
    names = [(s.lane, s.name) for s in senders]
    for lane, name in names:
        if names.count((lane, name)) > 1:
            raise UsageError(f"{path.name}: two senders named {name!r} in {lane}: name each once.")
    age = freshness.get("max_meeting_age_days", DEFAULT_MAX_MEETING_AGE_DAYS)
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or age < 1):
        raise UsageError(
            f"{path.name}: [freshness] max_meeting_age_days must be a whole number of days "
            f"(1 or more), not {age!r}."
        )
    activity = freshness.get("activity", True)
    if not isinstance(activity, bool):
        raise UsageError(f"{path.name}: [freshness] activity must be true or false.")
    keywords = lane_b.get("linkedin_keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise UsageError(f"{path.name}: [lane_b] linkedin_keywords must be a list of words.")
    return WeekConfig(
        path=path,
        inbox=_folder(data, "inbox", "inbox", base, path.name),
        outbox=_folder(data, "outbox", "outbox", base, path.name),
        archive=_folder(data, "archive", "inbox/loaded", base, path.name),
        lane_a_from=_mapping(lane_a.get("from"), base, "[lane_a] from", path.name),
        lane_b_from=_mapping(lane_b.get("from"), base, "[lane_b] from", path.name),
        lane_b_meetings_from=_mapping(
            lane_b.get("meetings_from"), base, "[lane_b] meetings_from", path.name
        ),
        linkedin_keywords=tuple(keywords),
        senders=senders,
        max_meeting_age_days=age,
        activity_required=activity,
    )


def _known(table: dict, known: set[str], name: str, where: str = "") -> None:
    from rapidfuzz import process

    for key in table:
        if key not in known:
            near = process.extractOne(key, sorted(known), score_cutoff=60)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise UsageError(
                f"{name}: unknown key {where}{key!r}{hint}; known: {', '.join(sorted(known))}."
            )


def _table(data: dict, key: str, known: set[str], name: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise UsageError(f"{name}: {key} must be a table ([{key}]).")
    _known(table, known, name, f"in [{key}] ")
    return table


def _list(data: dict, name: str) -> list[dict]:
    senders = data.get("senders", [])
    if not isinstance(senders, list) or not all(isinstance(s, dict) for s in senders):
        raise UsageError(f"{name}: senders must be [[senders]] tables.")
    return senders


def _folder(data: dict, key: str, default: str, base: Path, name: str) -> Path:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{name}: {key} must be a folder path (text), not {value!r}.")
    return (base / value).resolve()


def _mapping(value: object, base: Path, key: str, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{name}: {key} must be a preset name or a mapping .toml path.")
    if value.lower().endswith(".toml"):
        return str((base / value).resolve())
    return value


def _sender(entry: dict, index: int, name: str) -> Sender:
    where = f"[[senders]] #{index + 1}"
    _known(entry, _SENDER, name, f"in {where} ")
    for key in ("name", "lane", "tool", "channel"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise UsageError(f"{name}: {where} needs {key} (text).")
    sender, lane = entry["name"].strip(), entry["lane"].strip().lower().replace("-", "_")
    tool, channel = entry["tool"].strip().lower(), entry["channel"].strip().lower()
    if lane not in LANES:
        raise UsageError(
            f"{name}: {where} ({sender}): lane must be lane_a or lane_b, not {lane!r}."
        )
    known_tools = tuple(dict.fromkeys((*tool_names(), GENERIC)))
    if tool not in known_tools:
        raise UsageError(
            f"{name}: {where} ({sender}): tool must be one of {', '.join(known_tools)}, "
            f"not {tool!r}."
        )
    if channel not in CHANNELS:
        raise UsageError(
            f"{name}: {where} ({sender}): channel must be one of {', '.join(CHANNELS)}, "
            f"not {channel!r}."
        )
    if tool != GENERIC and channel not in tools()[tool].channels:
        raise UsageError(
            f"{name}: {where} ({sender}): {tools()[tool].label} does not send on {channel} "
            f"(it sends on {', '.join(tools()[tool].channels)})."
        )
    caps = dict(DEFAULT_CAPS[channel])
    for key in ("per_week", "per_day"):
        if key in entry:
            value = entry[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise UsageError(
                    f"{name}: {where} ({sender}): {key} must be a whole number (0 or more), "
                    f"not {value!r}."
                )
            caps[key] = value
    return Sender(sender, lane, tool, channel, caps["per_week"], caps["per_day"])


INIT_TEXT = """\
# lanes.toml: what `loader week` reads, where it writes, and who sends what.
# Paths are relative to this file. Run `loader week --dry-run` to see the plan.

inbox = "inbox"              # put the week's files here: CRM re-export, tools' activity, ...
outbox = "outbox"            # each sender's file goes to outbox/<date>/, with both reports
archive = "inbox/loaded"     # loaded files are moved here, named with their load id

[lane_a]
# How meeting files read: a preset (hubspot, pipedrive, salesforce, sheets) or a
# mapping .toml (see `loader mapping show hubspot`). Files in our own template's
# layout, and the CRMs' screen exports, are recognised without it.
# from = "hubspot"

[lane_b]
# from = "sheets"            # partner files, when not in our template's layout
# meetings_from = "sheets"   # partner meeting files
linkedin_keywords = []       # LinkedIn positions that make a partner, added to the defaults

# One [[senders]] per mailbox or LinkedIn account. The ready queue of a lane and
# channel is split between its senders, best first, each up to its caps: per_week
# counts what was already exported to that sender this week (Monday to Sunday), so a
# second run on Wednesday exports only the rest. Defaults when left out: LinkedIn 100
# a week, email 50 a day (a mailbox's reputation); set the numbers your tools allow.
[[senders]]
name = "anna"
lane = "lane_a"              # or lane_b
tool = "{first_tool}"{pad}# {tools} | generic (a person)
channel = "email"            # email | linkedin
per_week = 250
per_day = 50

[freshness]
max_meeting_age_days = 14    # stop when the newest meeting is older (no fresh CRM export)
activity = true              # stop when a tool exported to last week has no activity loaded since
"""


def write_init(path: Path) -> None:
    if path.exists():
        raise UsageError(f"{path} already exists; nothing was written.")
    path.parent.mkdir(parents=True, exist_ok=True)
    named = [name for name in tool_names() if name != GENERIC]
    first = next(name for name in named if "email" in tools()[name].channels)
    text = INIT_TEXT.replace("{tools}", " | ".join(named)).replace("{first_tool}", first)
    path.write_text(text.replace("{pad}", " " * max(1, 13 - len(first))), encoding="utf-8")
    for folder in ("inbox", "outbox"):
        (path.parent / folder).mkdir(exist_ok=True)
