"""Reading a CRM's export as it is: a TOML mapping from its headers and values to ours.

`loader ingest lane-a FILE --from hubspot|salesforce|pipedrive|sheets|MAPPING.toml`.

    for = "lane-a meetings"          # which file it reads (see KINDS)
    extends = "pipedrive"            # optional: start from a preset, change what follows
    date_format = "%d/%m/%Y"         # optional: how its dates are written (or a list)
    [columns]                        # our column = their header, or the headers it may have
    meeting_date = ["Activity - Due date", "Due date", "due_date"]
    [inputs]                         # their columns the rules read that are not ours
    deal_status = ["Deal - Status", "Deal status"]
    [values.meeting_outcome]         # their value = ours (trimmed, any case)
    "No show" = "ghosted"
    [[rules]]                        # ordered; the first whose `when` holds decides
    when = { deal_status = "lost" }
    set = { meeting_outcome = "lost" }
    [defaults]                       # our column = value, where the file has none
    source = "crm"

A header is matched ignoring case, spaces, dashes and underscores ("Due date" = due_date =
"DUE-DATE"), and, when nothing matches whole, without an object prefix such as Pipedrive's
and Salesforce's "Activity - " or "Person - ". Each of our columns takes the first of its
headers the file has.

In [values.<column>], "*" is any other value ("*" = "other"). A rule's `when` names
inputs or our columns, each with their value(s) as the file writes them (any case, before
[values]) or a test (past and future read the date as the mapping reads it):
`{ is = "empty" | "filled" | "past" | "future" }` or `{ not = ["won", "lost"] }`. Then
`set` (replaces the file's value), `fill` (only where the file has none) or `skip = "why"`
(the row is left out and counted: a scheduled, not yet held, activity). In order, a rule
that holds fires unless an earlier rule that fired already set a column it sets; where no
rule sets a column, the file's own column (through [values]) and then [defaults] give it.

The presets are such files, shipped in loader/ingest/presets/; `loader mapping show NAME`
prints one to copy and edit. A mapping is checked whole before a row is read: an unknown
column, a value that is not ours, the same value mapped twice, a date format that cannot
round-trip are one line each (exit 1).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loader.errors import UsageError
from loader.sheets.column import Column

PRESETS_DIR = Path(__file__).parent / "presets"
PRESETS = ("hubspot", "salesforce", "pipedrive", "sheets")
# What a mapping may be for: the ingest commands that take --from.
KINDS = ("lane-a meetings", "lane-b partners", "lane-b appointments")
_KEYS = {"for", "extends", "date_format", "columns", "inputs", "values", "rules", "defaults"}
_TESTS = ("empty", "filled", "past", "future")
# A mapping file is a few kB; anything far larger is not one. Its keys are a few levels
# deep: tomllib's time grows with the square of a dotted key's depth (16 kB of a.a.a…:
# 2 s; 64 kB: 26 s and 4 GB), so depth is checked before it parses.
_MAX_BYTES = 100_000
_MAX_DEPTH = 8
# The objects whose name CRMs put before a field's label in an export ("Person - Email").
OBJECT_PREFIXES = ("activity", "person", "organization", "organisation", "deal", "lead",
                   "contact", "account", "company", "event", "task", "opportunity", "meeting",
                   "associated")  # fmt: skip


def header_key(header: str) -> str:
    """What two headers must share to be the same: 'Due date' = due_date = 'DUE-DATE'."""
    return re.sub(r"[\s\-_:]+", "", str(header)).casefold()


def without_object_prefix(header: str) -> str | None:
    """'Activity - Due date' -> 'Due date' (as a key); None without such a prefix."""
    key = header_key(header)
    for prefix in OBJECT_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return None


@dataclass(frozen=True)
class Condition:
    """One test of a rule: `values` (casefolded; any of them), or `test` (past, ...),
    negated with `negate`."""

    values: tuple[str, ...] = ()
    test: str | None = None
    negate: bool = False


@dataclass(frozen=True)
class Rule:
    when: dict[str, Condition]
    set: dict[str, str]
    fill: dict[str, str]
    skip: str | None


@dataclass(frozen=True)
class CrmMapping:
    name: str  # the preset's name or the file's
    kind: str
    columns: dict[str, tuple[str, ...]]  # our column -> their headers, first found wins
    inputs: dict[str, tuple[str, ...]]  # an input the rules read -> their headers
    values: dict[str, dict[str, str]]  # our column -> {their value, casefolded: ours}
    defaults: dict[str, str]
    date_formats: tuple[str, ...]  # tried in order; ISO dates are always read
    rules: tuple[Rule, ...] = ()

    def headers_of(self, name: str) -> tuple[str, ...]:
        """The headers our column or an input may have in the file."""
        return self.columns.get(name) or self.inputs.get(name) or ()


def mapping_text(name: str) -> str:
    """A preset's TOML, for `loader mapping show NAME`."""
    if name.lower() not in PRESETS:
        raise UsageError(f"no preset {name!r}; presets: {', '.join(PRESETS)}.")
    return (PRESETS_DIR / f"{name.lower()}.toml").read_text(encoding="utf-8")


