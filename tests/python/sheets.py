"""Helpers that write small workbooks and CSV files the way people make them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter


def write_xlsx(
    path: Path, headers: list[str], rows: list[list[object]], sheet: str = "data"
) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    worksheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.datetime | dt.date):
                if not isinstance(value, dt.datetime):
                    value = dt.datetime(value.year, value.month, value.day)
                worksheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, int | float):
                worksheet.write_number(r, c, value)
            else:
                worksheet.write_string(r, c, str(value))
    workbook.close()
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[object]], bom: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path
