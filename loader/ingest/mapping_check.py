"""What `loader mapping check` prints: a file read through a mapping, column by column.

Always a table, whatever the file: each of our columns with the header it comes from (or
the file's three closest headers), the rules' inputs, then for each column whose values
are ours to check, the file's distinct values with their counts and where each goes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

from loader.ingest.mapped_source import (
    closest_headers,
    derived_by_rules,
    mapped_source,
    near_value,
    resolve,
)
from loader.ingest.mapping import CrmMapping
from loader.sheets.column import Column
from loader.sheets.workbook import ROW, read_table

_WIDTH = 18


def check_mapping(
    path: Path,
    mapping: CrmMapping,
    columns: Sequence[Column],
    sheet: str | None,
    echo: Callable[[str], None],
) -> int:
    """Print how FILE maps through `mapping`; returns the number of problems found."""
    table = read_table(path, [], [], sheet, choose=lambda headers: (list(headers), []))
    written = table.as_written
    resolved = resolve(mapping, columns, table.found_columns)
    frame, warnings = mapped_source(mapping, columns).to_columns(table.frame)
    unused = [written[h] for h in table.found_columns if h not in set(resolved.headers.values())]
    by_rules = derived_by_rules(mapping)
    problems = 0
    echo(f"{path.name} through {mapping.name} ({table.rows_read} rows):")
    echo(f"  {'our column':<{_WIDTH}} comes from")
    for column in columns:
        header = resolved.header(column.name)
        if header is not None:
            where = f"{written.get(header, header)!r}"
        else:
            where = "nothing in the file"
            if column.name in resolved.ambiguous:
                where += f" (several: {', '.join(map(repr, resolved.ambiguous[column.name]))})"
            if column.name in by_rules:
                where = "the rules, where one holds"
            if column.name in mapping.defaults:
                where += f", default {mapping.defaults[column.name]!r}"
            elif column.required and column.name not in by_rules:
                where += " - REQUIRED: add its header under [columns] or a default"
                problems += 1
            close = closest_headers(mapping.headers_of(column.name) or (column.name,), unused)
            if close and column.name not in by_rules and column.name in mapping.columns:
                where += f"; closest headers: {', '.join(map(repr, close))}"
        echo(f"  {column.name:<{_WIDTH}} {where}")
    for name in mapping.inputs:
        header = resolved.header(name)
        where = (
            repr(written.get(header, header))
            if header
            else "nothing in the file (the rules reading it never hold)"
        )
        echo(f"  {'input ' + name:<{_WIDTH}} {where}")
    for column in columns:
        header = resolved.header(column.name)
        if column.allowed and (header is not None or column.name in by_rules):
            known = mapping.values.get(column.name, {})
            problems += _values(table.frame, frame, header, column, known, echo)
    for warning in warnings:
        echo(f"  {warning}")
    if unused:
        echo(f"  not read: {', '.join(unused)}")
    echo("mapping ok" if not problems else f"{problems} problem(s): fix the mapping, then ingest")
    return problems


def _values(
    raw: pl.DataFrame,
    mapped: pl.DataFrame,
    header: str | None,
    column: Column,
    known: dict[str, str],
    echo: Callable[[str], None],
) -> int:
    theirs = (
        raw.select(ROW, pl.col(header).alias("theirs"))
        if header
        else raw.select(ROW, pl.lit(None, pl.String).alias("theirs"))
    )
    pairs = (
        mapped.select(ROW, pl.col(column.name).alias("ours"))
        .join(theirs, on=ROW, how="left")
        .group_by("theirs", "ours")
        .len()
        .sort("len", "theirs", descending=[True, False], nulls_last=True)
    )
    echo(f"  {column.name} values:")
    problems = 0
    for their_value, ours, count in pairs.iter_rows():
        shown = repr(their_value) if their_value is not None else "(empty)"
        if header is None:
            shown = "(by the rules)"
        if ours is not None and ours.strip().lower() in column.allowed:
            verdict = f"-> {ours.strip().lower()}"
        else:
            problems += 1
            verdict = "NOT MAPPED: add it under [values]"
            near = near_value(their_value, known)
            ours_near = process.extractOne(
                (their_value or "").casefold(), column.allowed, scorer=fuzz.WRatio
            )
            if near:
                verdict += f" (did you mean {near}?)"
            elif their_value and ours_near and ours_near[1] >= 60:
                verdict += f" (closest of ours: {ours_near[0]!r})"
        echo(f"    {shown} x {count}: {verdict}")
    return problems
