"""`loader ingest` and `loader template` as a user runs them: exit codes, --json, output."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from cli_run import run_main
from click.testing import CliRunner
from sheets import write_xlsx

from loader.cli.main import cli

HEADERS = ["people_id", "meeting_date", "meeting_type", "meeting_outcome", "stalled_reason"]
P1 = "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d"


@pytest.fixture
def runner_env(database_url_env: str) -> str:
    return database_url_env


def test_json_summary_and_exit_codes(runner_env, tmp_path: Path, capsys, monkeypatch) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", HEADERS, [[P1, "2026-09-15", "numbers", "lost", ""]])
    code, out, _ = run_main(["ingest", "lane-a", str(good), "--json", "--actor", "ci"], capsys,
                            monkeypatch)  # fmt: skip
    assert code == 0
    summary = json.loads(out)
    assert set(summary) >= {"lane", "target", "file", "sha256", "rows_read", "inserted",
                            "updated", "duplicates", "rejected", "dry_run", "correlation_id",
                            "errors"}  # fmt: skip
    assert summary["inserted"] == 1 and summary["errors"] == []

    bad = write_xlsx(tmp_path / "bad.xlsx", HEADERS, [[P1, "2026-09-16", "numbers", "stalled", ""]])
    code, out, _ = run_main(["ingest", "lane-a", str(bad), "--json"], capsys, monkeypatch)
    assert code == 1
    errors = json.loads(out)["errors"]
    assert errors == [{"row": 2, "column": "stalled_reason", "value": None,
                       "message": errors[0]["message"]}]  # fmt: skip

    missing = write_xlsx(tmp_path / "cols.xlsx", ["people_id"], [[P1]])
    code, _, err = run_main(["ingest", "lane-a", str(missing)], capsys, monkeypatch)
    assert code == 1 and "required column(s) missing" in err and "Traceback" not in err


def test_human_output_names_row_column_and_fix(runner_env, tmp_path, capsys, monkeypatch):
    bad = write_xlsx(tmp_path / "bad.xlsx", HEADERS, [[P1, "03/04/2025", "numbers", "lost", ""]])
    code, out, _ = run_main(["ingest", "lane-a", str(bad)], capsys, monkeypatch)
    assert code == 1
    assert "row 2, meeting_date = '03/04/2025'" in out
    assert "YYYY-MM-DD" in out and "nothing was written" in out


def test_database_down_is_exit_3(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:1/x?connect_timeout=2")
    good = write_xlsx(tmp_path / "good.xlsx", HEADERS, [[P1, "2026-09-15", "numbers", "lost", ""]])
    code, _, err = run_main(["ingest", "lane-a", str(good)], capsys, monkeypatch)
    assert code == 3 and err.startswith("error: cannot connect")


def test_source_is_lane_a_only() -> None:
    result = CliRunner().invoke(cli, ["ingest", "lane-b", "partners", "x.xlsx", "--source", "crm"])
    assert result.exit_code == 2 and "No such option '--source'" in result.output


def test_templates_ingest_without_edits(runner_env, tmp_path: Path, capsys, monkeypatch) -> None:
    """A template loads as it is (its example row is skipped), and its example is valid data."""
    edits = {"p.xlsx": ("firm_name", "Ledgerline CFO"), "m.xlsx": ("notes", "Met at a fair"),
             "a.xlsx": ("stalled_reason", "Budget frozen until Q3")}  # fmt: skip
    for args, name in [(["lane-b", "partners"], "p.xlsx"), (["lane-b", "appointments"], "m.xlsx"),
                       (["lane-a"], "a.xlsx")]:  # fmt: skip
        path = tmp_path / name
        code, _, _ = run_main(["template", *args, str(path)], capsys, monkeypatch)
        assert code == 0
        code, out, err = run_main(["ingest", *args, str(path), "--json"], capsys, monkeypatch)
        assert code == 0, out + err
        summary = json.loads(out)
        assert (summary["rows_read"], summary["inserted"], summary["rejected"]) == (1, 0, 0)
        assert "the template's example row" in summary["warnings"][0]
        # The same row with one cell changed is real data, and valid.
        column, value = edits[name]
        row = pl.read_excel(path, sheet_name="data", infer_schema_length=0)
        edited = tmp_path / f"{path.stem}.csv"
        row.with_columns(pl.lit(value).alias(column)).write_csv(edited)
        code, out, err = run_main(["ingest", *args, str(edited), "--json"], capsys, monkeypatch)
        assert code == 0, out + err
        assert json.loads(out)["inserted"] == 1


def test_template_has_help_sheet_and_dropdowns(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "lane-a", str(path)])
    assert result.exit_code == 0
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        data = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'name="data"' in workbook and 'name="how to fill"' in workbook
    assert '"discovery,systems,numbers,other"' in data
    assert '"progressed,stalled,ghosted,lost"' in data
