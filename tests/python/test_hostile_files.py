"""Files that would hurt the loader are refused before any reader sees them: one line, exit 2."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from cli_run import run_main
from sheets import write_xlsx

HEADERS = ["company_id", "meeting_date", "meeting_type", "meeting_outcome"]
ROW = ["cccccccc-0000-4000-8000-000000000001", "2026-03-04", "numbers", "lost"]


def with_sheet_xml(source: Path, target: Path, rewrite) -> Path:
    """A copy of a workbook whose first sheet's XML went through `rewrite`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = rewrite(data)
            new.writestr(item, data)
    return target


def run_ingest(path: Path, capsys, monkeypatch) -> tuple[int, str]:
    code, _, err = run_main(["ingest", "lane-a", str(path), "--dry-run"], capsys, monkeypatch)
    return code, err


def test_a_sheet_claiming_the_whole_grid_is_refused(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    honest = write_xlsx(tmp_path / "honest.xlsx", HEADERS, [ROW])

    def claim_everything(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", far_cell + b"</sheetData>")

    far = with_sheet_xml(honest, tmp_path / "far.xlsx", claim_everything)
    assert far.stat().st_size < 10_000  # a small file, a huge claim
    code, err = run_ingest(far, capsys, monkeypatch)
    assert code == 2
    assert "claims 17,179,869,184 cells (A1:XFD1048576)" in err
    assert "copy the data into a new workbook" in err.lower()
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "report.xlsx"),
        (b"", "empty.xlsx"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated", "cut.xlsx"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_in_one_line(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    name: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, err = run_ingest(path, capsys, monkeypatch)
    assert code == 2
    assert "is not a workbook" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_csv_in_another_encoding_is_refused_in_one_line(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    encoding: str,
) -> None:
    path = tmp_path / "meetings.csv"
    path.write_text(
        ",".join([*HEADERS, "stalled_reason"]) + "\n" + ",".join([*ROW[:3], "stalled",
        "Budget – frozen café"]) + "\n",
        encoding=encoding,
    )  # fmt: skip
    code, err = run_ingest(path, capsys, monkeypatch)
    assert code == 2 and "is not UTF-8 text" in err and "CSV UTF-8" in err
    assert len(err.strip().splitlines()) == 1


def test_a_nul_byte_in_a_cell_is_a_row_error_not_a_database_error(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(
        b"company_id,meeting_date,meeting_type,meeting_outcome,stalled_reason\n"
        b"cccccccc-0000-4000-8000-000000000001,2026-03-04,numbers,stalled,Budget\x00 frozen\n"
    )
    code, out, _ = run_main(["ingest", "lane-a", str(path)], capsys, monkeypatch)
    assert code == 1
    assert "row 2, stalled_reason" in out and "holds a NUL character" in out
