"""What one column of an input file holds: the spec the templates, the CLI and the
cell parsers (loader/sheets/cells.py) share. Plain data, so the CLI can read the lanes'
column lists without loading polars."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | id | uuid | date | timestamp | enum | email | linkedin | domain | score
    description: str
    example: str = ""
    required: bool = False
    allowed: tuple[str, ...] = ()
    default: str | None = None
    past_only: bool = False  # dates: reject the future (meetings have happened)
    note: str = ""  # e.g. "required if meeting_outcome = stalled"
