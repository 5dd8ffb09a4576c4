"""`dbt build` of the whole project on a fresh database with the example workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest
from dbt_project_runner import copy_project, run_dbt_captured

from loader.demo.examples import write_examples
from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest as ingest_lane_a
from loader.lanes.lane_b.ingest import ingest_meetings, ingest_partners

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

    # The contract's constraints are in the database, as the yml declares them
    # (the tables get them after being filled: macros/materializations/create_table_as.sql).
    with psycopg.connect(migrated_db) as conn:
        for name, declared in _declared_constraints(project).items():
            assert _database_constraints(conn, name) == declared, name

    docs = run_dbt_captured(migrated_db, project, ["docs", "generate"])
    assert docs.code == 0, docs.output
    assert (project / "target" / "catalog.json").exists()


def _declared_constraints(project: Path) -> dict[str, set[tuple[str, str]]]:
    """(kind, column or check name) per contracted table model of both lanes' marts."""
    import yaml

    found: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(project.glob("models/lane_*/marts/_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            config = model.get("config", {})
            if not config.get("contract", {}).get("enforced"):
                continue
            if "materialized='table'" not in (path.parent / f"{model['name']}.sql").read_text():
                continue
            kinds = {"not_null": "n", "primary_key": "p", "unique": "u"}
            declared = {
                (kinds[c["type"]], column["name"])
                for column in model["columns"]
                for c in column.get("constraints", [])
                if c["type"] in kinds
            }
            declared |= {
                ("c", c["name"])
                for c in [
                    *model.get("constraints", []),
                    *(c for column in model["columns"] for c in column.get("constraints", [])),
                ]
                if c["type"] == "check"
            }
            # A primary key column is also not null.
            declared |= {("n", column) for kind, column in declared if kind == "p"}
            found[model["name"]] = declared
    assert found, "no contracted tables found"
    return found


def _database_constraints(conn: psycopg.Connection, table: str) -> set[tuple[str, str]]:
    rows = conn.execute(
        """
        select 'n', attname from pg_attribute
        where attrelid = %(t)s::regclass and attnum > 0 and not attisdropped and attnotnull
        union all
        select contype::text, case when contype = 'c' then conname else attname end
        from pg_constraint
        left join pg_attribute
            on attrelid = conrelid and attnum = conkey[1] and contype in ('p', 'u')
        where conrelid = %(t)s::regclass and contype in ('p', 'u', 'c')
        """,
        {"t": f"bit.{table}"},
    ).fetchall()
    return {(kind, name) for kind, name in rows}