def load_mapping(source: str, kind: str, columns: Sequence[Column]) -> CrmMapping:
    """The mapping `--from SOURCE` names (a preset or a .toml file), checked for `kind`."""
    name, data = _read(source)
    base = data.get("extends")
    if base is not None:
        if not isinstance(base, str) or base.lower() not in PRESETS:
            raise UsageError(
                f"{name}: extends = {base!r} is not a preset; presets: {', '.join(PRESETS)}."
            )
        _, preset = _read(base)
        data = _extended(preset, data)
    return _checked(name, data, kind, columns)


def _read(source: str) -> tuple[str, dict]:
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
        text = path.read_text(encoding="utf-8")
        _check_depth(name, text)
        return name, tomllib.loads(text)
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not a text file; a mapping is TOML in UTF-8.") from None
    except RecursionError:
        raise UsageError(f"{name}: nested too deep to be a mapping.") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(
            f"{name}: not valid TOML ({error}). A column named twice is an error: list its "
            'headers instead (email = ["Email", "Work email"]).'
        ) from None


def _check_depth(name: str, text: str) -> None:
    """Refuse keys dotted, and tables or arrays nested, deeper than a mapping needs."""
    depth = dots = 0
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            i += 2 if char == "\\" and quote[0] == '"' else 1
            continue
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i : i + 3]
            i += 3
            continue
        if char in "\"'":
            quote = char
        elif char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "\n" or char == "=":
            dots = 0
        elif char == ".":
            dots += 1
        if depth > _MAX_DEPTH or dots > _MAX_DEPTH:
            raise UsageError(
                f"{name}: keys or tables nested more than {_MAX_DEPTH} deep: not a mapping "
                "(see `loader mapping show hubspot`)."
            )
        i += 1


def _extended(preset: dict, own: dict) -> dict:
    """The preset with the file's tables laid over it: a column, input, value or default
    the file names replaces the preset's; the file's rules, when it has any, replace all
    of the preset's (their order is their meaning)."""
    merged = {key: value for key, value in preset.items() if key != "extends"}
    for key, value in own.items():
        if key in ("columns", "inputs", "defaults") and isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        elif key == "values" and isinstance(value, dict):
            values = dict(merged.get("values", {}))
            for column, table in value.items():
                base = values.get(column, {})
                values[column] = {**base, **table} if isinstance(table, dict) else table
            merged["values"] = values
        elif key != "extends":
            merged[key] = value
    return merged


def _checked(name: str, data: dict, kind: str, columns: Sequence[Column]) -> CrmMapping:
    by_name = {c.name: c for c in columns}
    ours = ", ".join(by_name)
    unknown_tables = sorted(k for k, v in data.items() if k not in _KEYS and isinstance(v, dict))
    if unknown_tables:
        raise UsageError(
            f"{name}: unknown table(s) [{'], ['.join(unknown_tables)}]; a mapping has "
            "[columns], [inputs], [values.<column>], [[rules]] and [defaults] (and for, "
            "extends, date_format)."
        )
    declared = data.get("for", kind)
    if declared != kind:
        raise UsageError(
            f"{name} is a mapping for {declared!r}, not for {kind!r}: use it with "
            f"`loader ingest {declared} FILE --from {name}`."
        )

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

    mapped: dict[str, tuple[str, ...]] = {}
    for column, headers in _table(name, data, "columns").items():
        our_column("[columns]", column)
        mapped[column] = _headers(name, "columns", column, headers)
    inputs = {
        key: _headers(name, "inputs", key, headers)
        for key, headers in _table(name, data, "inputs").items()
    }
    clash = sorted(set(inputs) & set(by_name))
    if clash:
        raise UsageError(
            f"{name}: [inputs] {clash[0]!r} is one of our columns; map it under [columns] "
            "or give the input another name."
        )
    values: dict[str, dict[str, str]] = {}
    for column, table in _table(name, data, "values").items():
        ours_column = our_column(f"[values.{column}]", column)
        if not isinstance(table, dict):
            raise UsageError(f'{name}: [values.{column}] must be a table of "theirs" = "ours".')
        values[column] = {}
        said: dict[str, str] = {}
        for theirs, value in table.items():
            key = theirs.strip().casefold()
            ours_value = our_value(f"[values.{column}] {theirs!r}", ours_column, value)
            if key in values[column] and values[column][key].lower() != ours_value.lower():
                raise UsageError(
                    f"{name}: [values.{column}] maps {said[key]!r} to "
                    f"{values[column][key]!r} and {theirs!r} to {ours_value!r}: the same "
                    "value (any case) can go one way only; keep one."
                )
            values[column][key], said[key] = ours_value, theirs
    defaults: dict[str, str] = {
        column: our_value(f"[defaults] {column}", our_column("[defaults]", column), value)
        for column, value in _table(name, data, "defaults").items()
    }
    rules = _rules(name, data, inputs, our_column, our_value)
    return CrmMapping(
        name, kind, mapped, inputs, values, defaults, _date_formats(name, data), rules
    )


