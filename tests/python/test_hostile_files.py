"""Files that would hurt the loader are refused before any reader sees them: one line, exit 1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import hostile_workbooks as hostile
import psutil
import psycopg
import pytest
from cli_run import run_main
from sheets import write_csv, write_xlsx

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
    assert code == 1
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
    assert code == 1
    assert "is not a workbook" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_a_csv_in_another_encoding_is_read_right_with_a_warning(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    encoding: str,
) -> None:
    """Excel's "Unicode Text" (UTF-16) and "CSV" on a Western Windows (Windows-1252) are
    read as they were written: never replacement characters."""
    path = tmp_path / "meetings.csv"
    reason = "Budget – frozen café; Müller’s call"
    lines = [",".join([*HEADERS, "stalled_reason"])]
    # Far enough down that a reader checking only the first block would miss it.
    lines += [",".join([ROW[0], f"2026-03-{1 + i % 28:02d}", "numbers", "lost", ""])
              for i in range(3000)]  # fmt: skip
    lines.append(",".join([ROW[0], "2026-03-29", "numbers", "stalled", reason]))
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    code, out, err = run_main(["ingest", "lane-a", str(path), "--json"], capsys, monkeypatch)
    assert code == 0, err
    warned = [w for w in json.loads(out)["warnings"] if w.startswith("read as")]
    assert len(warned) == (0 if encoding == "utf-8-sig" else 1), warned
    with psycopg.connect(database_url_env) as conn:
        (stored,) = conn.execute(
            "select stalled_reason from sales.appointment_history where stalled_reason <> ''"
        ).fetchone()
    assert stored == reason


def test_bytes_that_are_no_text_we_know_are_refused_in_one_line(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "meetings.csv"
    # 0x81, 0x8D, 0x90 are neither UTF-8 nor Windows-1252 characters.
    path.write_bytes(",".join(HEADERS).encode() + b"\n\x81\x8d\x90,2026-03-04,numbers,lost\n")
    code, err = run_ingest(path, capsys, monkeypatch)
    assert code == 1 and "is not text we can read" in err and "CSV UTF-8" in err
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


def one_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (hostile.far_cell, "reading it needs more than 1.5 GB of memory"),
        (hostile.shared_string_reused, "reading it needs more than 1.5 GB of memory"),
        (hostile.entity_expansion, "declares XML entities (a DOCTYPE)"),
        (hostile.external_entity, "declares XML entities (a DOCTYPE)"),
        (hostile.password_protected, "is password-protected (encrypted)"),
    ],
)
def test_a_crafted_workbook_is_refused_in_one_line(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    make,
    expected: str,
) -> None:
    code, err = run_ingest(make(tmp_path), capsys, monkeypatch)
    assert code == 1
    assert expected in err
    assert one_line(err)


@pytest.mark.slow
@pytest.mark.once
def test_a_zip_bomb_is_refused_before_it_is_inflated(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = hostile.zip_bomb(tmp_path, gigabytes=2.5)
    assert bomb.stat().st_size < 5 * 1024**2
    code, err = run_ingest(bomb, capsys, monkeypatch)
    assert code == 1 and "unpacks to 2.5 GB" in err and one_line(err)


def test_a_zip_whose_directory_understates_a_part_is_refused(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reader must not trust the sizes the zip directory declares."""
    honest_file = hostile.honest(tmp_path)
    data = bytearray(honest_file.read_bytes())
    with zipfile.ZipFile(honest_file) as archive:
        info = archive.getinfo(hostile.SHEET)
    # Declare the sheet 10 bytes long, in its local header and in the central directory.
    name = hostile.SHEET.encode()
    for start in (i for i in range(len(data)) if data.startswith(name, i)):
        if data[start - 30 : start - 26] == b"PK\x03\x04":
            data[start - 8 : start - 4] = (10).to_bytes(4, "little")
        elif data[start - 46 : start - 42] == b"PK\x01\x02":
            data[start - 22 : start - 18] = (10).to_bytes(4, "little")
    assert info.file_size > 10
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(bytes(data))
    code, err = run_ingest(lying, capsys, monkeypatch)
    assert code == 1 and "is damaged" in err and one_line(err)


