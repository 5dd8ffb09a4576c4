"""The first hour of a new user, at the command line: templates and what they hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import run_main

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
