"""Run the real dbt project against a test database, with its own target folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.database import Target
from loader.dbt_runner import run_dbt


def dbt_build(
    database_url: str, select: str, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A target/log folder per run, so tests never share dbt's partial-parse state
    # with each other or with a developer's own runs.
    monkeypatch.setenv("DBT_TARGET_PATH", str(scratch / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(scratch / "logs"))
    code = run_dbt(Target(database_url, "DATABASE_URL"), ["build", "--quiet", "--select", select])
    assert code == 0, f"dbt build --select {select} failed (exit {code}); see the output above"
