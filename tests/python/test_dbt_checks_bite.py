"""Each dbt check fails, naming the offender, when its rule is broken.

Violations are injected into a throwaway copy of the project or into a scratch
database; a check that cannot fail would be a defect, so every one is tried.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from dbt_project_runner import (
    DBT_SCORE_FLOOR,
    PROJECT_ROOT,
    copy_project,
    run_bouncer,
    run_dbt_captured,
    run_dbt_score,
)
from sheets import write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest

# Whether our checks catch a violation is dbt's and our SQL's business, not the
# server's: once, in the embedded run.
pytestmark = [pytest.mark.dbt, pytest.mark.once]


def failures(database_url: str, test_name: str) -> list[str]:
    """The rows a failing test stored with --store-failures, as text."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(f'select * from dbt_test__audit."{test_name}"').fetchall()
    return [" | ".join(str(v) for v in row) for row in rows]


def audit_tables(database_url: str) -> list[str]:
    """The tables dbt --store-failures wrote (long test names are shortened there)."""
    with psycopg.connect(database_url) as conn:
        return [
            name
            for (name,) in conn.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'dbt_test__audit'"
            )
        ]


def test_graph_check_catches_a_lane_a_model_that_refs_lane_b(
    migrated_db: str, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    (project / "models/lane_a/marts/reactivation_with_partners.sql").write_text(
        "select fractional_cfo_id from {{ ref('stg_lane_b__partners') }}\n"
    )
    (project / "models/all_outreach.sql").write_text(
        "select appointment_uid as id from {{ ref('stg_lane_a__appointment_history') }}\n"
        "union all\n"
        "select partner_appointment_uid from {{ ref('stg_lane_b__partner_appointments') }}\n"
    )
    run = run_dbt_captured(
        migrated_db, project, ["test", "--select", "assert_lane_a_graph_isolated"]
    )
    assert run.code != 0
    assert (
        "model.outreach_lanes.reactivation_with_partners (lane_a) depends on "
        "model.outreach_lanes.stg_lane_b__partners (lane_b)"
    ) in run.output
    assert "model.outreach_lanes.all_outreach depends on both lanes" in run.output


def test_graph_check_passes_on_the_real_project(migrated_db: str, tmp_path: Path) -> None:
    run = run_dbt_captured(
        migrated_db, copy_project(tmp_path / "p"), ["test", "--select", "tag:isolation"]
    )
    assert run.code == 0, run.output


def test_catalog_check_catches_cross_lane_objects(migrated_db: str, tmp_path: Path) -> None:
    check = ["test", "--store-failures", "--select", "assert_lane_b_catalog_isolated"]
    project = copy_project(tmp_path / "project")
    assert run_dbt_captured(migrated_db, project, check).code == 0

    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "create table sales.partner_links ("
            " fractional_cfo_id uuid references partners.fractional_cfo_master)"
        )
        conn.execute("create schema outreach")
        conn.execute("create table outreach.campaigns (outreach_id uuid primary key)")
        conn.execute(
            "alter table partners.partner_touches add column outreach_id uuid"
            " constraint partner_touch_outreach_fk references outreach.campaigns"
        )
        conn.execute(
            "create view public.v_all_outreach_ready as"
            " select appointment_uid as id from sales.appointment_history"
            " union all select partner_appointment_uid from partners.partner_appointments"
        )
        conn.execute('create table "bit".combined_intent (id text)')

    run = run_dbt_captured(migrated_db, project, check)
    assert run.code != 0
    found = "\n".join(failures(migrated_db, "assert_lane_b_catalog_isolated"))
    assert "sales.partner_links (lane_a) to partners.fractional_cfo_master (lane_b)" in found
    assert (
        "partner_touch_outreach_fk from partners.partner_touches (lane_b) to "
        "outreach.campaigns (outside both lanes)"
    ) in found
    assert "view public.v_all_outreach_ready reads both lanes" in found
    assert "relation bit.combined_intent is not lane-prefixed" in found


def test_score_and_cooling_off_checks_catch_bad_rows(migrated_db: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "models/lane_a/marts/scores_under_test.sql").write_text(
        "select id, bit_score::numeric(5,2) as bit_score, wide_score::numeric(6,2) as wide_score,"
        " status, cooling_off_until::timestamptz as cooling_off_until, reason,"
        " now() as computed_at\n"
        "from (values (1, 55, 50, 'eligible', null, null), (2, 101, 60, 'cooling_off', null, null),"
        " (3, 70, 60, 'excluded', null, null))"
        " as t (id, bit_score, wide_score, status, cooling_off_until, reason)\n"
    )
    (project / "models/lane_a/marts/_scores_under_test.yml").write_text(
        """version: 2
models:
  - name: scores_under_test
    description: Injected violations.
    data_tests:
      - cooling_off_consistent:
          arguments:
            status_column: status
            cooling_value: cooling_off
            eligible_values: ["eligible"]
            excluded_value: excluded
            reason_column: reason
    columns:
      - name: id
        description: Row.
        data_tests: [unique, not_null]
      - name: bit_score
        description: Score.
        data_tests: [score_in_range]
      - name: wide_score
        description: A score in a wider type than documented.
        data_tests: [score_in_range]
"""
    )
    run = run_dbt_captured(
        migrated_db, project, ["build", "--store-failures", "--select", "scores_under_test"]
    )
    assert run.code != 0
    tables = audit_tables(migrated_db)
    by_test = {name: "\n".join(failures(migrated_db, name)) for name in tables}
    score = next(text for name, text in by_test.items() if "bit_score" in name)
    assert "101.00 | above 100" in score
    wide = next(text for name, text in by_test.items() if "wide_score" in name)
    assert "declared as numeric(6,2), documented as numeric(5,2)" in wide
    cooling = next(text for name, text in by_test.items() if "cooling_off_consistent" in name)
    assert "cooling off without cooling_off_until" in cooling
    assert "excluded without a reason" in cooling


