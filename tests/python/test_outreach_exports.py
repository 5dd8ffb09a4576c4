"""Exports an outreach tool imports as they are: formats, channels, left-out rows, safe cells."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import polars as pl
import psycopg
import pytest
from cli_run import run_main
from crm_people import HEADERS, TODAY, ago, load_and_build
from dbt_project_runner import dbt_build
from rich.console import Console
from sheets import write_xlsx

from loader.demo import READY_QUEUES, print_queue
from loader.demo.examples import write_examples
from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.export import READY_QUEUE
from loader.lanes.lane_a.ingest import ingest
from loader.outreach.queue_export import export_queue
from loader.outreach.tools import CUSTOM_FIELDS, tools
from loader.sheets.export_file import spreadsheet_safe

pytestmark = pytest.mark.dbt


@pytest.fixture
def built(database_copy) -> str:
    return database_copy("lane_a_crm_people", load_and_build)


def _opts() -> IngestOptions:
    return IngestOptions(actor="test")


def touched_people(conn: psycopg.Connection) -> dict[str, str]:
    rows = conn.execute(
        "select p.person_name, t.channel::text from sales.reactivation_touches t"
        " join sales.appointment_history a using (appointment_uid)"
        " join sales.prospect_people p using (people_id)"
    ).fetchall()
    return dict(rows)


def ready_channels(conn: psycopg.Connection) -> dict[str, str]:
    rows = conn.execute(
        "select person_name, recommended_channel::text from bit.v_reactivation_ready"
    ).fetchall()
    return dict(rows)


def test_the_queue_is_on_the_channels_this_file_expects(built: str) -> None:
    with psycopg.connect(built) as conn:
        assert ready_channels(conn) == {
            "Dana Whitfield": "email",
            "Sam Ortiz": "email",
            "Lee Kim": "linkedin",
        }
        # Ana Lima has neither an email nor a LinkedIn URL: never ready, counted apart.
        reason = conn.execute(
            "select i.exclusion_reason::text from bit.reactivation_intent as i"
            " join sales.prospect_people as p on p.people_id = i.people_id"
            " where p.person_name = 'Ana Lima'"
        ).fetchone()
        assert reason == ("needs_contact_details",)


@pytest.mark.parametrize(
    ("tool", "expected_columns", "people", "left_out"),
    [
        (
            "lemlist",
            ["email", "firstName", "lastName", "companyName", "companyDomain", "jobTitle",
             "linkedinUrl", "phone", "icebreaker"],
            ["Dana", "Sam", "Lee"],
            {},
        ),
        (
            "instantly",
            ["email", "first_name", "last_name", "company_name", "job_title", "website",
             "phone", "personalization"],
            ["Dana", "Sam"],
            {"recommended channel is linkedin, which instantly does not send on": 1},
        ),
        (
            "heyreach",
            ["profileUrl", "firstName", "lastName", "companyName", "position",
             "emailAddress", "message_opening"],
            ["Lee"],
            {"recommended channel is email, which heyreach does not send on": 2},
        ),
        (
            "smartlead",
            ["email", "first_name", "last_name", "company_name", "website",
             "linkedin_profile", "phone_number", "message_opening"],
            ["Dana", "Sam"],
            {"recommended channel is linkedin, which smartlead does not send on": 1},
        ),
    ],
)  # fmt: skip
def test_each_tool_gets_its_documented_columns_and_only_rows_it_can_take(
    built: str,
    tmp_path: Path,
    tool: str,
    expected_columns: list[str],
    people: list[str],
    left_out: dict[str, int],
) -> None:
    out = tmp_path / f"{tool}.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        result = export_queue(conn, READY_QUEUE, out, tool=tool, mark_touched=True)
        touched = touched_people(conn)
    custom = [name for name, _ in CUSTOM_FIELDS]
    exported = pl.read_csv(out, infer_schema=False)
    assert exported.columns == expected_columns + custom
    first_name = next(name for name, field in tools()[tool].lead_columns if field == "first_name")
    assert sorted(exported[first_name].to_list()) == sorted(people)
    assert result.left_out == left_out
    assert result.rows == len(people) and result.touched == len(people)
    # Only what went into the file was marked touched, on the channel it went out on.
    assert {name.split()[0] for name in touched} == set(people)
    # Our ids come along as custom fields, so the tool's activity export can come back.
    by_first = {row[first_name]: row for row in exported.iter_rows(named=True)}
    with psycopg.connect(built) as conn:
        keys = dict(
            conn.execute(
                "select p.first_name, a.appointment_uid::text from sales.appointment_history a"
                " join sales.prospect_people p using (people_id)"
            ).fetchall()
        )
    for first in people:
        row = by_first[first]
        assert row["lanes_key"] == keys[first]
        assert row["lanes_lane"] == "lane_a"
        assert row["lanes_tier"] in {"hot", "warm", "cool"}
        assert float(row["lanes_score"]) >= 40
        opening = next(name for name, field in tools()[tool].lead_columns if field == "opening")
        assert row[opening].startswith(f"Hi {first},")


def test_lemlist_row_carries_the_full_lead(built: str, tmp_path: Path) -> None:
    out = tmp_path / "lemlist.xlsx"
    with psycopg.connect(built, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, out, tool="lemlist")
    dana = pl.read_excel(out).filter(pl.col("firstName") == "Dana").row(0, named=True)
    assert {k: dana[k] for k in ("email", "lastName", "companyName", "companyDomain",
                                 "jobTitle", "linkedinUrl", "lanes_channel")} == {
        "email": "dana@northwind.com", "lastName": "Whitfield",
        "companyName": "Northwind Traders", "companyDomain": "northwind.com", "jobTitle": "CFO",
        "linkedinUrl": "https://www.linkedin.com/in/dana-whitfield", "lanes_channel": "email",
    }  # fmt: skip
    assert dana["lanes_subject"] == "Picking up where we left off, Dana"


def test_channel_exports_and_marks_only_that_channel(built: str, tmp_path: Path) -> None:
    out = tmp_path / "linkedin.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        result = export_queue(conn, READY_QUEUE, out, channel="linkedin", mark_touched=True)
        assert touched_people(conn) == {"Lee Kim": "linkedin"}
        # The email half is still waiting for the email tool.
        assert set(ready_channels(conn)) == {"Dana Whitfield", "Sam Ortiz"}
    assert (result.rows, result.touched) == (1, 1)
    assert pl.read_csv(out)["person_name"].to_list() == ["Lee Kim"]


def test_the_cli_reports_rows_left_out(
    built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", built)
    out = tmp_path / "instantly.csv"
    args = ["export", "lane-a", str(out), "--format", "instantly"]
    code, printed, _ = run_main(args, capsys, monkeypatch)
    assert code == 0
    assert "wrote 2 row(s)" in printed
    assert (
        "left out 1 row(s): recommended channel is linkedin, which instantly does not send on"
        " (not marked touched)" in printed
    )


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_payloads_in_every_text_column_come_out_inert(
    migrated_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every free-text column a person or a CRM fills, each with a formula payload.
    text_columns = ["person_name", "job_title", "company_name", "stalled_reason"]
    rows = []
    for n, payload in enumerate(FORMULAS):
        row = [2000 + n, payload, f"p{n}@example.com", None, payload, 3000 + n, payload, None,
               ago(60), "numbers", "stalled", payload]  # fmt: skip
        rows.append(row)
    with psycopg.connect(migrated_db) as conn:
        report = ingest(conn, write_xlsx(tmp_path / "evil.xlsx", HEADERS, rows), _opts())
    assert report.inserted == len(FORMULAS), report.errors
    dbt_build(migrated_db, "lane_a", with_tests=False)

    csv_out, xlsx_out = tmp_path / "q.csv", tmp_path / "q.xlsx"
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, csv_out)
        export_queue(conn, READY_QUEUE, xlsx_out)
        export_queue(conn, READY_QUEUE, tmp_path / "lemlist.csv", tool="lemlist")
        # Stored exactly as given: neutralising is the file writer's job, not the database's.
        stored = {r[0] for r in conn.execute("select person_name from sales.prospect_people")}
    # Leading tabs and line breaks are trimmed on the way in, like any surrounding space.
    assert stored == {payload.strip() for payload in FORMULAS}

    for path in (csv_out, tmp_path / "lemlist.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            cells = [cell for row in list(csv.reader(handle))[1:] for cell in row]
        live = [c for c in cells if c and c[0] in "=+-@\t\r"]
        assert live == [], f"{path.name} has cells a spreadsheet would run: {live[:3]}"
        assert "'" + FORMULAS[0] in cells  # neutralised, not dropped or altered

    with zipfile.ZipFile(xlsx_out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    exported = pl.read_excel(xlsx_out, infer_schema_length=0)
    for column in [*text_columns, "message_opening"]:
        if column == "message_opening":
            assert all(v.startswith("Hi ") for v in exported[column].to_list())
        else:
            assert set(exported[column].to_list()) == stored  # strings, exactly


def test_export_files_get_the_users_normal_permissions(built: str, tmp_path: Path) -> None:
    for umask, mode in [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)]:
        out = tmp_path / f"queue-{umask:o}.xlsx"
        previous = os.umask(umask)
        try:
            with psycopg.connect(built, autocommit=True) as conn:
                export_queue(conn, READY_QUEUE, out)
        finally:
            os.umask(previous)
        assert out.stat().st_mode & 0o777 == mode, f"umask {umask:o}"


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_csv_cell_that_starts_like_a_formula_opens_as_text(payload: str) -> None:
    assert spreadsheet_safe(payload) == "'" + payload
    assert spreadsheet_safe("Dana =1") == "Dana =1"
    assert spreadsheet_safe(-3) == -3  # numbers stay numbers


def test_the_demo_queue_reads_in_a_100_column_terminal(built: str) -> None:
    screen = io.StringIO()
    console = Console(file=screen, width=100, color_system=None)
    with psycopg.connect(built) as conn:
        print_queue(conn, console, READY_QUEUES[0], top=10)
    lines = screen.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 100
    header = next(line for line in lines if "tier" in line)
    for column in ("who", "company", "channel", "score", "tier", "why"):
        assert column in header
    dana = next(line for line in lines if "Dana Whitfield" in line)
    assert "Northwind Traders" in dana and "email" in dana and "OUTCOME_STALLED" in dana
    assert sum("Whitfield" in line for line in lines) == 1


def test_every_bundled_example_meeting_is_identified_from_crm_ids(
    migrated_db: str, tmp_path: Path
) -> None:
    files = write_examples(tmp_path, TODAY)
    with psycopg.connect(migrated_db) as conn:
        report = ingest(conn, files["lane_a"], _opts())
    assert report.errors == [] and report.inserted > 100
    with psycopg.connect(migrated_db) as conn:
        nameless_company, nameless_person, reachable_people = conn.execute(
            "select count(*) filter (where c.company_name is null),"
            " count(*) filter (where a.people_id is not null and p.person_name is null),"
            " count(distinct a.people_id) filter (where p.email is not null"
            "   or p.linkedin_url is not null)"
            " from sales.appointment_history a"
            " left join sales.prospect_companies c using (company_id)"
            " left join sales.prospect_people p using (people_id)"
        ).fetchone()
    assert (nameless_company, nameless_person) == (0, 0)
    assert reachable_people > 150


def test_an_export_with_nothing_to_send_writes_no_file_and_says_why(
    built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # HeyReach sends on LinkedIn only; asking it for the email half leaves nothing.
    out = tmp_path / "heyreach.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        result = export_queue(conn, READY_QUEUE, out, channel="email", tool="heyreach",
                              mark_touched=True)  # fmt: skip
        assert touched_people(conn) == {}
    assert not out.exists()
    assert result.nothing_because == "HeyReach can take none of the 2 ready row(s)"
    monkeypatch.setenv("DATABASE_URL", built)
    args = ["export", "lane-a", str(out), "--format", "heyreach", "--channel", "email"]
    code, printed, _ = run_main(args, capsys, monkeypatch)
    assert code == 0 and not out.exists()
    assert "wrote no file: HeyReach can take none of the 2 ready row(s)." in printed
    with psycopg.connect(built, autocommit=True) as conn:
        conn.execute("insert into sales.reactivation_kill_switch (scope, scope_key, action,"
                     " reason, actor) select 'appointment', appointment_uid, 'exclude', 't', 't'"
                     " from sales.appointment_history")  # fmt: skip
        empty = export_queue(conn, READY_QUEUE, out)
    assert not out.exists()
    assert empty.nothing_because.startswith("no row of bit.v_reactivation_ready is ready now")
