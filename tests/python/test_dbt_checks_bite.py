"""Each dbt check fails, naming the offender, when its rule is broken.

Violations are injected into a throwaway copy of the project or into a scratch
database; a check that cannot fail would be a defect, so every one is tried.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from dbt_project_runner import PROJECT_ROOT, copy_project, run_dbt_captured
from sheets import write_xlsx

from loader.ingest_run import IngestOptions
from loader.lane_a.ingest import ingest

pytestmark = pytest.mark.dbt


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
    (project / "models/lane_a/reactivation_with_partners.sql").write_text(
        "select fractional_cfo_id from {{ ref('stg_lane_b__partners') }}\n"
    )
    (project / "models/all_outreach.sql").write_text(
        "select appointment_uid as id from {{ ref('stg_lane_a__appointment_history') }}\n"
        "union all\n"
        "select partner_appointment_uid from {{ ref('stg_lane_b__partner_appointments') }}\n"
    )
    run = run_dbt_captured(migrated_db, project, ["test", "--select", "assert_lane_graph_isolated"])
    assert run.code != 0
    assert (
        "model.outreach_lanes.reactivation_with_partners (lane_a) depends on "
        "model.outreach_lanes.stg_lane_b__partners (lane_b)"
    ) in run.output
    assert "model.outreach_lanes.all_outreach depends on both lanes" in run.output


def test_graph_check_passes_on_the_real_project(migrated_db: str, tmp_path: Path) -> None:
    run = run_dbt_captured(
        migrated_db, copy_project(tmp_path / "p"), ["test", "--select", "isolation"]
    )
    assert run.code == 0, run.output


def test_catalog_check_catches_cross_lane_objects(migrated_db: str, tmp_path: Path) -> None:
    check = ["test", "--store-failures", "--select", "assert_catalog_lanes_isolated"]
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
    found = "\n".join(failures(migrated_db, "assert_catalog_lanes_isolated"))
    assert "sales.partner_links (lane_a) to partners.fractional_cfo_master (lane_b)" in found
    assert (
        "partner_touch_outreach_fk from partners.partner_touches (lane_b) to "
        "outreach.campaigns (outside both lanes)"
    ) in found
    assert "view public.v_all_outreach_ready reads both lanes" in found
    assert "relation bit.combined_intent is not lane-prefixed" in found


def test_score_and_cooling_off_checks_catch_bad_rows(migrated_db: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "models/lane_a/scores_under_test.sql").write_text(
        "select id, bit_score::numeric(5,2) as bit_score, wide_score::numeric(6,2) as wide_score,"
        " status, cooling_off_until::timestamptz as cooling_off_until, reason,"
        " now() as computed_at\n"
        "from (values (1, 55, 50, 'eligible', null, null), (2, 101, 60, 'cooling_off', null, null),"
        " (3, 70, 60, 'excluded', null, null))"
        " as t (id, bit_score, wide_score, status, cooling_off_until, reason)\n"
    )
    (project / "models/lane_a/_scores_under_test.yml").write_text(
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


def test_hygiene_check_catches_an_undocumented_hard_coded_model(
    migrated_db: str, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    (project / "models/lane_a/quick_fix.sql").write_text(
        "select appointment_uid from sales.appointment_history\n"
    )
    (project / "models/lane_a/v_reactivation_extra.sql").write_text(
        "{{ config(schema='bit') }}\n"
        "select appointment_uid from {{ ref('stg_lane_a__appointment_history') }}\n"
    )
    run = run_dbt_captured(migrated_db, project, ["test", "--select", "assert_project_hygiene"])
    assert run.code != 0
    assert "model.outreach_lanes.quick_fix has no description" in run.output
    assert 'model.outreach_lanes.quick_fix names a schema in SQL ("from sales.")' in run.output
    assert "model.outreach_lanes.quick_fix has no primary-key test" in run.output
    assert (
        "model.outreach_lanes.v_reactivation_extra is read by BI (schema bit) but has no "
        "columns_documented test"
    ) in run.output


def test_the_real_project_is_what_the_copies_start_from() -> None:
    # Guards the tests above: they inject into a copy of these very files.
    assert (PROJECT_ROOT / "tests/dbt/isolation/assert_lane_graph_isolated.sql").exists()
    assert (PROJECT_ROOT / "tests/dbt/hygiene/assert_project_hygiene.sql").exists()