def _headers(name: str, table: str, key: str, headers: object) -> tuple[str, ...]:
    listed = [headers] if isinstance(headers, str) else headers
    if (
        not isinstance(listed, list)
        or not listed
        or not all(isinstance(h, str) and h.strip() for h in listed)
    ):
        raise UsageError(
            f"{name}: [{table}] {key} must be a header or a list of headers, as text (e.g. "
            f'{key} = "Their header" or {key} = ["Their header", "its_api_name"]), not '
            f"{headers!r}."
        )
    return tuple(h.strip() for h in listed)


def _rules(name: str, data: dict, inputs: dict, our_column, our_value) -> tuple[Rule, ...]:
    listed = data.get("rules", [])
    if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
        raise UsageError(f"{name}: rules must be tables ([[rules]]), in the order they apply.")
    rules = []
    for number, rule in enumerate(listed, start=1):
        where = f"rule {number}"
        unknown = sorted(set(rule) - {"when", "set", "fill", "skip", "note"})
        if unknown:
            raise UsageError(
                f"{name}: {where} has {unknown[0]!r}; a rule has when, and set, fill or skip."
            )
        when = rule.get("when")
        if not isinstance(when, dict) or not when:
            raise UsageError(f'{name}: {where} needs when = {{ input = "value", ... }}.')
        conditions = {}
        for key, test in when.items():
            if key not in inputs:
                our_column(f"{where} when", key)
            conditions[key] = _condition(name, f"{where} when {key}", test)
        actions = {}
        for action in ("set", "fill"):
            table = rule.get(action, {})
            if not isinstance(table, dict):
                raise UsageError(f'{name}: {where} {action} must be {{ column = "value" }}.')
            actions[action] = {
                column: our_value(
                    f"{where} {action} {column}", our_column(f"{where} {action}", column), v
                )
                for column, v in table.items()
            }
        skip = rule.get("skip")
        if skip is not None and (not isinstance(skip, str) or not skip.strip()):
            raise UsageError(f'{name}: {where} skip must say why, e.g. skip = "not held yet".')
        if skip is None and not actions["set"] and not actions["fill"]:
            raise UsageError(f"{name}: {where} does nothing: give it set, fill or skip.")
        rules.append(Rule(conditions, actions["set"], actions["fill"], skip))
    return tuple(rules)


def _condition(name: str, where: str, test: object) -> Condition:
    def texts(value: object) -> tuple[str, ...] | None:
        listed = [value] if isinstance(value, str | int | bool) else value
        if not isinstance(listed, list) or not listed:
            return None
        return tuple(str(v).strip().casefold() for v in listed)

    if isinstance(test, dict) and len(test) == 1:
        [(key, value)] = test.items()
        if key == "is" and value in _TESTS:
            return Condition(test=value)
        if key == "not" and texts(value) is not None:
            return Condition(values=texts(value), negate=True)
    elif texts(test) is not None:
        return Condition(values=texts(test))
    raise UsageError(
        f"{name}: {where} must be a value, a list of values, {{ not = [...] }} or "
        f'{{ is = "{"|".join(_TESTS)}" }}, not {test!r}.'
    )


def _table(name: str, data: dict, key: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise UsageError(f"{name}: {key} must be a table ([{key}]).")
    return table


def _polars_reads(form: str, sample: dt.datetime) -> bool:
    """The reader (polars) takes the format too: it wants an hour with its minutes."""
    import polars as pl

    with_time = any(code in form for code in ("%H", "%I", "%M", "%S"))
    try:
        parsed = pl.Series([sample.strftime(form)]).str.strptime(
            pl.Datetime if with_time else pl.Date, form, strict=False
        )
    except pl.exceptions.PolarsError:
        return False
    return parsed.null_count() == 0


def _date_formats(name: str, data: dict) -> tuple[str, ...]:
    forms = data.get("date_format", [])
    forms = [forms] if isinstance(forms, str) else forms
    sample = dt.datetime(2026, 11, 28, 9, 30)
    for form in forms if isinstance(forms, list) else [forms]:
        try:
            ok = isinstance(form, str) and "%" in form
            ok = ok and dt.datetime.strptime(sample.strftime(form), form).date() == sample.date()
            ok = ok and _polars_reads(form, sample)
        except ValueError:
            ok = False
        if not ok:
            raise UsageError(
                f"{name}: date_format {form!r} cannot read back a date it writes; use strftime "
                'codes (an hour with its minutes), e.g. "%d/%m/%Y" (28/11/2026) or '
                '"%m/%d/%Y %H:%M", or a list of them.'
            )
    return tuple(forms)
