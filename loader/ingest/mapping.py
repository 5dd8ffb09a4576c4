"""Reading a CRM's export as it is: a TOML mapping from its headers and values to ours.

`loader ingest lane-a FILE --from hubspot|salesforce|pipedrive|MAPPING.toml`. A mapping:

    for = "lane-a meetings"          # which file it reads (see KINDS)
    date_format = "%d/%m/%Y"         # optional: how its dates are written
    [columns]                        # our column = their header
    meeting_date = "Activity date"
    [values.meeting_outcome]         # their value = ours (trimmed, any case)
    "No show" = "ghosted"
    [defaults]                       # our column = value, where the file has none
    source = "crm"

The presets are such files, shipped in loader/ingest/presets/; `loader mapping show NAME`
prints one to copy and edit. A mapping is checked whole before a row is read: an unknown
column, a value that is not ours, a list of headers, a date format that cannot round-trip
are one line each (exit 2).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loader.errors import UsageError
from loader.sheets.column import Column

PRESETS_DIR = Path(__file__).parent / "presets"
PRESETS = ("hubspot", "salesforce", "pipedrive")
# What a mapping may be for: the ingest commands that take --from.
KINDS = ("lane-a meetings", "lane-b partners", "lane-b appointments")
_KEYS = {"for", "date_format", "columns", "values", "defaults"}
# A mapping file is a few kB; anything far larger is not one.
_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class CrmMapping:
    name: str  # the preset's name or the file's
    kind: str
    columns: dict[str, str]  # our column -> their header, as written
    values: dict[str, dict[str, str]]  # our column -> {their value, casefolded: ours}
    defaults: dict[str, str]
    date_format: str | None


def mapping_text(name: str) -> str:
    """A preset's TOML, for `loader mapping show NAME`."""
    if name.lower() not in PRESETS:
        raise UsageError(f"no preset {name!r}; presets: {', '.join(PRESETS)}.")
    return (PRESETS_DIR / f"{name.lower()}.toml").read_text(encoding="utf-8")


def load_mapping(source: str, kind: str, columns: Sequence[Column]) -> CrmMapping:
    """The mapping `--from SOURCE` names (a preset or a .toml file), checked for `kind`."""
    if source.lower() in PRESETS:
        path, name = PRESETS_DIR / f"{source.lower()}.toml", source.lower()
    else:
        path, name = Path(source), Path(source).name
        if not path.is_file():
            raise UsageError(
                f"--from {source}: no such mapping file; give a .toml file or a preset "
                f"({', '.join(PRESETS)})."
            )
        if path.stat().st_size > _MAX_BYTES:
            raise UsageError(f"{name}: {path.stat().st_size:,} bytes is not a mapping file.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not a text file; a mapping is TOML in UTF-8.") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(
            f"{name}: not valid TOML ({error}). A column named twice is an error: each of "
            "our columns takes one header."
        ) from None
    return _checked(name, data, kind, columns)


def _checked(name: str, data: dict, kind: str, columns: Sequence[Column]) -> CrmMapping:
    by_name = {c.name: c for c in columns}
    ours = ", ".join(by_name)
    # A note of the file's own (name = "...") is fine; an unknown table is a typo.
    unknown_tables = sorted(k for k, v in data.items() if k not in _KEYS and isinstance(v, dict))
    if unknown_tables:
        raise UsageError(
            f"{name}: unknown table(s) [{'], ['.join(unknown_tables)}]; a mapping has "
            "[columns], [values.<column>] and [defaults] (and for, date_format)."
        )
    declared = data.get("for", kind)
    if declared != kind:
        raise UsageError(
            f"{name} is a mapping for {declared!r}, not for {kind!r}: use it with "
            f"`loader ingest {declared} FILE --from {name}`."
        )
    mapped: dict[str, str] = {}
    for column, header in _table(name, data, "columns").items():
        if column not in by_name:
            raise UsageError(
                f"{name}: [columns] maps {column!r}, which is not a column of {kind}; "
                f"its columns: {ours}."
            )
        if not isinstance(header, str) or not header.strip():
            raise UsageError(
                f"{name}: [columns] {column} must be one header, as text (e.g. "
                f'{column} = "Their header"), not {header!r}.'
            )
        mapped[column] = header.strip()

    def our_column(where: str, column: str) -> Column:
        if column not in by_name:
            raise UsageError(
                f"{name}: {where} names {column!r}, which is not a column of {kind}; "
                f"its columns: {ours}."
            )
        return by_name[column]

    def our_value(where: str, column: Column, value: object) -> str:
        if not isinstance(value, str):
            raise UsageError(f"{name}: {where} must be text, not {value!r}.")
        if column.allowed and value.strip().lower() not in column.allowed:
            raise UsageError(
                f"{name}: {where} = {value!r} is not one of {'|'.join(column.allowed)}."
            )
        return value.strip()

    values: dict[str, dict[str, str]] = {}
    for column, table in _table(name, data, "values").items():
        ours_column = our_column(f"[values.{column}]", column)
        if not isinstance(table, dict):
            raise UsageError(f'{name}: [values.{column}] must be a table of "theirs" = "ours".')
        values[column] = {
            theirs.strip().casefold(): our_value(f"[values.{column}] {theirs!r}", ours_column, v)
            for theirs, v in table.items()
        }
    defaults: dict[str, str] = {
        column: our_value(f"[defaults] {column}", our_column("[defaults]", column), value)
        for column, value in _table(name, data, "defaults").items()
    }
    return CrmMapping(name, kind, mapped, values, defaults, _date_format(name, data))


def _table(name: str, data: dict, key: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise UsageError(f"{name}: {key} must be a table ([{key}]).")
    return table


def _date_format(name: str, data: dict) -> str | None:
    form = data.get("date_format")
    if form is None:
        return None
    sample = dt.datetime(2026, 11, 28, 9, 30)
    try:
        ok = isinstance(form, str) and "%" in form
        ok = ok and dt.datetime.strptime(sample.strftime(form), form).date() == sample.date()
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(
            f"{name}: date_format {form!r} cannot read back a date it writes; use strftime "
            'codes, e.g. "%d/%m/%Y" (28/11/2026) or "%m/%d/%Y %H:%M".'
        )
    return form
