"""Run the real dbt project (or a copy of it) against a test database."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from loader.platform.database import Target
from loader.platform.dbt_runner import dbt_env

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROJECT_PARTS = [
    "dbt_project.yml",
    "profiles.yml",
    "dbt-bouncer.yml",
    "models",
    "macros",
    "seeds",
    "tests/dbt",
]


def load_examples(database_url: str, folder: Path, lanes: tuple[str, ...] = ("a", "b")) -> None:
    """The bundled example workbooks, ingested for the given lanes (as `make demo` does)."""
    import datetime as dt

    import psycopg

    from loader.demo.examples import write_examples
    from loader.ingest.flow import IngestOptions
    from loader.lanes.lane_a.ingest import ingest as ingest_lane_a
    from loader.lanes.lane_b.ingest import ingest_meetings, ingest_partners

    files = write_examples(folder, dt.date.today())
    steps = {
        "a": [(ingest_lane_a, "lane_a")],
        "b": [(ingest_partners, "partners"), (ingest_meetings, "partner_meetings")],
    }
    with psycopg.connect(database_url) as conn:
        for lane in lanes:
            for run, key in steps[lane]:
                assert run(conn, files[key], IngestOptions(actor="test")).errors == []


def dbt_build(
    database_url: str, select: str, with_tests: bool = True, variables: dict | None = None
) -> None:
    """`dbt build --select SELECT` on the test database.

    with_tests=False builds seeds and models only: for tests that need the views as
    set-up, whose dbt tests other tests already run on the same models (about half
    the time of a full build). dbt's target folder is the worker's own (set by the
    test_databases fixture), so its parse is reused from run to run.
    """
    args = ["build", "--quiet", "--select", select]
    if variables:
        args += ["--vars", json.dumps(variables)]
    if not with_tests:
        args += ["--exclude-resource-type", "test", "unit_test"]
    run = invoke_dbt(database_url, PROJECT_ROOT, args)
    assert run.code == 0, f"dbt build --select {select} failed (exit {run.code}):\n{run.output}"


@dataclass
class DbtRun:
    code: int
    output: str
    report: str = ""  # dbt-bouncer's JSON report, for run_bouncer

    def failed_checks(self) -> set[tuple[str, str]]:
        """dbt-bouncer's failures as (check name, resource name) pairs, from its JSON report."""
        results = json.loads(self.report) if self.report else []
        return {
            (r["check_run_id"].split(":")[0], r["unique_id"].split(".")[-1])
            for r in results
            if r["outcome"] != "success"
        }


def build_lane_a(database_url: str, scratch: Path) -> None:
    """Lane A built (models and seeds) on whatever is loaded: a template maker."""
    dbt_build(database_url, "lane_a", with_tests=False)


def copy_project(destination: Path) -> Path:
    """A throwaway copy of the dbt project to inject violations into.

    It starts from the worker's last parse (dbt re-parses only the files a test then
    changes): a full parse costs ~2 s more per dbt run.
    """
    for part in PROJECT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            (destination / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / part)
    parsed = Path(os.environ.get("DBT_TARGET_PATH", "/nonexistent")) / "partial_parse.msgpack"
    if parsed.is_file():
        (destination / "target").mkdir(parents=True, exist_ok=True)
        shutil.copy2(parsed, destination / "target" / parsed.name)
    return destination


def run_dbt_captured(database_url: str, project: Path, args: list[str]) -> DbtRun:
    """dbt ARGS on a copy of the project, with its own target folder."""
    return invoke_dbt(
        database_url,
        project,
        args,
        {"DBT_TARGET_PATH": str(project / "target"), "DBT_LOG_PATH": str(project / "logs")},
    )


def invoke_dbt(
    database_url: str, project: Path, args: list[str], extra_env: dict[str, str] | None = None
) -> DbtRun:
    """dbt ARGS in this process (dbt's programmatic runner), as `loader dbt` runs it.

    Starting dbt in a process of its own costs ~2.5 s of imports per run, more than
    building a lane of test data; the tests run it here instead. The environment is
    the one `loader dbt` gives dbt (loader/platform/dbt_runner.py), set for the run only, and
    the output is dbt's console lines. `loader dbt` itself (a subprocess) has tests of
    its own (test_least_privilege, test_db_commands, test_first_hour).
    """
    from dbt.cli.main import dbtRunner

    env = dbt_env(Target(database_url, "DATABASE_URL"))
    env.update(DBT_PROJECT_DIR=str(project), DBT_PROFILES_DIR=str(project), **(extra_env or {}))
    lines: list[str] = []

    def keep(event) -> None:
        if event.info.level != "debug" and event.info.msg:
            lines.append(str(event.info.msg))

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        result = dbtRunner(callbacks=[keep]).invoke(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    code = 0 if result.success else (2 if result.exception is not None else 1)
    if result.exception is not None:
        lines.append(f"{type(result.exception).__name__}: {result.exception}")
    return DbtRun(code, "\n".join(lines))


def run_bouncer(project: Path) -> DbtRun:
    """dbt-bouncer's convention checks on the project's manifest (after `dbt parse`)."""
    parsed = run_dbt_captured("postgresql://localhost/unused", project, ["parse", "--quiet"])
    assert parsed.code == 0, parsed.output
    bouncer = Path(sys.executable).parent / "dbt-bouncer"
    report = project / "bouncer.json"
    done = subprocess.run(
        [str(bouncer), "run", "--config-file", "dbt-bouncer.yml", "--output-file", str(report)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    text = report.read_text() if report.exists() else ""
    return DbtRun(done.returncode, done.stdout + done.stderr, text)


# The project's dbt-score floor (models, seeds, sources, macros: descriptions, tests,
# owners); dbt_project.yml names the owner once for every model and seed.
DBT_SCORE_FLOOR = 9.5


def run_dbt_score(project: Path) -> tuple[int, float, str]:
    """dbt-score on the manifest `run_bouncer` parsed: (exit code, project score, output)."""
    score = Path(sys.executable).parent / "dbt-score"
    done = subprocess.run(
        [str(score), "lint", "--manifest", str(project / "target" / "manifest.json"),
         "--format", "plain", "--fail-project-under", str(DBT_SCORE_FLOOR)],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # its colours
    found = re.search(r"Project score: ([0-9.]+)", output)
    return done.returncode, float(found.group(1)) if found else 0.0, output
