"""Workbooks to fill: the exact headers, dropdowns, date formats, one example row
(skipped by the ingest when left in, see `is_example_row`) and a help sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import xlsxwriter

from loader.errors import UsageError
from loader.sheets.cells import DATE_FORMS, Column
from loader.sheets.export_file import CELL_CHARS

_VALIDATED_ROWS = 5000


def write_template(
    path: Path,
    columns: list[Column],
    title: str,
    notes: Sequence[str] = (),
    force: bool = False,
    rows: Sequence[dict[str, object]] | None = None,
) -> None:
    """A workbook with a 'data' sheet to fill and a 'how to fill' sheet; `notes` head the guide.

    `rows` pre-fill the sheet (a calendar's meetings) instead of the example row. An
    existing file is never replaced unless `force`: it may be last week's filled one.
    """
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: templates are .xlsx workbooks; use a name ending in .xlsx.")
    if path.exists() and not force:
        raise UsageError(
            f"{path} already exists; nothing was written. Pick another name, or add --force "
            "to replace it (what it holds is lost)."
        )
    for number, row in enumerate(rows or (), start=2):
        for col in columns:
            value = row.get(col.name)
            if isinstance(value, str) and len(value) > CELL_CHARS:
                # Excel would cut it; a name cut short is a wrong name.
                raise UsageError(
                    f"row {number}, {col.name}: {len(value):,} characters, more than an Excel "
                    f"cell holds ({CELL_CHARS:,}); nothing was written."
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    try:
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        text_format = workbook.add_format({"num_format": "@"})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

        sheet = workbook.add_worksheet("data")
        sheet.freeze_panes(1, 0)
        validated = max(_VALIDATED_ROWS, len(rows or ()) + 1000)
        for index, col in enumerate(columns):
            sheet.write_string(0, index, col.name, required if col.required else header)
            sheet.write_comment(0, index, _help_line(col))
            if col.kind == "date":
                sheet.set_column(index, index, 14, date_format)
                if col.example and rows is None:
                    sheet.write_datetime(
                        1, index, dt.datetime.fromisoformat(col.example), date_format
                    )
                sheet.data_validation(
                    1, index, validated, index,
                    {"validate": "date", "criteria": ">=",
                     "value": dt.datetime(1990, 1, 1),
                     "error_message": "Enter a date, e.g. 2025-03-04."},
                )  # fmt: skip
                continue
            # Text format keeps ids and codes from being turned into numbers.
            sheet.set_column(index, index, max(16, len(col.name) + 4), text_format)
            if col.allowed:
                sheet.data_validation(
                    1, index, validated, index,
                    {"validate": "list", "source": list(col.allowed),
                     "error_message": f"Choose one of: {', '.join(col.allowed)}"},
                )  # fmt: skip
            if col.example and rows is None:
                sheet.write_string(1, index, col.example, text_format)
        for number, row in enumerate(rows or (), start=1):
            for index, col in enumerate(columns):
                value = row.get(col.name)
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    moment = dt.datetime.combine(value, dt.time())
                    sheet.write_datetime(number, index, moment, date_format)
                else:
                    sheet.write_string(number, index, str(value), text_format)

        guide = workbook.add_worksheet("how to fill")
        guide.set_column(0, 0, 24)
        guide.set_column(1, 2, 14)
        guide.set_column(3, 4, 60, wrap)
        guide.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 13}))
        guide.write_string(
            1, 0,
            "Fill the 'data' sheet, one row per record; replace or delete the example row. "
            "Orange headers are required. Column order does not matter.",
        )  # fmt: skip
        for offset, note in enumerate(notes, start=2):
            guide.write_string(offset, 0, note)
        first = 3 + len(notes)
        for index, name in enumerate(["column", "required", "type", "what it holds", "rules"]):
            guide.write_string(first, index, name, header)
        for row, col in enumerate(columns, start=first + 1):
            guide.write_string(row, 0, col.name)
            guide.write_string(row, 1, "yes" if col.required else ("depends" if col.note else "no"))
            guide.write_string(row, 2, col.kind)
            guide.write_string(row, 3, col.description)
            guide.write_string(row, 4, _rules(col))
    finally:
        workbook.close()


def _help_line(col: Column) -> str:
    return f"{col.description} {_rules(col)}".strip()


def _rules(col: Column) -> str:
    rules = []
    if col.allowed:
        rules.append(f"One of: {', '.join(col.allowed)}.")
    if col.default:
        rules.append(f"Empty means {col.default}.")
    if col.kind == "date":
        rules.append(f"{DATE_FORMS}.")
        if col.past_only:
            rules.append("Not in the future.")
    if col.kind == "uuid":
        rules.append("A UUID such as 3f2b8c1e-9d4a-4b7e-8f00-2a1c5e6d7b90.")
    if col.kind == "email":
        rules.append("A valid email address.")
    if col.kind == "linkedin":
        rules.append("A linkedin.com profile address (https:// and www. optional).")
    if col.kind == "domain":
        rules.append("A web domain such as acme.com.")
    if col.note:
        rules.append(col.note[0].upper() + col.note[1:] + ".")
    return " ".join(rules)


def is_example_row(columns: Sequence[Column]) -> pl.Expr:
    """True for a row that is still the template's example row, as read (text cells).

    Every column with an example holds exactly it (a date compares by its day), every
    other column is empty: a row someone typed is never mistaken for it.
    """
    conditions = []
    for col in columns:
        if not col.example:
            conditions.append(pl.col(col.name).is_null())
        elif col.kind == "date":
            conditions.append(pl.col(col.name).str.slice(0, 10) == col.example)
        else:
            conditions.append(pl.col(col.name) == col.example)
    return pl.all_horizontal(conditions).fill_null(False)  # a null cell is no match
