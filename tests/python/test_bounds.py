"""Inputs at and past their bounds: refused in one line or read exactly, never cut or
silently wrong (docs/guarantees.md). Each builds its hostile input here."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import polars as pl
import pytest

from loader.errors import FileUnusable, UsageError
from loader.ingest.mapping import load_mapping
from loader.lanes.lane_a.columns import MEETING_COLUMNS
from loader.sheets import export_file
from loader.sheets.cells import Column, parse_columns
from loader.sheets.workbook import ROW, read_table

pytestmark = pytest.mark.once


def test_an_export_longer_than_a_sheet_goes_on_to_more_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_file, "SHEET_ROWS", 3)
    rows = [[f"person {i}", i] for i in range(7)]
    temporary = export_file.write_temporary(tmp_path / "q.xlsx", ["name", "n"], rows)
    sheets = pl.read_excel(temporary, sheet_id=0)
    assert list(sheets) == ["queue", "queue 2", "queue 3"]
    assert [frame.height for frame in sheets.values()] == [3, 3, 1]
    written = [n for frame in sheets.values() for n in frame["n"].to_list()]
    assert written == list(range(7))  # every row reported is a row written


def test_a_cell_longer_than_excel_holds_is_refused_not_cut(tmp_path: Path) -> None:
    rows = [["ok", 1], ["x" * (export_file.CELL_CHARS + 1), 2]]
    with pytest.raises(UsageError, match=r"row 2 of the queue, name: 32,768 characters"):
        export_file.write_temporary(tmp_path / "q.xlsx", ["name", "n"], rows)
    assert list(tmp_path.iterdir()) == []  # no half file left


def test_offsets_beyond_18_hours_and_year_0_are_row_errors() -> None:
    frame = pl.DataFrame(
        {
            ROW: [2, 3, 4, 5, 6],
            "at": ["2026-11-01T10:00:00+99:99", "2026-11-01T10:00:00-18:30", "0000-06-01",
                   "2026-11-01T10:00:00+18:00", "2026-11-01T10:00:00+05:61"],
            "day": ["0000-01-01", "2026-01-01", None, None, None],
        }
    )  # fmt: skip
    columns = [Column("at", "timestamp", ""), Column("day", "date", "")]
    parsed = parse_columns(frame, columns, dt.date(2026, 12, 1)).frame
    errors = parsed["err:at"].to_list()
    assert "UTC offset beyond -18:00..+18:00" in errors[0]
    assert "UTC offset beyond" in errors[1] and "UTC offset beyond" in errors[4]
    assert "out of range: a year runs from 1 to 9999" in errors[2]
    assert errors[3] is None  # +18:00 is the last offset there is
    assert parsed["at"][3] == dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)
    assert "out of range" in parsed["err:day"][0] and parsed["err:day"][1] is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a" + ".a" * 40_000 + " = 1\n", "nested more than 8 deep"),
        ("x = " + "[" * 50 + "]" * 50 + "\n", "nested more than 8 deep"),
        ("# " + "x" * 200_000 + "\n", "is not a mapping file"),
        ('date_format = "%d/%m/%Y %H"\n', "an hour with its minutes"),
    ],
)
def test_a_hostile_mapping_is_refused_quickly(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(UsageError, match=says):
        load_mapping(str(path), "lane-a meetings", MEETING_COLUMNS)
    assert time.monotonic() - started < 5  # 40k dots took minutes and gigabytes in tomllib


def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "meetings.csv"
    os.mkfifo(fifo)
    with pytest.raises(FileUnusable, match="not a regular file"):
        read_table(fifo, ["meeting_date"], ["meeting_date"])


def test_a_header_polars_would_read_as_a_regex_is_just_a_header(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("^.*$,meeting_date\nx,2026-01-01\n", encoding="utf-8")
    table = read_table(path, ["meeting_date"], ["meeting_date"])
    assert table.frame["meeting_date"].to_list() == ["2026-01-01"]
    assert table.unknown_columns == [".*"]


def test_a_csv_line_longer_than_a_row_is_refused_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    with path.open("wb") as handle:
        handle.write(b"meeting_date\n2026-01-01\n")
        for _ in range(6):  # a 6 MB line of commas
            handle.write(b"," * 1024**2)
        handle.write(b"\n")
    with pytest.raises(FileUnusable, match=r"line 3 is longer than 4 MB"):
        read_table(path, ["meeting_date"], ["meeting_date"])


def test_a_header_with_more_columns_than_a_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(20_000)) + "\n", encoding="utf-8")
    with pytest.raises(FileUnusable, match="20,000 columns, more than a sheet holds"):
        read_table(path, ["meeting_date"], ["meeting_date"])


def test_a_huge_header_is_shown_by_its_start_and_length(tmp_path: Path) -> None:
    path = tmp_path / "big_header.csv"
    path.write_text("x" * 2_000_000 + ",other\n1,2\n", encoding="utf-8")
    with pytest.raises(FileUnusable) as refused:
        read_table(path, ["meeting_date"], ["meeting_date"])
    assert len(str(refused.value)) < 1_000 and "(2,000,000 characters)" in str(refused.value)


def test_a_template_row_longer_than_a_cell_is_refused_and_nothing_written(tmp_path: Path) -> None:
    from loader.sheets.templates import write_template

    out = tmp_path / "meetings.xlsx"
    rows = [{"person_name": "x" * 40_000, "email": "a@b.example"}]
    with pytest.raises(UsageError, match="row 2, person_name: 40,000 characters"):
        write_template(out, MEETING_COLUMNS, "t", rows=rows)
    assert not out.exists()
