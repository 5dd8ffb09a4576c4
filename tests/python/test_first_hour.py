"""The first hour of a new user, at the command line: templates and what they hold."""

from __future__ import annotations

import io
from pathlib import Path

import psycopg
import pytest
from cli_run import run_main
from dbt_project_runner import dbt_build
from rich.console import Console
from sheets import write_xlsx

from loader.demo import READY_QUEUES, print_queue

TEMPLATES = [
    (["lane-a"], ["lane-a"]),
    (["lane-a", "touches"], ["lane-a", "touches"]),
    (["lane-b", "partners"], ["lane-b", "partners"]),
    (["lane-b", "appointments"], ["lane-b", "appointments"]),
    (["lane-b", "touches"], ["lane-b", "touches"]),
]


def test_a_template_never_overwrites_a_file_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled = tmp_path / "meetings.xlsx"
    filled.write_bytes(b"last week's filled workbook")
    code, _, err = run_main(["template", "lane-a", str(filled)], capsys, monkeypatch)
    assert code == 2 and "already exists; nothing was written" in err and "--force" in err
    assert filled.read_bytes() == b"last week's filled workbook"
    code, _, _ = run_main(["template", "lane-a", str(filled), "--force"], capsys, monkeypatch)
    assert code == 0 and filled.read_bytes().startswith(b"PK")  # a real workbook now


@pytest.mark.parametrize(("template", "ingest"), TEMPLATES)
def test_the_template_example_row_is_never_loaded_as_data(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    template: list[str],
    ingest: list[str],
) -> None:
    out = tmp_path / "t.xlsx"
    assert run_main(["template", *template, str(out)], capsys, monkeypatch)[0] == 0
    code, printed, _ = run_main(["ingest", *ingest, str(out), "--json"], capsys, monkeypatch)
    assert code == 0, printed
    assert '"inserted": 0' in printed and '"rejected": 0' in printed
    assert "row 2 is the template's example row: skipped" in printed


MEETING_HEADER = "company_id;people_id;meeting_date;meeting_type;meeting_outcome;stalled_reason"
MEETING_ROW = (
    'cccccccc-0000-4000-8000-000000000001;;2026-03-04;numbers;stalled;"Budget; frozen until Q3"'
)


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_csv_from_any_excel_locale_reads(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    delimiter: str,
) -> None:
    path = tmp_path / "meetings.csv"
    text = f"{MEETING_HEADER}\n{MEETING_ROW}\n".replace(";", "\x00")
    text = text.replace('"Budget\x00 frozen until Q3"', '"Budget; frozen until Q3"')
    path.write_text(text.replace("\x00", delimiter), encoding="utf-8-sig")
    code, out, err = run_main(["ingest", "lane-a", str(path), "--json"], capsys, monkeypatch)
    assert code == 0, out + err
    assert '"inserted": 1' in out


def test_a_broken_csv_is_explained_in_our_words(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("company_id,meeting_date\nx,2026-01-01,extra,cells\n")
    code, _, err = run_main(["ingest", "lane-a", str(path), "--dry-run"], capsys, monkeypatch)
    assert code == 1
    assert "cannot be read as a CSV separated by ','" in err
    assert "Schema" not in err and "polars" not in err.lower()


def test_a_libreoffice_ods_file_loads(
    database_url_env: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Made by LibreOffice Calc (soffice --convert-to ods) from a two-row meetings sheet.
    fixture = Path(__file__).parent / "fixtures" / "lane_a_meetings.ods"
    code, out, err = run_main(["ingest", "lane-a", str(fixture), "--json"], capsys, monkeypatch)
    assert code == 0, out + err
    assert '"inserted": 2' in out


@pytest.mark.dbt
def test_after_an_ingest_the_user_is_told_to_rescore_and_a_stale_export_says_so(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = tmp_path / "first.csv"
    first.write_text(f"{MEETING_HEADER}\n{MEETING_ROW}\n")
    code, out, _ = run_main(["ingest", "lane-a", str(first)], capsys, monkeypatch)
    assert code == 0 and "Run `loader dbt build --select lane_a` to rescore." in out
    dbt_build(database_url_env, "lane_a", with_tests=False)
    code, _, err = run_main(["export", "lane-a", str(tmp_path / "q.csv")], capsys, monkeypatch)
    assert code == 0 and "loaded after the last build" not in err
    later = tmp_path / "later.csv"
    later.write_text(
        f"{MEETING_HEADER}\ncccccccc-0000-4000-8000-000000000009;;2026-05-04;systems;lost;\n"
    )
    run_main(["ingest", "lane-a", str(later)], capsys, monkeypatch)
    code, _, err = run_main(["export", "lane-a", str(tmp_path / "q2.csv")], capsys, monkeypatch)
    assert code == 0
    assert "data was loaded after the last build: run `loader dbt build --select lane_a`" in err


def test_ids_a_spreadsheet_turned_into_numbers_are_caught(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = ["crm_person_id", "email", "meeting_date", "meeting_type", "meeting_outcome"]
    # write_xlsx writes Python numbers as number cells, as Excel does with a pasted id.
    path = write_xlsx(
        tmp_path / "crm.xlsx",
        headers,
        [
            [123, "a@x.com", "2026-03-04", "numbers", "lost"],
            [1234567890123456789, "b@x.com", "2026-03-04", "numbers", "lost"],
        ],
    )
    code, out, _ = run_main(["ingest", "lane-a", str(path)], capsys, monkeypatch)
    assert code == 1
    assert "crm_person_id holds numbers, not text" in out and "Format Cells > Text" in out
    assert "row 3, crm_person_id" in out and "more than 15 digits" in out

    csv_path = tmp_path / "resaved.csv"
    csv_path.write_text(
        "crm_person_id,meeting_date,meeting_type,meeting_outcome\n"
        "1.23457E+18,2026-03-04,numbers,lost\n"
    )
    code, out, _ = run_main(["ingest", "lane-a", str(csv_path)], capsys, monkeypatch)
    assert code == 1 and "turned into a rounded number" in out


@pytest.mark.dbt
def test_an_empty_queue_says_why(
    migrated_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    with psycopg.connect(migrated_db) as conn:
        print_queue(conn, Console(file=screen, width=100), READY_QUEUES[0], top=10)
        assert "not built yet: run `loader dbt build`" in screen.getvalue()
    dbt_build(migrated_db, "lane_a", with_tests=False)
    with psycopg.connect(migrated_db) as conn:
        print_queue(conn, Console(file=screen, width=100), READY_QUEUES[0], top=10)
    assert "Lane A: who to contact now: nothing is ready now (nothing scored yet)" in (
        screen.getvalue()
    )