def test_enum_spec_check_catches_a_label_outside_the_spec(migrated_db: str, tmp_path: Path) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("""alter type "bit".eligibility_status_enum add value 'snoozed'""")
    run = run_dbt_captured(
        migrated_db,
        copy_project(tmp_path / "project"),
        ["test", "--store-failures", "--select", "test_name:enum_matches_spec"],
    )
    assert run.code != 0
    rows = [row for name in audit_tables(migrated_db) for row in failures(migrated_db, name)]
    # Only the changed enum fails; the row names it and shows both lists.
    assert len(rows) == 1
    (row,) = rows
    assert row == (
        '"bit".eligibility_status_enum | eligible, excluded, cooling_off'
        " | eligible, excluded, cooling_off, snoozed"
    )


def test_reason_code_check_catches_an_undocumented_code(migrated_db: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    weights = project / "seeds/lane_a/reactivation_score_weights.csv"
    weights.write_text(weights.read_text().replace("TYPE_NUMBERS", "TYPE_SPREADSHEETS"))
    meeting = write_xlsx(
        tmp_path / "m.xlsx",
        ["people_id", "meeting_date", "meeting_type", "meeting_outcome"],
        [["00000000-0000-4000-8000-000000000001", "2026-01-05", "numbers", "ghosted"]],
    )
    with psycopg.connect(migrated_db) as conn:
        ingest(conn, meeting, IngestOptions(actor="test"))
    run = run_dbt_captured(
        migrated_db,
        project,
        ["build", "--store-failures", "--select", "lane_a", "--exclude", "test_type:unit"],
    )
    assert run.code != 0
    found = "\n".join(
        row for name in audit_tables(migrated_db) for row in failures(migrated_db, name)
    )
    assert "TYPE_SPREADSHEETS | 1 | not a documented code" in found


def test_conventions_pass_on_the_real_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    run = run_bouncer(project)
    assert run.code == 0, run.output
    code, score, output = run_dbt_score(project)
    assert code == 0 and score >= DBT_SCORE_FLOOR, output


def test_dbt_score_notices_a_model_without_an_owner(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    settings = project / "dbt_project.yml"
    text = settings.read_text()
    unowned = text.replace("      owner: revenue-operations\n", "      team: revenue-operations\n")
    assert unowned != text
    settings.write_text(unowned)
    assert run_bouncer(project).code == 0
    _, score, output = run_dbt_score(project)
    assert "Model lacks an owner" in output and score < 9.8


def test_conventions_catch_an_undocumented_hard_coded_model(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "models/lane_a/staging/quick_fix.sql").write_text(
        "select appointment_uid from sales.appointment_history\n"
    )
    (project / "models/lane_a/marts/v_reactivation_extra.sql").write_text(
        "{{ config(schema='bit') }}\n"
        "select appointment_uid from {{ ref('stg_lane_a__appointment_history') }}\n"
    )
    (project / "models/lane_a/marts/_extra.yml").write_text(
        "version: 2\nmodels:\n  - name: v_reactivation_extra\n"
        "    description: An extra view.\n    columns:\n      - name: appointment_uid\n"
        "        description: The meeting.\n        data_tests: [unique, not_null]\n"
    )
    (project / "models/lane_a/scratch").mkdir()
    (project / "models/lane_a/scratch/int_reactivation__tmp.sql").write_text("select 1 as id\n")
    run = run_bouncer(project)
    assert run.code != 0
    failed = run.failed_checks()
    assert ("check_model_description_populated", "quick_fix") in failed
    assert ("check_model_code_does_not_contain_regexp_pattern", "quick_fix") in failed
    assert ("check_model_has_unique_test", "quick_fix") in failed
    assert ("check_model_names", "quick_fix") in failed
    assert ("check_model_has_tests_by_name", "v_reactivation_extra") in failed
    assert ("check_model_property_file_location", "v_reactivation_extra") in failed
    assert ("check_model_directories", "int_reactivation__tmp") in failed


def test_lane_selection_runs_the_isolation_checks(migrated_db: str, tmp_path: Path) -> None:
    """`dbt build --select lane_a` (the design's own command) enforces the design's hard rule."""
    project = copy_project(tmp_path / "project")
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "alter table sales.appointment_history add column fractional_cfo_id uuid"
            " constraint history_partner_fk references partners.fractional_cfo_master"
        )
    for lane in ("lane_a", "lane_b"):
        run = run_dbt_captured(
            migrated_db, project, ["build", "--store-failures", "--select", lane]
        )
        assert run.code != 0, f"--select {lane} did not catch the cross-lane foreign key"
        found = "\n".join(failures(migrated_db, f"assert_{lane}_catalog_isolated"))
        assert "history_partner_fk from sales.appointment_history (lane_a) to" in found


def test_the_real_project_is_what_the_copies_start_from() -> None:
    # Guards the tests above: they inject into a copy of these very files.
    assert (PROJECT_ROOT / "tests/dbt/lane_a/assert_lane_a_graph_isolated.sql").exists()
    assert (PROJECT_ROOT / "tests/dbt/lane_b/assert_lane_b_catalog_isolated.sql").exists()
    assert (PROJECT_ROOT / "dbt-bouncer.yml").exists()
