"""A CRM export read through a mapping (loader/ingest/mapping.py) as a lane's own columns.

The mapping renames their headers to ours, turns their values into ours (trimmed, any
case), fills our defaults where the file has nothing, and rewrites dates written in the
mapping's date_format as ISO dates. Everything after that is the usual ingest: every
cell typed and checked, all or nothing. A value the mapping does not cover is left as
it is, so the ingest refuses it naming the value, the rows and the [values] table to
add it to.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from loader.ingest.flow import SourceFormat
from loader.ingest.mapping import CrmMapping
from loader.sheets.column import Column
from loader.sheets.sheet_reader import normalize_header
from loader.sheets.workbook import ROW


def read_headers(mapping: CrmMapping, columns: Sequence[Column]) -> dict[str, str | None]:
    """Their header (as read: normalised) for each of our columns. A column the mapping
    does not name is read under our own name when the file has it - unless the mapping
    gives that header to another column (HubSpot's "Company ID" is crm_company_id, not
    our company_id): then it is not read at all (None)."""
    mapped = {normalize_header(h) for h in mapping.columns.values()}
    return {
        c.name: normalize_header(mapping.columns[c.name])
        if c.name in mapping.columns
        else (None if normalize_header(c.name) in mapped else c.name)
        for c in columns
    }


def mapped_source(mapping: CrmMapping, columns: Sequence[Column]) -> SourceFormat:
    headers = read_headers(mapping, columns)
    required = [
        headers[c.name]
        for c in columns
        if c.required and c.name not in mapping.defaults and headers[c.name] is not None
    ]

    def to_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
        selected = [ROW]
        for column in columns:
            header = headers[column.name]
            value = (
                pl.col(header)
                if header is not None and header in frame.columns
                else pl.lit(None, pl.String)
            )
            value = _our_values(value, mapping.values.get(column.name))
            if column.kind in ("date", "timestamp") and mapping.date_format:
                value = _iso_dates(value, mapping.date_format, column.kind)
            if column.name in mapping.defaults:
                value = value.fill_null(pl.lit(mapping.defaults[column.name]))
            selected.append(value.alias(column.name))
        return frame.select(selected), []

    def hint(column: str) -> str | None:
        if any(c.name == column and c.allowed for c in columns):
            return (
                f"add it under [values.{column}] in your mapping ({mapping.name}): "
                f'"their value" = "one of ours"'
            )
        if any(c.name == column and c.kind in ("date", "timestamp") for c in columns):
            return f'set date_format in your mapping ({mapping.name}), e.g. "%d/%m/%Y"'
        return None

    return SourceFormat(
        known=list(dict.fromkeys(h for h in headers.values() if h is not None)),
        required=required,
        to_columns=to_columns,
        hint=hint,
    )


def _our_values(value: pl.Expr, table: dict[str, str] | None) -> pl.Expr:
    if not table:
        return value
    key = value.str.strip_chars().str.to_lowercase()
    return key.replace_strict(table, default=value, return_dtype=pl.String)


def _iso_dates(value: pl.Expr, form: str, kind: str) -> pl.Expr:
    """Their dates as ISO text; a value not in their format is left for the ingest to refuse."""
    with_time = any(code in form for code in ("%H", "%I", "%M", "%S"))
    parsed = value.str.strptime(pl.Datetime if with_time else pl.Date, form, strict=False)
    iso = parsed.dt.strftime("%Y-%m-%d" if kind == "date" or not with_time else "%Y-%m-%d %H:%M:%S")
    return pl.coalesce(iso, value)
