"""Each role, logged in as itself, can do its job and nothing more; a table owner
switching a write guard off is caught (`loader db status`, the dbt guard tests)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import psycopg
import pytest
from cli_run import run_main
from dbt_project_runner import (
    PROJECT_ROOT,
    copy_project,
    dbt_build,
    load_examples,
    run_dbt_captured,
)
from psycopg.conninfo import make_conninfo

from loader.demo.examples import write_examples
from loader.platform.audit import AuditContext

LANE_TABLES = [
    "sales.appointment_history",
    "sales.appointment_revisions",
    "sales.reactivation_touches",
    "sales.reactivation_kill_switch",
    "sales.reactivation_suppressions",
    "sales.prospect_people",
    "sales.prospect_companies",
    "partners.fractional_cfo_master",
    "partners.partner_appointments",
    "partners.partner_appointment_revisions",
    "partners.partner_suppressions",
    "partners.partner_touches",
    "partners.partner_pauses",
    "shq.audit_log",
    "shq.load_ledger",
]
BI_VIEWS = [
    "bit.v_reactivation_ready",
    "bit.v_partner_outreach_ready",
    "bit.v_reactivation_performance",
    "bit.v_partner_performance",
    "bit.v_reactivation_score_check",
    "bit.v_partner_score_check",
    "bit.v_reactivation_experiments",
    "bit.v_partner_experiments",
]


def refused(conn: psycopg.Connection, role: str, statement: str) -> bool:
    """Whether `statement`, run as `role`, is refused for lack of a privilege."""
    try:
        with conn.transaction():
            conn.execute(f"set local role {role}")
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def _load_and_build(database_url: str, scratch: Path) -> None:
    load_examples(database_url, scratch / "examples")
    dbt_build(database_url, "lane_a lane_b", with_tests=False)


@pytest.fixture
def built_db(database_copy) -> str:
    return database_copy("examples_both_lanes", _load_and_build)


@pytest.mark.dbt
def test_the_bi_role_reads_the_bi_views_and_nothing_else(built_db: str) -> None:
    with psycopg.connect(built_db, autocommit=True) as conn:
        for view in BI_VIEWS:
            assert not refused(conn, "lanes_bi", f"select * from {view} limit 1"), view
        for table in [*LANE_TABLES, "bit.reactivation_intent", "bit.partner_intent"]:
            assert refused(conn, "lanes_bi", f"select * from {table} limit 1"), table
        for schema in ("sales", "partners", "shq", "lane_a", "lane_b"):
            usage = conn.execute(
                "select has_schema_privilege('lanes_bi', %s, 'usage')", (schema,)
            ).fetchone()[0]
            assert usage is False, schema
        assert refused(conn, "lanes_bi", "create temporary table scratch (x int)")
        assert refused(conn, "lanes_bi", "create table bit.scratch (x int)")
        assert refused(conn, "lanes_bi", "select pg_read_file('/etc/hostname')")


def test_the_loader_role_appends_but_never_rewrites(conn: psycopg.Connection) -> None:
    for table in LANE_TABLES[:-2]:
        assert not refused(conn, "lanes_loader", f"select 1 from {table} limit 1"), table
    # The audit log is written by triggers, never read or written by the loader itself.
    assert refused(conn, "lanes_loader", "select 1 from shq.audit_log limit 1")
    assert refused(conn, "lanes_loader", "insert into shq.audit_log default values")
    write_once = [t for t in LANE_TABLES if "prospect" not in t and "master" not in t]
    for table in write_once:
        assert refused(conn, "lanes_loader", f"delete from {table}"), table
        assert refused(conn, "lanes_loader", f"truncate {table}"), table
    assert refused(conn, "lanes_loader", "update shq.audit_log set performed_by = 'x'")
    assert refused(conn, "lanes_loader", "create table bit.scratch (x int)")
    disable = "alter table sales.appointment_history disable trigger forbid_change"
    assert refused(conn, "lanes_loader", disable)
    # Its own staging needs a temporary table.
    assert not refused(conn, "lanes_loader", "create temporary table staging_check (x int)")


def test_the_transformer_role_reads_sources_and_builds_in_bit_only(
    conn: psycopg.Connection,
) -> None:
    with conn.transaction():
        AuditContext(actor="test").apply(conn)
        conn.execute(
            "insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor)"
            " values ('company', 'x', 'exclude', 'test', 'test')"
        )
    for table in LANE_TABLES[:9]:
        assert not refused(conn, "lanes_transformer", f"select 1 from {table} limit 1"), table
    for table in LANE_TABLES:
        assert refused(conn, "lanes_transformer", f"delete from {table}"), table
    assert refused(
        conn,
        "lanes_transformer",
        "insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor)"
        " values ('company', 'y', 'include', 'sneaky', 'dbt')",
    )
    assert refused(
        conn, "lanes_transformer", "update sales.reactivation_kill_switch set action = 'include'"
    )
    assert refused(conn, "lanes_transformer", "select * from shq.audit_log")
    assert not refused(conn, "lanes_transformer", "create table bit.scratch (x int)")


@pytest.mark.dbt
def test_a_disabled_write_guard_fails_db_status_and_the_lane_test(
    database_url_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = run_main(["db", "status"], capsys, monkeypatch)
    assert code == 0 and "write guards: all 31 write-once and audit triggers enabled" in out

    with psycopg.connect(database_url_env, autocommit=True) as conn:
        conn.execute("alter table sales.appointment_history disable trigger forbid_change")
        conn.execute("alter table partners.partner_touches enable trigger audit_insert")
    code, _, err = run_main(["db", "status"], capsys, monkeypatch)
    assert code == 1
    assert (
        "write guard disabled: forbid_change on sales.appointment_history; fix: alter table "
        "sales.appointment_history enable always trigger forbid_change"
    ) in err
    assert "write guard not always: audit_insert on partners.partner_touches" in err
    assert "2 of 31 write guards are off" in err

    project = copy_project(tmp_path / "project")
    lane_a = run_dbt_captured(
        database_url_env, project, ["test", "--select", "assert_lane_a_write_guards_enabled"]
    )
    assert lane_a.code != 0 and "Got 1 result" in lane_a.output
    with psycopg.connect(database_url_env, autocommit=True) as conn:
        conn.execute("alter table sales.appointment_history enable always trigger forbid_change")
        conn.execute("alter table partners.partner_touches enable always trigger audit_insert")
    both = run_dbt_captured(database_url_env, project, ["test", "--select", "tag:guards"])
    assert both.code == 0, both.output


@pytest.mark.dbt
def test_no_password_reaches_output_errors_or_the_database(
    migrated_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "S3cret-pw-4f9a"
    monkeypatch.setenv("DATABASE_URL", make_conninfo(migrated_db, password=secret))
    files = write_examples(tmp_path / "examples", dt.date.today())
    bad = tmp_path / "bad.csv"
    bad.write_text("company_id,meeting_date,meeting_type,meeting_outcome\nx,someday,call,won\n")
    printed = []
    for args in (
        ["ingest", "lane-a", str(files["lane_a"]), "--json"],
        ["ingest", "lane-a", str(bad)],
        ["ingest", "lane-a", str(tmp_path / "missing.xlsx")],
        ["status", "lane-a", "--json"],
        ["db", "url"],
        ["db", "env"],
        ["db", "status"],
    ):
        _, out, err = run_main(args, capsys, monkeypatch)
        printed.append(out + err)
    # dbt gets the password through PGPASSWORD; neither its output nor its log file
    # may repeat it.
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt-logs"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt-target"))
    code, out, err = run_main(["dbt", "debug"], capsys, monkeypatch)
    assert code == 0, out + err
    printed.append(out + err)
    logged = "".join(f.read_text() for f in (tmp_path / "dbt-logs").glob("*.log"))
    assert "Connection test: [OK" in logged or "All checks passed" in logged
    assert secret not in logged
    assert any("inserted" in text for text in printed)  # the runs did happen
    assert all(secret not in text for text in printed)
    with psycopg.connect(migrated_db) as conn:
        stored = conn.execute(
            "select (select string_agg(to_jsonb(a)::text, '') from shq.audit_log as a)"
            " || (select string_agg(to_jsonb(l)::text, '') from shq.load_ledger as l)"
        ).fetchone()[0]
    assert stored and secret not in stored


# Credentials that appear in the repository on purpose: placeholders in docs and
# messages, the CI service container's throwaway login, and the tests' fake ones.
EXAMPLE_CREDENTIALS = {"user:password", "lanes:secret", "postgres:postgres"}


def test_the_repository_holds_no_real_password() -> None:
    """A URL with credentials in a tracked file is a known example, or a test's fake."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    with_credentials = re.compile(r"postgres(?:ql)?://([^:/\s\"'`@]+:[^@\s\"'`]+)@")
    found = {
        (name, match)
        for name in tracked
        if not name.startswith(("tests/", "bench/plans/")) and (PROJECT_ROOT / name).is_file()
        for match in with_credentials.findall((PROJECT_ROOT / name).read_text(errors="ignore"))
    }
    assert {match for _, match in found} <= EXAMPLE_CREDENTIALS, found