@pytest.mark.parametrize(("make", "rows_read"), [(hostile.wide, 1), (hostile.styled_empty_rows, 1)])
def test_big_but_honest_workbooks_are_read(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    make,
    rows_read: int,
) -> None:
    """16,384 columns, or a million formatted empty rows: read, in seconds."""
    code, out, _ = run_main(["ingest", "lane-a", str(make(tmp_path)), "--dry-run", "--json"],
                            capsys, monkeypatch)  # fmt: skip
    assert code == 0
    assert json.loads(out)["rows_read"] == rows_read


def test_a_one_megabyte_cell_is_a_row_error_shown_short(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = run_main(
        ["ingest", "lane-a", str(hostile.big_cell(tmp_path)), "--dry-run"], capsys, monkeypatch
    )
    assert code == 1
    assert "row 3, stalled_reason" in out
    assert "a cell holds at most 32,767 (Excel's own limit)" in out
    assert "(1,048,576 characters)" in out
    assert len(out) < 5_000  # the megabyte is not printed back


@pytest.mark.parametrize("name", ["only_headers.xlsx", "only_headers.csv"])
def test_a_file_with_only_headers_is_refused_in_one_line(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    path = tmp_path / name
    (write_xlsx if name.endswith(".xlsx") else write_csv)(path, HEADERS, [])
    code, err = run_ingest(path, capsys, monkeypatch)
    assert code == 1 and "has the headers but no rows below them" in err and one_line(err)


def peak_memory_of(command: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """(exit code, stderr, the largest resident memory of the process and its children
    together, sampled every 5 ms) of a command run as a user runs it."""
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True) as process:  # fmt: skip
        root, peak = psutil.Process(process.pid), 0
        while process.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.005)
        return process.returncode, process.stderr.read(), peak


@pytest.mark.slow
@pytest.mark.parametrize("make", [hostile.far_cell, hostile.shared_string_reused])
@pytest.mark.once
def test_hostile_workbooks_are_refused_within_a_laptops_memory(
    database_url_env: str, tmp_path: Path, make
) -> None:
    """Loader and reader together stay under 1.5 GB while a crafted sheet asks for many."""
    env = {k: v for k, v in os.environ.items() if k != "LANES_READER_MEMORY_GB"}
    command = [sys.executable, "-m", "loader", "ingest", "lane-a", str(make(tmp_path)), "--dry-run"]
    code, err, peak = peak_memory_of(command, env)
    assert code == 1 and "needs more than 1.5 GB of memory" in err, err
    assert peak <= 1.5 * 1024**3, f"peaked at {peak / 1024**3:.2f} GB"


@pytest.mark.parametrize(
    ("bound", "value", "says"),
    [
        ("MAX_CSV_BYTES", 2_000, "is more than the 0 MB a CSV may hold here. Split it"),
        ("MAX_CSV_LINES", 50, "more than 50 lines, more rows than a sheet holds. Split it"),
    ],
    ids=["bytes", "lines"],
)
def test_a_csv_past_its_size_is_refused_before_it_is_read(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    bound: str,
    value: int,
    says: str,
) -> None:
    """A CSV is read whole: past 256 MB or a sheet's rows it would take gigabytes. The
    bounds are lowered here so the test writes kilobytes, not the real sizes."""
    import loader.sheets.workbook as workbook

    monkeypatch.setattr(workbook, bound, value)
    path = write_csv(tmp_path / "meetings.csv", HEADERS, [ROW] * 60)
    code, err = run_ingest(path, capsys, monkeypatch)
    assert code == 1 and says in err, err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setattr(workbook, bound, value * 100)
    assert run_ingest(path, capsys, monkeypatch)[0] == 0
