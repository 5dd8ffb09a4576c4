"""Lane A end to end: ingest -> dbt build -> the ready view, right at query time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import psycopg
import pytest
from dbt_project_runner import dbt_build
from sheets import write_xlsx

from loader.errors import DatabaseError, LanesError
from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.export import READY_QUEUE
from loader.lanes.lane_a.ingest import ingest
from loader.outreach.queue_export import export_queue

pytestmark = pytest.mark.dbt

TODAY = dt.date.today()
HEADERS = ["company_id", "people_id", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason"]  # fmt: skip


def person(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def company(n: int) -> str:
    return f"cccccccc-0000-4000-8000-{n:012d}"


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


ROWS = [
    # eligible, 95 points: stalled + numbers + recent + timing keyword + known person
    [company(1), person(1), ago(60), "numbers", "stalled", "Budget frozen until next quarter"],
    # eligible, 60 points
    [company(2), person(2), ago(100), "systems", "ghosted", None],
    # progressed: never in the queue
    [company(3), person(3), ago(60), "numbers", "progressed", None],
    # stalled 10 days ago: cooling off for 20 more days
    [company(4), person(4), ago(10), "numbers", "stalled", "Timing"],
    # 26 points: under the ready threshold of 40
    [company(5), person(5), ago(400), "discovery", "lost", None],
    # two meetings with one person: only the later one may be in the queue
    [company(6), person(6), ago(200), "numbers", "stalled", "Budget"],
    [company(6), person(6), ago(50), "systems", "ghosted", None],
]


def _load_and_build(database_url: str, scratch: Path) -> None:
    workbook = write_xlsx(scratch / "meetings.xlsx", HEADERS, ROWS)
    with psycopg.connect(database_url) as conn:
        report = ingest(conn, workbook, IngestOptions(actor="test"))
    assert report.inserted == len(ROWS)
    dbt_build(database_url, "lane_a")


@pytest.fixture
def built_lane_a(database_copy) -> str:
    """ROWS ingested and Lane A built (with its dbt tests) once; a copy per test."""
    return database_copy("lane_a_rows", _load_and_build)


def ready_people(conn: psycopg.Connection) -> dict[str, tuple]:
    rows = conn.execute(
        "select people_id::text, bit_score, tier, bit_reason_codes, recommended_channel::text,"
        " message_variant_id from bit.v_reactivation_ready"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_ready_view_shows_the_expected_people(built_lane_a: str) -> None:
    with psycopg.connect(built_lane_a) as conn:
        ready = ready_people(conn)
        assert set(ready) == {person(1), person(2), person(6)}
        score, tier, reasons, channel, variant = ready[person(1)]
        assert (float(score), tier, channel, variant) == (
            95.0,
            "hot",
            "email",
            "RA-STALLED-NUMBERS-EMAIL-v1",
        )
        assert reasons[:2] == ["OUTCOME_STALLED", "TYPE_NUMBERS"] and "REASON_TIMING" in reasons
        assert ready[person(2)][1] == "warm"
        intent = dict(
            conn.execute(
                "select ah.people_id::text || '@' || ah.meeting_date, ri.exclusion_reason"
                " from bit.reactivation_intent ri"
                " join sales.appointment_history ah using (appointment_uid)"
            ).fetchall()
        )
        assert intent[f"{person(3)}@{ago(60)}"] == "progressed"
        assert intent[f"{person(6)}@{ago(200)}"] == "superseded"


def test_touch_leaves_the_view_without_a_rebuild(built_lane_a: str) -> None:
    with psycopg.connect(built_lane_a, autocommit=True) as conn:
        uid = f"{company(1)}|{person(1)}|{ago(60)}"
        conn.execute(
            "insert into sales.reactivation_touches (appointment_uid, channel, actor)"
            " values (%s, 'email', 'test')",
            [uid],
        )
        assert set(ready_people(conn)) == {person(2), person(6)}


def test_kill_switch_leaves_the_view_without_a_rebuild(built_lane_a: str) -> None:
    with psycopg.connect(built_lane_a, autocommit=True) as conn:
        conn.execute(
            "insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor)"
            " values ('person', %s, 'exclude', 'asked not to be contacted', 'test')",
            [person(2)],
        )
        assert set(ready_people(conn)) == {person(1), person(6)}


def test_cooling_off_ends_at_query_time(built_lane_a: str) -> None:
    with psycopg.connect(built_lane_a, autocommit=True) as conn:
        assert person(4) not in ready_people(conn)
        later = dt.datetime.combine(TODAY + dt.timedelta(days=25), dt.time(9), dt.UTC)
        conn.execute("select set_config('lanes.now', %s, false)", [later.isoformat()])
        ready = ready_people(conn)
        assert person(4) in ready
        days = conn.execute(
            "select days_since_meeting from bit.v_reactivation_ready where people_id = %s",
            [person(4)],
        ).fetchone()
        assert days == (35,)


def test_bi_role_reads_the_view_but_not_the_lane_tables(built_lane_a: str) -> None:
    with psycopg.connect(built_lane_a, autocommit=True) as conn:
        conn.execute("set role lanes_bi")
        assert conn.execute("select count(*) from bit.v_reactivation_ready").fetchone() == (3,)
        for table in ("sales.appointment_history", "bit.reactivation_intent"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(f"select 1 from {table}")


def test_export_with_mark_touched_writes_the_file_and_empties_the_queue(
    built_lane_a: str, tmp_path: Path
) -> None:
    out = tmp_path / "queue.xlsx"
    with psycopg.connect(built_lane_a, autocommit=True) as conn:
        result = export_queue(conn, READY_QUEUE, out, limit=1, mark_touched=True, actor="ana")
        assert (result.rows, result.touched) == (1, 1)
        exported = pl.read_excel(out)
        assert exported["people_id"].to_list() == [person(1)]
        assert exported["bit_reason_codes"][0].startswith("OUTCOME_STALLED, TYPE_NUMBERS")
        assert set(ready_people(conn)) == {person(2), person(6)}
        touch = conn.execute(
            "select channel::text, actor from sales.reactivation_touches"
        ).fetchall()
        assert touch == [("email", "ana")]
        audit = conn.execute(
            "select count(*) from shq.audit_log where correlation_id = %s"
            " and table_name = 'reactivation_touches'",
            [result.correlation_id],
        ).fetchone()
        assert audit == (1,)


def test_export_that_cannot_record_touches_writes_no_file(
    built_lane_a: str, tmp_path: Path
) -> None:
    # Recording the touches fails (a table that is not there): no file, no touch.
    elsewhere = dataclasses.replace(READY_QUEUE.lane, noun="no_such")  # sales.no_such_touches
    missing = dataclasses.replace(READY_QUEUE.touches, lane=elsewhere)
    broken = dataclasses.replace(READY_QUEUE, touches=missing)
    exports = tmp_path / "exports"
    exports.mkdir()
    out = exports / "queue.csv"
    with (
        psycopg.connect(built_lane_a, autocommit=True) as conn,
        pytest.raises(psycopg.errors.UndefinedTable, match="no_such_touches"),
    ):
        export_queue(conn, broken, out, mark_touched=True)
    assert list(exports.iterdir()) == []  # neither the file nor a temporary one
    with psycopg.connect(built_lane_a) as conn:
        assert conn.execute("select count(*) from sales.reactivation_touches").fetchone() == (0,)


def test_export_before_a_build_says_what_to_run(migrated_db: str, tmp_path: Path) -> None:
    with (
        psycopg.connect(migrated_db, autocommit=True) as conn,
        pytest.raises(DatabaseError, match=r"run `loader dbt build --select lane_a` first"),
    ):
        export_queue(conn, READY_QUEUE, tmp_path / "q.csv")


def test_an_include_after_the_build_brings_a_person_back_at_once(
    migrated_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = write_xlsx(tmp_path / "meetings.xlsx", HEADERS, ROWS[:2])
    entry = (
        "insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor,"
        " expires_at) values (%s, %s, %s, 'test', 't', %s)"
    )
    with psycopg.connect(migrated_db) as conn:
        ingest(conn, workbook, IngestOptions(actor="test"))
        expiry = dt.datetime.combine(TODAY + dt.timedelta(days=10), dt.time(0), dt.UTC)
        conn.execute(entry, ["person", person(1), "exclude", None])
        conn.execute(entry, ["person", person(2), "exclude", expiry])
    dbt_build(migrated_db, "lane_a")
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        assert ready_people(conn) == {}
        conn.execute(entry, ["person", person(1), "include", None])
        assert set(ready_people(conn)) == {person(1)}
        later = dt.datetime.combine(TODAY + dt.timedelta(days=11), dt.time(9), dt.UTC)
        conn.execute("select set_config('lanes.now', %s, false)", [later.isoformat()])
        assert set(ready_people(conn)) == {person(1), person(2)}


@pytest.mark.parametrize("where", ["missing-folder/queue.csv", "a-file/queue.csv"])
def test_export_to_a_path_that_cannot_be_written_records_no_touch(
    built_lane_a: str, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with (
        psycopg.connect(built_lane_a, autocommit=True) as conn,
        pytest.raises(LanesError, match=r"queue\.csv"),
    ):
        export_queue(conn, READY_QUEUE, tmp_path / where, mark_touched=True)
    with psycopg.connect(built_lane_a) as conn:
        assert conn.execute("select count(*) from sales.reactivation_touches").fetchone() == (0,)
