"""What `loader mapping check` prints: a file read through a mapping, column by column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from loader.ingest.mapped_source import mapped_source, read_headers
from loader.ingest.mapping import CrmMapping
from loader.sheets.column import Column
from loader.sheets.workbook import read_table


def check_mapping(
    path: Path,
    mapping: CrmMapping,
    columns: Sequence[Column],
    sheet: str | None,
    echo: Callable[[str], None],
) -> int:
    """Print how FILE maps through `mapping`; returns the number of problems found."""
    source = mapped_source(mapping, columns)
    table = read_table(path, list(source.known), list(source.required), sheet)
    frame, _ = source.to_columns(table.frame)
    problems = 0
    echo(f"{path.name} through {mapping.name} ({table.rows_read} rows):")
    headers = read_headers(mapping, columns)
    for column in columns:
        header = headers[column.name]
        present = (
            header is not None
            and header in table.frame.columns
            and (table.frame.get_column(header).drop_nulls().len() > 0)
        )
        if present:
            where = f"from {mapping.columns.get(column.name, column.name)!r}"
        elif column.name in mapping.defaults:
            where = f"default {mapping.defaults[column.name]!r}"
        else:
            where = "not in the file"
            if column.required:
                where += " (REQUIRED: map it under [columns] or set it under [defaults])"
                problems += 1
        echo(f"  {column.name}: {where}")
        if column.allowed and present:
            problems += _values(table.frame, frame, header, column, echo)
    if table.unknown_columns:
        echo(f"  not read: {', '.join(table.unknown_columns)}")
    echo("mapping ok" if not problems else f"{problems} problem(s): fix the mapping, then ingest")
    return problems


def _values(raw: pl.DataFrame, mapped: pl.DataFrame, header: str, column: Column, echo) -> int:
    pairs = (
        pl.DataFrame({"theirs": raw.get_column(header), "ours": mapped.get_column(column.name)})
        .drop_nulls("theirs")
        .group_by("theirs", "ours")
        .len()
        .sort("len", descending=True)
    )
    problems = 0
    for theirs, ours, count in pairs.iter_rows():
        ok = ours is not None and ours.strip().lower() in column.allowed
        verdict = f"-> {ours.strip().lower()}" if ok else "NOT MAPPED: add it under [values]"
        problems += 0 if ok else 1
        echo(f"    {theirs!r} x {count}: {verdict}")
    return problems
