"""Writing a ready queue to a file for an outreach tool (.xlsx or .csv).

The file is written next to its destination under a temporary name and only
moved into place by `publish`, so a failed export never leaves a half file,
and a caller that also records touches can publish only after its commit.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from loader.errors import UsageError

SUFFIXES = (".xlsx", ".csv")
# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An international phone number (+1 555 0100, +44 (20) 7946-0958) is not a formula a
# spreadsheet runs: digits, spaces and ( ) . - only, after the one leading plus.
_PHONE = re.compile(r"\+\d[\d ().-]*")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that opens as text, never as a formula (OWASP "CSV injection").

    Text starting with = + - @ tab or CR gets a leading apostrophe, which the
    spreadsheet shows as text and hides; numbers and dates pass as they are.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        if _PHONE.fullmatch(value):
            return value
        return "'" + value
    return value


def _with_user_permissions(path: Path) -> None:
    """mkstemp creates 0600; an export is an ordinary file, so honour the umask."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def check_destination(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"cannot export to {path.name}: use a file name ending in .xlsx or .csv.")
    if not path.parent.is_dir():
        raise UsageError(f"cannot export to {path}: the folder {path.parent} does not exist.")


def write_temporary(path: Path, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write rows to a temporary file beside `path`; returns the temporary path."""
    check_destination(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    _with_user_permissions(temporary)
    try:
        if path.suffix.lower() == ".csv":
            _write_csv(temporary, columns, rows)
        else:
            _write_xlsx(temporary, columns, rows)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def publish(temporary: Path, path: Path) -> None:
    temporary.replace(path)


def discard(temporary: Path) -> None:
    temporary.unlink(missing_ok=True)


def _cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: instants are exported in UTC.
        return value.astimezone(dt.UTC)
    return value


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            cells = [_cell(v) for v in row]
            writer.writerow(
                [
                    v.isoformat(sep=" ", timespec="seconds")
                    if isinstance(v, dt.datetime)
                    else spreadsheet_safe(v)
                    for v in cells
                ]
            )


# What one Excel sheet holds: 1,048,576 rows (the header is one) and 32,767 characters
# a cell (support.microsoft.com, "Excel specifications and limits").
SHEET_ROWS = 1_048_575
CELL_CHARS = 32_767


def _write_xlsx(path: Path, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Rows beyond one sheet go on to "queue 2", "queue 3", each with the header: every
    row reported is a row written. A text longer than a cell holds is refused, never cut."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    try:
        for part, start in enumerate(range(0, max(len(rows), 1), SHEET_ROWS), start=1):
            chunk = rows[start : start + SHEET_ROWS]
            sheet = workbook.add_worksheet("queue" if part == 1 else f"queue {part}")
            # Every text cell goes in with write_string: a value is never read as a formula.
            sheet.write_row(0, 0, list(columns), bold)
            sheet.freeze_panes(1, 0)
            for r, row in enumerate(chunk, start=1):
                for c, value in enumerate(row):
                    value = _cell(value)
                    if value is None:
                        continue
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(r, c, value.replace(tzinfo=None), time_format)
                    elif isinstance(value, dt.date):
                        sheet.write_datetime(
                            r, c, dt.datetime(value.year, value.month, value.day), date_format
                        )
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    elif len(text := str(value)) > CELL_CHARS:
                        raise UsageError(
                            f"row {start + r} of the queue, {columns[c]}: {len(text):,} "
                            f"characters, more than an Excel cell holds ({CELL_CHARS:,}); "
                            "export to .csv instead."
                        )
                    else:
                        sheet.write_string(r, c, text)
            sheet.autofilter(0, 0, max(len(chunk), 1), len(columns) - 1)
    finally:
        workbook.close()
