"""BI tools read the ready views at any moment, during `dbt build` too.

dbt's own table and view materializations swap a relation and then drop the old
one with cascade, which takes the views built on it (and their grant) with it
until dbt rebuilds them later in the run. The project's materializations
(macros/materializations/) keep them: these tests read both views as lanes_bi in
a loop while dbt rebuilds both lanes; no read may fail or see a different queue
with ours, and the same reader fails with dbt's own.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from dbt_project_runner import copy_project, dbt_build, load_examples, run_dbt_captured

pytestmark = pytest.mark.dbt

BUILD_MODELS = ["build", "--select", "lane_a", "--exclude-resource-type", "test", "unit_test"]
VIEWS = ("bit.v_reactivation_ready", "bit.v_partner_outreach_ready")


def read_as_bi_until(
    database_url: str, stop: threading.Event, seen: list[tuple[str, int]], errors: list[str]
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("set role lanes_bi")
        while not stop.is_set():
            for view in VIEWS:
                try:
                    count = conn.execute(f"select count(*) from {view}").fetchone()[0]
                    seen.append((view, count))
                except psycopg.Error as exc:
                    errors.append(f"{view}: {exc}".strip())
            time.sleep(0.01)


def read_during_builds(database_url: str, builds: int, build) -> tuple[list, list[str]]:
    """What a lanes_bi reader looping over both views saw while `build` ran `builds` times."""
    stop = threading.Event()
    seen: list[tuple[str, int]] = []
    errors: list[str] = []
    reader = threading.Thread(target=read_as_bi_until, args=(database_url, stop, seen, errors))
    reader.start()
    try:
        for _ in range(builds):
            build()
    finally:
        stop.set()
        reader.join()
    return seen, errors


def test_the_ready_views_never_vanish_or_change_while_dbt_rebuilds(
    migrated_db: str, tmp_path: Path
) -> None:
    load_examples(migrated_db, tmp_path / "examples")
    dbt_build(migrated_db, "lane_a lane_b", with_tests=False)
    with psycopg.connect(migrated_db) as conn:
        before = {v: conn.execute(f"select count(*) from {v}").fetchone()[0] for v in VIEWS}
    assert all(before.values())

    seen, errors = read_during_builds(
        migrated_db, 2, lambda: dbt_build(migrated_db, "lane_a lane_b", with_tests=False)
    )

    assert errors == []
    assert len(seen) > 50, "the reader must have overlapped the builds"
    assert {count for view, count in seen if view == VIEWS[0]} == {before[VIEWS[0]]}
    assert {count for view, count in seen if view == VIEWS[1]} == {before[VIEWS[1]]}


@pytest.mark.once
def test_dbts_own_materializations_would_lose_the_views(migrated_db: str, tmp_path: Path) -> None:
    """Why macros/materializations/ overrides dbt: with dbt's own table and view
    materializations the same reader during the same builds sees a view vanish, or
    dbt and the reader deadlock (dbt renames a relation, then locks the views on it:
    the reverse of a reader's order) and the build fails. When a dbt release keeps
    dependent views by itself, this fails: then the overrides can go."""
    project = copy_project(tmp_path / "project")
    for override in ("table.sql", "view.sql"):
        (project / "macros" / "materializations" / override).unlink()
    load_examples(migrated_db, tmp_path / "examples")
    models = ["build", "--select", "lane_a", "lane_b", "--exclude-resource-type", "test",
              "unit_test"]  # fmt: skip
    first = run_dbt_captured(migrated_db, project, models)
    assert first.code == 0, first.output
    failed_builds: list[str] = []

    def build() -> None:
        run = run_dbt_captured(migrated_db, project, models)
        if run.code != 0:
            failed_builds.append(run.output)

    seen, errors = read_during_builds(migrated_db, 2, build)
    assert seen, "the reader must have overlapped the builds"
    vanished = [e for e in errors if "does not exist" in e or "deadlock" in e]
    deadlocked = [o for o in failed_builds if "deadlock detected" in o]
    assert vanished or deadlocked, (errors[:3], failed_builds[:1])


def test_a_view_whose_columns_changed_is_replaced_and_its_dependents_rebuilt(
    migrated_db: str, tmp_path: Path
) -> None:
    """`create or replace view` refuses a column moved or removed: the view is then dropped
    and created in one transaction, and the views on top of it come back in the same run."""
    project = copy_project(tmp_path / "project")
    first = run_dbt_captured(migrated_db, project, BUILD_MODELS)
    assert first.code == 0, first.output

    model = project / "models/lane_a/staging/stg_lane_a__kill_switch.sql"
    text = model.read_text()
    moved = text.replace(
        "        scope,\n        scope_key,\n", "        scope_key,\n        scope,\n", 1
    )
    assert moved != text
    model.write_text(moved)
    again = run_dbt_captured(migrated_db, project, BUILD_MODELS)
    assert again.code == 0, again.output
    with psycopg.connect(migrated_db) as conn:
        columns = conn.execute(
            "select array_agg(column_name::text order by ordinal_position)"
            " from information_schema.columns"
            " where table_schema = 'lane_a' and table_name = 'stg_lane_a__kill_switch'"
        ).fetchone()[0]
        ready = conn.execute("select to_regclass('bit.v_reactivation_ready')").fetchone()[0]
    assert columns[1:3] == ["scope_key", "scope"]
    assert ready is not None
