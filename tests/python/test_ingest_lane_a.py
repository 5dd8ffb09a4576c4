"""Lane A ingest: every rule of issue 3 against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import polars as pl
import psycopg
import pytest
from sheets import write_csv, write_xlsx

from loader.errors import FileUnusable, UsageError
from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest

TODAY = dt.date(2026, 11, 24)
HEADERS = ["company_id", "people_id", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason", "source"]  # fmt: skip
CO = "3f2b8c1e-9d4a-4b7e-8f00-2a1c5e6d7b90"
P1 = "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
P2 = "0b7f6c4e-1111-4a6b-8c7d-0e1f2a3b4c5d"
GOOD = [
    [CO, P1, "2026-09-15", "numbers", "stalled", "budget next quarter", "crm"],
    [CO, P2, "2026-08-01", "systems", "ghosted", None, None],
    [None, P1, "2026-03-01", "discovery", "lost", None, "calendar"],
]


def opts(**kwargs) -> IngestOptions:
    return IngestOptions(today=TODAY, **kwargs)


def count(conn: psycopg.Connection, table: str = "sales.appointment_history") -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


def run(conn, path, **kwargs):
    source = kwargs.pop("source", None)
    return ingest(conn, path, opts(**kwargs), source)


def test_clean_file_loads_with_ledger_and_audit(conn, tmp_path: Path) -> None:
    report = run(conn, write_xlsx(tmp_path / "a.xlsx", HEADERS, GOOD), actor="maria")
    assert (report.inserted, report.duplicates, report.rejected) == (3, 0, 0)
    assert count(conn) == 3
    uids = {r[0] for r in conn.execute("select appointment_uid from sales.appointment_history")}
    assert f"{CO}|{P1}|2026-09-15" in uids and f"|{P1}|2026-03-01" in uids
    source = conn.execute(
        "select source::text from sales.appointment_history where people_id = %s"
        " and meeting_date = '2026-08-01'",
        (P2,),
    ).fetchone()[0]
    assert source == "manual"  # the default
    ledger = conn.execute(
        "select lane, file_name, rows_read, inserted, actor, dry_run from shq.load_ledger"
        " where correlation_id = %s",
        (report.correlation_id,),
    ).fetchone()
    assert ledger == ("lane_a", "a.xlsx", 3, 3, "maria", False)
    audited = conn.execute(
        "select count(*), min(performed_by) from shq.audit_log where correlation_id = %s",
        (report.correlation_id,),
    ).fetchone()
    assert audited == (3, "maria")


def test_progress_follows_the_rows_to_the_table(conn, tmp_path: Path) -> None:
    # The bar of a big file: what each step has done, up to the rows really written.
    calls: list[tuple[str, int, int]] = []
    path = write_xlsx(tmp_path / "a.xlsx", HEADERS, GOOD)
    run(conn, path, progress=lambda *call: calls.append(call))
    assert calls[0] == ("validating", 0, 3)
    assert ("comparing", 3, 3) in calls
    assert calls[-1] == ("writing", 3, 3)
    assert [stage for stage, *_ in calls].index("writing") > calls.index(("comparing", 3, 3))


def test_reingest_inserts_nothing(conn, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", HEADERS, GOOD)
    run(conn, path)
    again = run(conn, path)
    assert (again.inserted, again.duplicates, again.rejected) == (0, 3, 0)
    assert count(conn) == 3


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ([12345, P1, "2026-09-15", "numbers", "lost", None, None], "company_id", "not a UUID"),
        (["not-a-uuid", None, "2026-09-15", "numbers", "lost", None, None], "company_id",
         "not a UUID"),
        ([CO, None, "03/04/2025", "numbers", "lost", None, None], "meeting_date", "YYYY-MM-DD"),
        ([CO, None, "2026-02-30", "numbers", "lost", None, None], "meeting_date", "not a day"),
        ([CO, None, "2027-01-01", "numbers", "lost", None, None], "meeting_date", "future"),
        ([CO, None, None, "numbers", "lost", None, None], "meeting_date", "required"),
        ([CO, None, "2026-09-15", "demo", "lost", None, None], "meeting_type",
         "discovery, systems, numbers, other"),
        ([CO, None, "2026-09-15", "numbers", "won", None, None], "meeting_outcome", "one of"),
        ([CO, None, "2026-09-15", "numbers", "stalled", None, None], "stalled_reason",
         "required when meeting_outcome is stalled"),
        ([None, None, "2026-09-15", "numbers", "lost", None, None], "company_id",
         "nothing says who the prospect is"),
        ([CO, None, "2026-09-15", "numbers", "lost", None, "email"], "source", "calendar, crm"),
    ],
)  # fmt: skip
def test_each_bad_cell_is_named_and_nothing_is_written(
    conn, tmp_path: Path, row: list, column: str, fragment: str
) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", HEADERS, [*GOOD, row])
    report = run(conn, path)
    assert report.rejected == 1
    [error] = report.errors
    assert (error.row, error.column) == (5, column)
    assert fragment in error.message
    assert not report.written
    assert report.rows_read == report.inserted + report.duplicates + report.rejected
    assert count(conn) == 0
    assert count(conn, "shq.load_ledger") == 0


def test_every_error_is_listed_not_just_the_first(conn, tmp_path: Path) -> None:
    rows = [
        [CO, None, "13/13/2025", "demo", "stalled", None, None],
        [None, None, "2026-01-01", "numbers", "lost", None, None],
    ]
    report = run(conn, write_xlsx(tmp_path / "bad.xlsx", HEADERS, rows))
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "meeting_date"),
        (2, "meeting_type"),
        (2, "stalled_reason"),
        (3, "company_id"),
    ]


def test_skip_invalid_loads_the_rest_and_writes_rejects(conn, tmp_path: Path) -> None:
    bad = [CO, None, "2026-09-15", "numbers", "stalled", None, None]
    path = write_xlsx(tmp_path / "mixed.xlsx", HEADERS, [GOOD[0], bad, GOOD[1]])
    rejects = tmp_path / "out" / "rejects.csv"
    report = run(conn, path, skip_invalid=True, rejects=rejects)
    assert (report.inserted, report.rejected) == (2, 1)
    assert count(conn) == 2
    rejected = pl.read_csv(rejects, infer_schema=False)
    assert rejected.height == 1
    assert rejected.get_column("source_row").to_list() == ["3"]
    assert "stalled_reason" in rejected.get_column("error")[0]
    xlsx_rejects = tmp_path / "rejects.xlsx"
    run(conn, path, skip_invalid=True, rejects=xlsx_rejects)
    assert pl.read_excel(xlsx_rejects).height == 1


def test_conflict_in_file_keeps_first_and_names_both_rows(conn, tmp_path: Path) -> None:
    rows = [GOOD[0], [CO, P1, "2026-09-15", "systems", "stalled", "budget next quarter", "crm"]]
    report = run(
        conn, write_xlsx(tmp_path / "c.xlsx", HEADERS, [*rows, GOOD[0]]), skip_invalid=True
    )
    assert report.inserted == 1 and report.duplicates == 1
    [error] = report.errors
    assert error.row == 3 and error.column == "meeting_type"
    assert (
        "row 2" in error.message and "'systems'" in error.message and "'numbers'" in error.message
    )


def test_a_changed_outcome_is_a_revision_and_the_meeting_row_stays(conn, tmp_path: Path) -> None:
    run(conn, write_xlsx(tmp_path / "first.xlsx", HEADERS, GOOD))
    changed = [CO, P1, "2026-09-15", "numbers", "lost", None, "crm"]
    report = run(conn, write_xlsx(tmp_path / "second.xlsx", HEADERS, [changed]), actor="maria")
    assert (report.errors, report.inserted, report.revised, report.duplicates) == ([], 0, 1, 0)
    uid = f"{CO}|{P1}|2026-09-15"
    assert conn.execute(
        "select meeting_outcome::text, stalled_reason from sales.appointment_history"
        " where appointment_uid = %s",
        (uid,),
    ).fetchone() == ("stalled", "budget next quarter")
    assert conn.execute(
        "select meeting_type::text, meeting_outcome::text, stalled_reason, correlation_id::text"
        " from sales.appointment_revisions where appointment_uid = %s",
        (uid,),
    ).fetchall() == [("numbers", "lost", None, report.correlation_id)]
    assert conn.execute(
        "select revised from shq.load_ledger where correlation_id = %s", (report.correlation_id,)
    ).fetchone() == (1,)
    assert conn.execute(
        "select count(*) from shq.audit_log where schema_name = 'sales'"
        " and table_name = 'appointment_revisions'"
        " and correlation_id = %s",
        (report.correlation_id,),
    ).fetchone() == (1,)
    # The same file again changes nothing: the meeting as it stands is the revised one.
    again = run(conn, write_xlsx(tmp_path / "again.xlsx", HEADERS, [changed]))
    assert (again.inserted, again.revised, again.duplicates) == (0, 0, 1)
    # Back to the first values: one more revision, the meeting row still untouched.
    back = run(conn, write_xlsx(tmp_path / "back.xlsx", HEADERS, GOOD))
    assert (back.inserted, back.revised, back.duplicates) == (0, 1, 2)
    assert count(conn, "sales.appointment_revisions") == 2


def test_a_change_outside_the_revisable_fields_is_a_conflict(conn, tmp_path: Path) -> None:
    run(conn, write_xlsx(tmp_path / "first.xlsx", HEADERS, GOOD))
    changed = [CO, P1, "2026-09-15", "numbers", "lost", None, "calendar"]
    report = run(conn, write_xlsx(tmp_path / "second.xlsx", HEADERS, [changed]))
    [error] = report.errors
    assert (error.row, error.column, error.value) == (2, "source", "calendar")
    assert "already stored" in error.message and "'crm' in stored" in error.message
    assert "meeting_outcome" in error.message  # says what may change
    assert count(conn, "sales.appointment_revisions") == 0 and not report.written


def test_a_reexport_inserts_new_meetings_and_revises_changed_ones(conn, tmp_path: Path) -> None:
    conn.execute("set datestyle = 'SQL, DMY'")  # a database set up for another country
    run(conn, write_xlsx(tmp_path / "week1.xlsx", HEADERS, GOOD[:2]))
    new = [CO, P2, "2026-10-20", "numbers", "ghosted", None, "crm"]
    changed = [CO, P2, "2026-08-01", "systems", "progressed", None, None]
    week2 = write_xlsx(tmp_path / "week2.xlsx", HEADERS, [new, GOOD[0], changed])
    report = run(conn, week2)
    assert (report.inserted, report.duplicates, report.revised, report.rejected) == (1, 1, 1, 0)
    assert report.rows_read == report.inserted + report.duplicates + report.revised
    assert count(conn) == 3


def test_a_stored_empty_text_is_not_the_same_as_a_missing_one(conn, tmp_path: Path) -> None:
    # Typed in psql, not by the loader (which stores a blank cell as null).
    conn.execute(
        "insert into sales.appointment_history (appointment_uid, company_id, meeting_date,"
        " meeting_type, meeting_outcome, source, source_record_id)"
        " values (%s, %s, '2026-05-05', 'other', 'lost', 'manual', '')",
        (f"{CO}||2026-05-05", CO),
    )
    row = [CO, None, "2026-05-05", "other", "lost", None, None]
    report = run(conn, write_csv(tmp_path / "same.csv", HEADERS, [row]))
    [error] = report.errors
    assert error.column == "source_record_id"
    assert "source_record_id (blank) in this file vs '' in stored" in error.message


def test_ids_given_are_kept_and_the_rest_derived_once_per_key(conn, tmp_path: Path) -> None:
    from loader.lanes.lane_a.prospect_ids import derived_id

    headers = ["people_id", "email", "company_domain", "meeting_date", "meeting_type",
               "meeting_outcome"]  # fmt: skip
    rows = [
        [P1, "dana@northwind.com", "northwind.com", "2026-09-01", "numbers", "lost"],
        [None, "Sam@Fabrikam.com", "fabrikam.com", "2026-09-02", "numbers", "lost"],
        [None, "sam@fabrikam.com", None, "2026-09-03", "systems", "ghosted"],
    ]
    report = run(conn, write_csv(tmp_path / "mixed_ids.csv", headers, rows))
    assert report.inserted == 3
    stored = conn.execute(
        "select meeting_date::text, people_id::text, company_id::text"
        " from sales.appointment_history order by meeting_date"
    ).fetchall()
    sam = derived_id("email", "sam@fabrikam.com")
    assert stored == [
        ("2026-09-01", P1, derived_id("domain", "northwind.com")),
        ("2026-09-02", sam, derived_id("domain", "fabrikam.com")),
        ("2026-09-03", sam, None),
    ]


def test_csv_and_xlsx_give_the_same_rows(admin_conninfo, fresh_db, tmp_path: Path) -> None:
    from loader.platform.migrations import migrate

    xlsx = write_xlsx(tmp_path / "a.xlsx", HEADERS, GOOD)
    csv_path = write_csv(tmp_path / "a.csv", HEADERS, GOOD, bom=True)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        migrate(conn)
        first = run(conn, xlsx)
        second = run(conn, csv_path)
    assert first.inserted == 3
    assert (second.inserted, second.duplicates, second.rejected) == (0, 3, 0)


def test_date_forms(conn, tmp_path: Path) -> None:
    rows = [
        [None, P1, dt.datetime(2026, 9, 15, 23, 30), "numbers", "lost", None, None],
        [None, P2, 46000, "numbers", "lost", None, None],  # Excel serial: 2025-12-09
        [CO, None, "2026-01-02 00:00:00", "numbers", "lost", None, None],
    ]
    report = run(conn, write_xlsx(tmp_path / "d.xlsx", HEADERS, rows))
    assert report.errors == []
    dates = sorted(r[0] for r in conn.execute("select meeting_date from sales.appointment_history"))
    assert dates == [dt.date(2025, 12, 9), dt.date(2026, 1, 2), dt.date(2026, 9, 15)]


def test_a_day_that_does_not_exist_says_so(conn, tmp_path: Path) -> None:
    rows = [
        [None, P1, "2025-11-31", "numbers", "lost", None, None],
        [None, P2, "2025-02-29", "numbers", "lost", None, None],
        [CO, None, "2024-02-29", "numbers", "lost", None, None],  # a leap day: real
        [CO, None, "2025-13-01", "numbers", "lost", None, None],
    ]
    report = run(conn, write_csv(tmp_path / "d.csv", HEADERS, rows))
    assert {(e.row, e.message) for e in report.errors} == {
        (2, "'2025-11-31' is not a day: November 2025 has 30 days."),
        (3, "'2025-02-29' is not a day: February 2025 has 28 days."),
        (5, "'2025-13-01' is not a day: there is no month 13."),
    }


def test_headers_are_forgiving_and_unknown_columns_warned(conn, tmp_path: Path) -> None:
    headers = ["  People ID", "Meeting Date", "MEETING-TYPE", "meeting outcome", "Colour"]
    rows = [[P1, "2026-09-15", "Numbers ", " LOST", "red"], [None] * 5]
    report = run(conn, write_xlsx(tmp_path / "h.xlsx", headers, rows))
    assert report.errors == [] and report.inserted == 1 and report.rows_read == 1
    assert report.warnings == ["ignored unknown column(s): Colour"]


def test_missing_required_columns_is_file_unusable(conn, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", ["company_id", "meeting_date"], [[CO, "2026-01-01"]])
    with pytest.raises(FileUnusable) as caught:
        run(conn, path)
    message = str(caught.value)
    assert (
        "meeting_type, meeting_outcome" in message and "Found: company_id, meeting_date" in message
    )


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [("missing.xlsx", None, "no such file"), ("notes.txt", b"hi", "unsupported file type"),
     ("broken.xlsx", b"not a zip", "is not a workbook"),
     ("empty.csv", b"", "empty")],
)  # fmt: skip
def test_unusable_files(conn, tmp_path: Path, name: str, content: bytes | None, fragment: str):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(FileUnusable, match=fragment):
        run(conn, path)


def test_sheet_option(conn, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", HEADERS, GOOD, sheet="Meetings")
    assert run(conn, path, sheet="meetings", dry_run=True).inserted == 3
    with pytest.raises(FileUnusable, match="Sheets: Meetings"):
        run(conn, path, sheet="Other")


def test_source_override(conn, tmp_path: Path) -> None:
    run(conn, write_xlsx(tmp_path / "a.xlsx", HEADERS, GOOD), source="CRM")
    sources = {r[0] for r in conn.execute("select source::text from sales.appointment_history")}
    assert sources == {"crm"}
    with pytest.raises(UsageError, match="calendar, crm, manual"):
        run(conn, tmp_path / "a.xlsx", source="fax")


def test_dry_run_writes_nothing(conn, tmp_path: Path) -> None:
    report = run(conn, write_xlsx(tmp_path / "a.xlsx", HEADERS, GOOD), dry_run=True)
    assert report.inserted == 3 and report.dry_run
    assert count(conn) == 0
    assert count(conn, "shq.load_ledger") == 0
    assert count(conn, "shq.audit_log") == 0


def test_concurrent_ingests_insert_each_row_once(migrated_db: str, tmp_path: Path) -> None:
    rows = [[None, f"00000000-0000-4000-8000-{i:012d}", "2026-05-01", "numbers", "lost", None,
             None] for i in range(2000)]  # fmt: skip
    path = write_xlsx(tmp_path / "big.xlsx", HEADERS, rows)
    reports = []

    def worker() -> None:
        with psycopg.connect(migrated_db, autocommit=True) as c:
            reports.append(run(c, path))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.inserted for r in reports) == [0, 0, 2000]
    with psycopg.connect(migrated_db) as c:
        assert count(c) == 2000
        assert count(c, "shq.audit_log") == 2000
