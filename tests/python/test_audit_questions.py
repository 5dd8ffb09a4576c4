"""The auditor's questions still have answers after the thin audit rows (migration 0008).

A ledgered ingest writes, per row of a write-once table, the key and the run id; the
values are the stored row and the run's metadata is its ledger row. Everything else
keeps full values. shq.audit_trail answers "what did run X insert" and "who inserted
row Y and from which file".
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import psycopg
from sheets import write_csv

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest
from loader.platform.audit import AuditContext

TODAY = dt.date(2026, 11, 24)
HEADERS = ["company_id", "people_id", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason", "source", "email"]  # fmt: skip
CO = "3f2b8c1e-9d4a-4b7e-8f00-2a1c5e6d7b90"
PEOPLE = [str(uuid.UUID(int=i + 1, version=4)) for i in range(40)]


def _load(conn: psycopg.Connection, path: Path, actor: str):
    rows = [
        [CO, person, f"2026-0{1 + i % 9}-1{i % 10}", "numbers", "lost", None, "crm", f"p{i}@x.org"]
        for i, person in enumerate(PEOPLE)
    ]
    write_csv(path, HEADERS, rows)
    return ingest(conn, path, IngestOptions(today=TODAY, actor=actor))


def test_what_did_run_x_insert(conn: psycopg.Connection, tmp_path: Path) -> None:
    report = _load(conn, tmp_path / "week48.csv", "maria")
    inserted = conn.execute(
        "select trail.record_id, history.meeting_outcome::text"
        " from shq.audit_trail as trail"
        " inner join sales.appointment_history as history"
        "     on history.appointment_uid = trail.record_id"
        " where trail.correlation_id = %s and trail.table_name = 'appointment_history'",
        (report.correlation_id,),
    ).fetchall()
    stored = conn.execute("select appointment_uid from sales.appointment_history").fetchall()
    assert sorted(uid for uid, _ in inserted) == sorted(uid for (uid,) in stored)
    assert len(inserted) == report.inserted == len(PEOPLE)
    assert {outcome for _, outcome in inserted} == {"lost"}


def test_who_inserted_row_y_and_from_which_file(conn: psycopg.Connection, tmp_path: Path) -> None:
    report = _load(conn, tmp_path / "week48.csv", "maria")
    uid = f"{CO}|{PEOPLE[7]}|2026-08-17"
    found = conn.execute(
        "select performed_by, source_file, file_sha256, loader_version, db_user, load_id,"
        " values_are_the_stored_row, new_values"
        " from shq.audit_trail where table_name = 'appointment_history' and record_id = %s",
        (uid,),
    ).fetchall()
    assert len(found) == 1
    actor, source_file, sha, version, db_user, load_id, thin, new_values = found[0]
    assert (actor, source_file, sha) == ("maria", "week48.csv", report.sha256)
    assert version and db_user and load_id is not None
    assert thin and new_values is None  # the values are the write-once row itself
    login = conn.execute("select session_user").fetchone()[0]
    assert db_user == login


def test_updatable_and_hand_made_writes_keep_full_values(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    report = _load(conn, tmp_path / "week48.csv", "maria")
    # The prospect directory is updatable: its rows keep their values, even in a run.
    people = conn.execute(
        "select count(*) filter (where new_values ? 'email'), count(*) from shq.audit_log"
        " where correlation_id = %s and table_name = 'prospect_people'",
        (report.correlation_id,),
    ).fetchone()
    assert people == (len(PEOPLE), len(PEOPLE))
    # A touch recorded outside a ledgered run carries its values and metadata.
    context = AuditContext(actor="sam", source_file="by hand")
    with conn.transaction():
        context.apply(conn)
        conn.execute(
            "insert into sales.reactivation_touches (appointment_uid, channel, actor)"
            " values (%s, 'email', 'sam')",
            (f"{CO}|{PEOPLE[0]}|2026-01-10",),
        )
    values, metadata = conn.execute(
        "select new_values, metadata from shq.audit_log where correlation_id = %s",
        (context.correlation_id,),
    ).fetchone()
    assert values["channel"] == "email" and metadata["source_file"] == "by hand"


def test_a_write_once_table_with_its_guard_off_gets_full_values(
    conn: psycopg.Connection,
) -> None:
    # Thin rows rely on the row never changing; with the guard off it could.
    conn.execute("alter table sales.appointment_history disable trigger forbid_change")
    try:
        context = AuditContext(actor="maria", ledgered=True)
        with conn.transaction():
            context.apply(conn)
            conn.execute(
                "insert into sales.appointment_history"
                " (appointment_uid, people_id, meeting_date, meeting_type, meeting_outcome)"
                " values (%s, %s, '2026-04-01', 'numbers', 'lost')",
                (f"|{PEOPLE[0]}|2026-04-01", PEOPLE[0]),
            )
    finally:
        conn.execute("alter table sales.appointment_history enable always trigger forbid_change")
    values = conn.execute(
        "select new_values from shq.audit_log where correlation_id = %s",
        (context.correlation_id,),
    ).fetchone()[0]
    assert values["meeting_outcome"] == "lost"


def test_audit_ids_follow_time_and_never_collide(conn: psycopg.Connection) -> None:
    context = AuditContext(actor="bulk")
    with conn.transaction():
        context.apply(conn)
        for statement in range(20):  # many statements within the same milliseconds
            conn.execute(
                "insert into sales.reactivation_touches (appointment_uid, channel, actor)"
                " select 'uid-' || %s || '-' || g, 'linkedin', 'bulk'"
                " from generate_series(1, 50) as g",
                (statement,),
            )
    ids = conn.execute(
        "select audit_id from shq.audit_log where correlation_id = %s"
        " order by record_id::bigint",  # touch ids: the order the rows were written
        (context.correlation_id,),
    ).fetchall()
    assert len({i for (i,) in ids}) == len(ids) == 1000
    assert {i.version for (i,) in ids} == {7}
    # Written later, never a smaller time: the primary key grows at its right edge.
    stamps = [int(i.hex[:12], 16) for (i,) in ids]
    assert stamps == sorted(stamps)
    first = dt.datetime.fromtimestamp(stamps[0] / 1000, dt.UTC)
    assert abs((dt.datetime.now(dt.UTC) - first).total_seconds()) < 600


def _pages_read(conn: psycopg.Connection, query: str, value: str) -> tuple[int, int]:
    """(shared pages the lookup read, rows it returned)."""
    [[plan]] = conn.execute(f"explain (analyze, buffers, format json) {query}", (value,)).fetchone()
    top = plan["Plan"]
    return top["Shared Hit Blocks"] + top["Shared Read Blocks"], top["Actual Rows"]


def test_both_questions_read_a_small_part_of_a_long_log(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    # Years of earlier runs in front of this one: 200,000 audit rows of other runs.
    conn.execute(
        "insert into shq.audit_log (schema_name, table_name, operation, record_id,"
        " performed_by, correlation_id)"
        " select 'sales', 'appointment_history', 'INSERT', 'older-' || g, 'bulk',"
        " ('00000000-0000-4000-8000-' || lpad(to_hex(g / 1000), 12, '0'))::uuid"
        " from generate_series(1, 200000) as g"
    )
    report = _load(conn, tmp_path / "week48.csv", "maria")
    # What autovacuum does after a load (it summarises the new page ranges); here it
    # may not have run yet.
    conn.execute("vacuum (analyze) shq.audit_log")
    log_pages = conn.execute(
        "select pg_relation_size('shq.audit_log') / current_setting('block_size')::int"
    ).fetchone()[0]

    by_row = _pages_read(
        conn,
        "select * from shq.audit_log where record_id = %s",
        f"{CO}|{PEOPLE[7]}|2026-08-17",
    )
    by_run = _pages_read(
        conn,
        "select * from shq.audit_log where correlation_id = %s",
        report.correlation_id,
    )
    assert by_row[1] == 1 and by_run[1] == 2 * len(PEOPLE)  # meetings and directory rows
    assert by_row[0] < log_pages / 10 and by_run[0] < log_pages / 10, (by_row, by_run, log_pages)
