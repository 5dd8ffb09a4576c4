"""`dbt build` of the whole project on a fresh database with the example workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest
from dbt_project_runner import copy_project, run_dbt_captured

from loader.examples import write_examples
from loader.ingest_run import IngestOptions
from loader.lane_a.ingest import ingest as ingest_lane_a
from loader.lane_b.ingest import ingest_meetings, ingest_partners

pytestmark = pytest.mark.dbt


def test_example_data_builds_tests_and_documents_cleanly(migrated_db: str, tmp_path: Path) -> None:
    files = write_examples(tmp_path / "examples", dt.date.today())
    with psycopg.connect(migrated_db) as conn:
        for run, key in [
            (ingest_lane_a, "lane_a"),
            (ingest_partners, "partners"),
            (ingest_meetings, "partner_meetings"),
        ]:
            assert run(conn, files[key], IngestOptions(actor="test")).errors == []
    project = copy_project(tmp_path / "project")

    first = run_dbt_captured(migrated_db, project, ["build"])
    assert first.code == 0, first.output
    with psycopg.connect(migrated_db) as conn:
        ids_first = conn.execute(
            "select array_agg(reactivation_bit_id order by appointment_uid)"
            " from bit.reactivation_intent"
        ).fetchone()
        ready_a = conn.execute("select count(*) from bit.v_reactivation_ready").fetchone()[0]
        ready_b = conn.execute("select count(*) from bit.v_partner_outreach_ready").fetchone()[0]
    assert ready_a > 50 and ready_b > 10

    # A rebuild keeps every row's id: exports and BI bookmarks stay valid.
    again = run_dbt_captured(migrated_db, project, ["build", "--select", "lane_a"])
    assert again.code == 0, again.output
    with psycopg.connect(migrated_db) as conn:
        ids_again = conn.execute(
            "select array_agg(reactivation_bit_id order by appointment_uid)"
            " from bit.reactivation_intent"
        ).fetchone()
    assert ids_again == ids_first

    docs = run_dbt_captured(migrated_db, project, ["docs", "generate"])
    assert docs.code == 0, docs.output
    assert (project / "target" / "catalog.json").exists()
